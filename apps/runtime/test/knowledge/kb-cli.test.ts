import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey } from '../../src/config';
import { createTenantWithAdmin } from '../../src/tenants/tenant-service';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { runCli, writeTinyEval } from './cli-helpers';

const skip = await postgresUnavailable();

describe.skipIf(skip)('kb and eval CLI (Postgres, in this process)', () => {
  let database: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let slug: string;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 2 });
    dir = mkdtempSync(join(tmpdir(), 'acb-kbcli-'));
    env = {
      DATABASE_URL: database.url,
      CHATBOT_DATA_DIR: join(dir, 'data'),
      CHATBOT_JWT_SECRET: 'kb-cli-secret-0123456789-0123456789-0123456789',
      CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
      LOG_LEVEL: 'silent',
    };
    const { tenant } = await createTenantWithAdmin(database.db, { name: 'Shop Giày Minh', adminEmail: 'minh@example.vn', adminPassword: 'giay-dep-minh-2025' });
    slug = tenant.slug;
    writeFileSync(join(dir, 'bao-hanh.md'), '# Bảo hành\n\nGiày được bảo hành keo và đế 6 tháng. Mang giày và hoá đơn tới cửa hàng.');
    writeFileSync(join(dir, 'size.txt'), 'Bảng size: chân dài 24,5 cm đi size 39; 25 cm đi size 40; 26 cm đi size 41.');
    writeFileSync(join(dir, 'hong.pdf'), '%PDF-1.4 hỏng rồi');
  }, 60_000);
  afterAll(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kb add waits for every file, reports the broken one bilingually and exits non-zero', async () => {
    const run = await runCli(env, 'kb', 'add', '--tenant', slug, join(dir, 'bao-hanh.md'), join(dir, 'size.txt'), join(dir, 'hong.pdf'), '--json');
    expect(run.code).toBe(1);
    const error = JSON.parse(run.stderr).error;
    expect(error.code).toBe('ingest_failed');
    const files = error.details.files as Array<{ file: string; status: string; chunks: number; error: { message_vi: string; message: string } | null }>;
    expect(files.map((f) => [f.file.split('/').pop(), f.status])).toEqual([
      ['bao-hanh.md', 'ready'],
      ['size.txt', 'ready'],
      ['hong.pdf', 'failed'],
    ]);
    expect(files[2]!.error!.message_vi).not.toBe(files[2]!.error!.message);
    // Without a terminal, progress is plain lines on stderr (here the JSON error follows them).
    const ok = await runCli(env, 'kb', 'add', '--tenant', slug, join(dir, 'size.txt'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/size\.txt: (extracting|chunking|indexing)/);
    expect(ok.stdout).toMatch(/✓ .*size\.txt: 1 đoạn/);
  }, 60_000);

  it('kb list shows status and errors; kb search ranks chunks with scores and document names', async () => {
    const list = await runCli(env, 'kb', 'list', '--tenant', slug, '--json');
    expect(list.code, list.stderr).toBe(0);
    const docs = JSON.parse(list.stdout) as Array<{ name: string; status: string; error: { code: string } | null }>;
    expect(docs.map((d) => d.status).sort()).toEqual(['failed', 'ready', 'ready', 'ready']);
    expect(docs.find((d) => d.name === 'hong.pdf')?.error?.code).toMatch(/corrupt|unsupported|empty/);
    const text = await runCli(env, 'kb', 'list', '--tenant', slug);
    expect(text.stdout).toMatch(/failed .*hong\.pdf/);

    const search = await runCli(env, 'kb', 'search', '--tenant', slug, 'giày bảo hành mấy tháng', '--json');
    expect(search.code, search.stderr).toBe(0);
    const result = JSON.parse(search.stdout) as { hits: Array<{ rank: number; score: number; document_name: string; text: string }> };
    expect(result.hits[0]).toMatchObject({ rank: 1, document_name: 'bao-hanh.md' });
    expect(result.hits[0]!.score).toBeGreaterThan(0);
    const plain = await runCli(env, 'kb', 'search', '--tenant', slug, 'chan 25cm di size nao');
    expect(plain.stdout).toMatch(/^1\. \[\d\.\d{4}\] size\.txt/);
    const usage = await runCli(env, 'kb', 'add', '--tenant', slug);
    expect(usage.code).toBe(2);
  }, 60_000);

  it('eval retrieval measures a tiny corpus on a temporary tenant and deletes it', async () => {
    const { corpus, queries } = writeTinyEval(dir);
    const output = join(dir, 'run.jsonl');
    const tenantsBefore = (await database.db.platform((tx) => tx.query('SELECT id FROM tenants'))).rowCount;
    const run = await runCli(env, 'eval', 'retrieval', '--corpus', corpus, '--queries', queries, '--output', output, '--k', '10');
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ mode: 'bm25', queries: 3, documents: 3, 'MRR@10': 1, 'R@1': 1, 'R@10': 1 });
    expect(report.latencyMs.p95).toBeGreaterThanOrEqual(report.latencyMs.p50);
    const lines = readFileSync(output, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l: { id: string; ranked: string[] }) => [l.id, l.ranked[0]])).toEqual([['q1', 'ship'], ['q2', 'doitra'], ['q3', 'thanhtoan']]);
    for (const line of lines) expect(new Set(line.ranked).size).toBe(line.ranked.length);
    expect((await database.db.platform((tx) => tx.query('SELECT id FROM tenants'))).rowCount).toBe(tenantsBefore);
    const bad = await runCli(env, 'eval', 'retrieval', '--corpus', corpus, '--queries', queries, '--output', output, '--mode', 'fuzzy');
    expect(bad.code).toBe(2);
  }, 60_000);
});

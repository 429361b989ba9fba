import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { controlSocketPath } from '../../src/cli/control-socket';
import { startServer } from '../../src/cli/serve';
import { existingKnowledgeService } from '../../src/knowledge/service';
import { createTenantWithAdmin } from '../../src/tenants/tenant-service';
import { runCli, writeTinyEval } from './cli-helpers';

const dir = mkdtempSync(join(tmpdir(), 'acb-kbserve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kb and eval CLI through a running serve on PGlite (control socket)', () => {
  it('ingests inside the server (relative paths resolved by the CLI), searches and evaluates there', async () => {
    const env: NodeJS.ProcessEnv = {
      CHATBOT_DATA_DIR: join(dir, 'data'),
      DATABASE_URL: '',
      REDIS_URL: '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CHATBOT_JWT_SECRET: 'kb-serve-secret-0123456789-0123456789-0123456789',
      CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    };
    const running = await startServer(loadConfig(env), { print: () => undefined });
    try {
      expect(running.runtime.db.kind).toBe('pglite');
      const { tenant } = await createTenantWithAdmin(running.runtime.db, { name: 'Tiệm Trà Sen', adminEmail: 'sen@example.vn', adminPassword: 'tra-sen-thom-2025' });
      const file = join(dir, 'menu.md');
      writeFileSync(file, '# Thực đơn\n\nTrà sen vàng 45.000đ, trà đào cam sả 39.000đ. Quán mở cửa 7 giờ sáng tới 22 giờ.');
      // No process but the server can open PGlite: the command must go over the socket.
      expect(controlSocketPath(env.CHATBOT_DATA_DIR!)).toMatch(/\.sock$/);
      const added = await runCli(env, 'kb', 'add', '--tenant', tenant.slug, relative(process.cwd(), file));
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/✓ .*menu\.md: \d+ đoạn/);
      const service = existingKnowledgeService(running.runtime.db)!;
      expect(await service.countChunks(tenant.id)).toBeGreaterThan(0);

      const search = await runCli(env, 'kb', 'search', '--tenant', tenant.slug, 'tra dao bao nhieu tien', '--json');
      expect(search.code, search.stderr).toBe(0);
      expect(JSON.parse(search.stdout).hits[0]).toMatchObject({ document_name: 'menu.md' });
      const list = await runCli(env, 'kb', 'list', '--tenant', tenant.slug, '--json');
      expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'menu.md', status: 'ready', percent: 100 }]);

      const { corpus, queries } = writeTinyEval(dir);
      const output = join(dir, 'run.jsonl');
      const evaluated = await runCli(env, 'eval', 'retrieval', '--corpus', relative(process.cwd(), corpus), '--queries', queries, '--output', relative(process.cwd(), output));
      expect(evaluated.code, evaluated.stderr).toBe(0);
      expect(JSON.parse(evaluated.stdout)).toMatchObject({ queries: 3, 'MRR@10': 1 });
      expect(readFileSync(output, 'utf8').trim().split('\n')).toHaveLength(3);
    } finally {
      await running.stop();
    }
  }, 120_000);
});

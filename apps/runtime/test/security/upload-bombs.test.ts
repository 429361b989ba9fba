/**
 * Security sweep (d): hostile uploads through the runtime's real upload endpoints. A zip-bomb
 * .xlsx (FAQ and product import answer at once: 422), a zip-bomb .docx and a PDF whose stream
 * inflates to 64 MB (document upload accepts, then ingestion fails with a clear error or finishes
 * within limits), and an upload past CHATBOT_UPLOAD_MAX_BYTES (413). Memory stays bounded: the
 * server runs in this process and its RSS may not grow by more than 200 MiB while each file is
 * handled (the bombs expand to 64–512 MiB).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable } from '../helpers/postgres';
import { docxBomb, pdfBomb, xlsxBomb } from './bomb-files';
import { startSecurityRig, type SecurityRig } from './security-rig';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`upload-bombs skipped: ${unavailable}`);
const MiB = 1024 * 1024;
const RSS_BUDGET = 200 * MiB;

/** Runs `work` while sampling RSS; returns its result and the peak growth in bytes. */
async function withRss<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    console.info(`RSS growth ${Math.round((peak - base) / MiB)} MiB`);
    return { result, growth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

describe.skipIf(unavailable !== undefined)('upload bombs are refused with bounded memory', { timeout: 120_000 }, () => {
  let rig: SecurityRig;
  let token: string;

  const settled = async (id: string) => {
    const until = Date.now() + 60_000;
    for (;;) {
      const res = await rig.call('GET', `/v1/tenant/documents/${id}`, { token });
      if (res.body?.status === 'ready' || res.body?.status === 'failed') return res.body;
      if (Date.now() > until) throw new Error(`document ${id} did not settle: ${res.text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    rig = await startSecurityRig({ CHATBOT_UPLOAD_MAX_BYTES: String(2 * MiB) });
    token = (await rig.signup('bomb')).token;
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('a zip-bomb .xlsx is a 422 on FAQ and product import', async () => {
    const bomb = await xlsxBomb(160);
    expect(bomb.length).toBeLessThan(2 * MiB);
    for (const path of ['/v1/tenant/faq/import', '/v1/tenant/products/import']) {
      const { result: res, growth } = await withRss(() => rig.upload(path, token, [{ name: 'bang-gia.xlsx', content: bomb }]));
      expect(res.status, `${path} ${res.text}`).toBe(422);
      expect(res.body.error.message_vi.length).toBeGreaterThan(10);
      expect(growth, `${path} RSS growth`).toBeLessThan(RSS_BUDGET);
    }
  });

  it('a zip-bomb .docx is accepted, then fails ingestion with decompression_limit', async () => {
    const bomb = await docxBomb(160);
    const { result: doc, growth } = await withRss(async () => {
      const res = await rig.upload('/v1/tenant/documents', token, [{ name: 'huong-dan.docx', content: bomb }]);
      expect(res.status, res.text).toBe(201);
      return settled(res.body.items[0].document.id as string);
    });
    expect(doc).toMatchObject({ status: 'failed', error: { code: 'decompression_limit' } });
    expect(doc.error.message_vi).toMatch(/zip bomb|giải nén/);
    expect(growth).toBeLessThan(RSS_BUDGET);
  });

  it('a PDF whose stream inflates to 64 MiB settles (failed or ready) within the memory budget', async () => {
    const bomb = await pdfBomb(64);
    expect(bomb.length).toBeLessThan(2 * MiB);
    const { result: doc, growth } = await withRss(async () => {
      const res = await rig.upload('/v1/tenant/documents', token, [{ name: 'bang-gia.pdf', content: bomb }]);
      expect(res.status, res.text).toBe(201);
      return settled(res.body.items[0].document.id as string);
    });
    expect(['failed', 'ready']).toContain(doc.status);
    if (doc.status === 'failed') expect(doc.error.message_vi.length).toBeGreaterThan(10);
    expect(growth).toBeLessThan(RSS_BUDGET);
  });

  it('an upload past the per-file limit is a 413 without buffering it', async () => {
    const big = new Uint8Array(24 * MiB).fill(0x61);
    const { result: res, growth } = await withRss(() => rig.upload('/v1/tenant/documents', token, [{ name: 'qua-lon.txt', content: big }]));
    expect(res.status).toBe(413);
    expect(res.body.error.details.items[0]).toMatchObject({ name: 'qua-lon.txt', status: 413 });
    // The client's own 24 MiB (and its multipart copy) live in this process too; the server adds little.
    expect(growth).toBeLessThan(RSS_BUDGET);
  });
});

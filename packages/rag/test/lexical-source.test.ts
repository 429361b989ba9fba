import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@lancedb/lancedb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KnowledgeBase, LanceKnowledgeStore, localTableState } from '../src/index';
import { chunkTableName, documentTableName } from '../src/store/keys';
import { tempDir } from './helpers/temp-dir';

const dir = tempDir();
afterAll(() => dir.remove());

const here = dirname(fileURLToPath(import.meta.url));
const tsxLoader = createRequire(join(here, '../../../package.json')).resolve('tsx');
const src = JSON.stringify(join(here, '../src/index.ts'));

/** Searches `query` in a fresh Node process on `uri`: the top hit's source and whether LanceDB got loaded. */
function searchFresh(uri: string, query: string): { top: string | null; lance: boolean } {
  const script = `
    import { readFileSync } from 'node:fs';
    const { KnowledgeBase } = await import(${src});
    const kb = new KnowledgeBase({ storage: { uri: ${JSON.stringify(uri)} } });
    const { hits } = await kb.search({ namespace: 'shop', query: ${JSON.stringify(query)} });
    const lance = readFileSync('/proc/self/maps', 'utf8').includes('lancedb');
    console.log(JSON.stringify({ top: hits[0]?.sourceId ?? null, lance }));
    await kb.close();
  `;
  const out = execFileSync(process.execPath, ['--import', tsxLoader, '--input-type=module', '-e', script], { cwd: here, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { top: string | null; lance: boolean };
}

/** The lexical source file's header line (JSON lines: the header, then one chunk per line). */
function header(file: string): { format: string; version: number; lineage: string; chunks: number } {
  return JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as { format: string; version: number; lineage: string; chunks: number };
}

/** A lexical source file's parts (one chunk): header, chunk line, token line, index bytes. */
function sourceParts(file: Buffer): { head: Record<string, unknown>; chunkLine: string; tokenLine: string; index: Buffer } {
  const headerEnd = file.indexOf(10);
  const head = JSON.parse(file.subarray(0, headerEnd).toString('utf8')) as { index?: number; tokens: number };
  const index = file.subarray(file.length - (head.index ?? 0));
  const lines = file.subarray(headerEnd + 1, file.length - index.length).toString('utf8').split('\n');
  return { head, chunkLine: lines[0]!, tokenLine: lines[1]!, index };
}

/** A lexical source file of these parts, its header's byte counts made to match them. */
function sourceFile(head: Record<string, unknown>, chunkLines: readonly string[], tokenLines: readonly string[], index: Buffer): Buffer {
  const tokens = Buffer.from(tokenLines.map((line) => `${line}\n`).join(''));
  const header = { ...head, tokens: tokens.length, index: index.length };
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n${chunkLines.map((line) => `${line}\n`).join('')}`), tokens, index]);
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(check()).toBe(true);
}

const SHIP = 'Giao hàng nội thành Hà Nội trong 24 giờ, phí 20.000đ.';
const WARRANTY = 'Chính sách bảo hành: điện thoại được bảo hành 12 tháng, phụ kiện 3 tháng.';
const WHOLESALE = 'Shop nhận bán buôn cho đại lý: đơn từ 50 sản phẩm được chiết khấu 15%.';

describe('table versions read from disk', () => {
  it('match LanceDB Table.version() after creates, merges, deletes and manifest writes', async () => {
    const uri = join(dir.path, 'versions');
    const store = new LanceKnowledgeStore({ uri });
    const lance = await connect(uri);
    const expectSame = async () => {
      for (const name of [chunkTableName('shop'), documentTableName('shop')]) {
        const table = await lance.openTable(name);
        expect((await localTableState(uri, name))?.version).toBe(await table.version());
        table.close();
      }
      const chunks = await lance.openTable(chunkTableName('shop'));
      const docs = await lance.openTable(documentTableName('shop'));
      expect(await store.tableVersion('shop')).toBe((await chunks.version()) * 1_000_000 + (await docs.version()));
    };
    expect(await store.tableVersion('shop')).toBe(0);
    expect(await localTableState(uri, chunkTableName('shop'))).toEqual({ version: 0, lineage: '' });
    const kb = new KnowledgeBase({ storage: store });
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'ship', name: 'ship.txt', content: SHIP } });
    await expectSame();
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'ship', name: 'ship.txt', content: `${SHIP} Miễn phí từ 500k.` } });
    await expectSame();
    await store.upsert({ namespace: 'shop', records: [{ id: 'direct', sourceId: 'direct', text: WHOLESALE, metadata: {} }] });
    await expectSame();
    await kb.deleteDocument({ namespace: 'shop', sourceId: 'ship' });
    await expectSame();
    lance.close();
    await kb.close();
  });
});

describe('persisted lexical source', () => {
  it('a new process answers from it without loading LanceDB, and reads the tables again after another process wrote', async () => {
    const uri = join(dir.path, 'shop');
    const kb = new KnowledgeBase({ storage: { uri }, persistDelayMs: 50 });
    await kb.ingestDocuments({ namespace: 'shop', documents: [
      { sourceId: 'ship', name: 'ship.txt', content: SHIP },
      { sourceId: 'warranty', name: 'bao-hanh.txt', content: WARRANTY },
    ] });
    const file = join(uri, `${chunkTableName('shop')}.lexical.json`);
    const version = await kb.store.tableVersion('shop');
    await waitFor(() => existsSync(file) && header(file).version === version);

    expect(searchFresh(uri, 'bảo hành điện thoại mấy tháng')).toEqual({ top: 'warranty', lance: false });

    await kb.close();
    // Another writer that keeps no source file (an ingest-only process) adds a document: the file
    // is now stale, so a new process reads the tables (loading LanceDB), finds the new document and
    // writes the file again (at close), and the next process needs no LanceDB.
    const writer = new KnowledgeBase({ storage: { uri }, persistSource: false });
    await writer.ingestDocument({ namespace: 'shop', document: { sourceId: 'wholesale', name: 'si.txt', content: WHOLESALE } });
    await writer.close();
    expect(searchFresh(uri, 'bán buôn chiết khấu đại lý')).toEqual({ top: 'wholesale', lance: true });
    expect(searchFresh(uri, 'bán buôn chiết khấu đại lý')).toEqual({ top: 'wholesale', lance: false });
  });

  it('is ignored when unreadable, malformed or from a table dropped and created again, and removed with the namespace', async () => {
    const uri = join(dir.path, 'broken');
    const kb = new KnowledgeBase({ storage: { uri }, persistDelayMs: 50 });
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'ship', name: 'ship.txt', content: SHIP } });
    const file = join(uri, `${chunkTableName('shop')}.lexical.json`);
    await waitFor(() => existsSync(file));
    const good = readFileSync(file);
    const store = kb.store;
    const read = await store.readLexicalSource('shop');
    expect(read?.chunks.map((c) => c.sourceId)).toEqual(['ship']);
    expect(read?.lexicalIndex).toHaveLength(1);

    // The file's parts: the header, the chunk line, the token line and the index.
    const { head, chunkLine, tokenLine, index } = sourceParts(good);
    const chunk = JSON.parse(chunkLine) as Record<string, unknown>;
    expect(chunk.tokens).toBeUndefined();
    expect(JSON.parse(tokenLine)).toBe(read?.chunks[0]?.tokens);
    // Put back together (the header unpadded), the parts read the same.
    writeFileSync(file, sourceFile(head, [chunkLine], [tokenLine], index));
    expect(await store.readLexicalSource('shop')).toEqual(read);
    const damaged = {
      'a cut header': Buffer.from('{"format":"agent-chatbot.lexical-source/3","version":'),
      'a chunk of the wrong shape': sourceFile(head, [JSON.stringify({ ...chunk, text: 42 })], [tokenLine], index),
      'a broken chunk line': sourceFile(head, [chunkLine.slice(0, 20)], [tokenLine], index),
      'a token line that is not a string': sourceFile(head, [chunkLine], ['42'], index),
      'a file cut before its last chunk': sourceFile(head, [], [], index),
      'a header counting more bytes than the file has': Buffer.concat([Buffer.from(`${JSON.stringify({ ...head, index: good.length })}\n`), good.subarray(good.indexOf(10) + 1)]),
      'the older JSON-lines format': Buffer.from(`${JSON.stringify({ ...head, format: 'agent-chatbot.lexical-source/2' })}\n${JSON.stringify({ ...chunk, tokens: JSON.parse(tokenLine) })}\n`),
      'the older single-document format': Buffer.from(JSON.stringify({ ...head, format: 'agent-chatbot.lexical-source/1', chunks: [chunk] })),
    };
    for (const [what, bytes] of Object.entries(damaged)) {
      writeFileSync(file, bytes);
      expect(await store.readLexicalSource('shop'), what).toBeUndefined();
    }
    writeFileSync(file, good);
    expect((await store.readLexicalSource('shop'))?.chunks).toEqual(read?.chunks);
    // Without the tokens (a caller that loads the index): the same chunks, tokens left out.
    expect((await store.readLexicalSourceWithIndex('shop'))?.chunks).toEqual(read?.chunks.map((c) => ({ ...c, tokens: '' })));
    writeFileSync(file, damaged['a chunk of the wrong shape']);
    // A fresh knowledge base over a malformed file still answers, from the tables.
    const other = new KnowledgeBase({ storage: { uri } });
    expect((await other.search({ namespace: 'shop', query: 'giao hàng Hà Nội' })).hits[0]?.sourceId).toBe('ship');
    await other.close();

    await kb.dropNamespace('shop');
    expect(existsSync(file)).toBe(false);
    // Same content again: same table versions, but new tables; the old file must not pass for them.
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'warranty', name: 'bao-hanh.txt', content: WARRANTY } });
    await waitFor(() => existsSync(file));
    const stale = sourceParts(good).head as { version: number };
    expect(stale.version).toBe(await store.tableVersion('shop'));
    writeFileSync(file, good);
    expect(await store.readLexicalSource('shop')).toBeUndefined();
    await kb.close();
  });

  it('is written once after a burst of changes, never after its namespace was dropped, and at close', async () => {
    const uri = join(dir.path, 'burst');
    const file = join(uri, `${chunkTableName('shop')}.lexical.json`);
    // A delay no ingest can outlast, even on a slow machine: the burst must leave one pending
    // write (a short delay could fire between two ingests and the count would measure the machine).
    const kb = new KnowledgeBase({ storage: { uri }, persistDelayMs: 60_000 });
    const writes = vi.spyOn(kb.store, 'writeLexicalSource');
    for (const [sourceId, content] of [['ship', SHIP], ['warranty', WARRANTY], ['wholesale', WHOLESALE]] as const) {
      await kb.ingestDocument({ namespace: 'shop', document: { sourceId, name: `${sourceId}.txt`, content } });
    }
    expect(writes).not.toHaveBeenCalled();
    await kb.retriever.lexical.flush();
    expect(existsSync(file)).toBe(true);
    expect(writes).toHaveBeenCalledTimes(1);
    expect((await kb.store.readLexicalSource('shop'))?.chunks.map((chunk) => chunk.sourceId).sort()).toEqual(['ship', 'warranty', 'wholesale']);

    // A change, then the namespace dropped before the write is due: the texts do not come back.
    await kb.deleteDocument({ namespace: 'shop', sourceId: 'ship' });
    await kb.dropNamespace('shop');
    await kb.retriever.lexical.flush();
    expect(writes).toHaveBeenCalledTimes(1);
    expect(existsSync(file)).toBe(false);
    // Even a write that was already under way when the tables went is dropped.
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'ship', name: 'ship.txt', content: SHIP } });
    const live = await kb.store.readLiveChunks('shop');
    await kb.dropNamespace('shop');
    await kb.store.writeLexicalSource('shop', live);
    expect(existsSync(file)).toBe(false);
    await kb.close();

    // close() writes what is pending instead of waiting for the delay.
    const slow = new KnowledgeBase({ storage: { uri }, persistDelayMs: 60_000 });
    await slow.ingestDocument({ namespace: 'shop', document: { sourceId: 'warranty', name: 'bao-hanh.txt', content: WARRANTY } });
    expect(existsSync(file)).toBe(false);
    const version = await slow.store.tableVersion('shop');
    await slow.close();
    expect(header(file).version).toBe(version);
  });

  it('is not brought back by a write whose check passed just before the namespace was dropped', async () => {
    const uri = join(dir.path, 'drop-race');
    const file = join(uri, `${chunkTableName('shop')}.lexical.json`);
    const kb = new KnowledgeBase({ storage: { uri }, persistSource: false });
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'ship', name: 'ship.txt', content: SHIP } });
    const live = await kb.store.readLiveChunks('shop');
    // The drop starts right after the write found the tables still there, and gets 200 ms to run.
    const store = kb.store as unknown as { localState: (namespace: string) => Promise<unknown> };
    const check = store.localState.bind(kb.store);
    let dropped: Promise<void> | undefined;
    vi.spyOn(store, 'localState').mockImplementation(async (namespace) => {
      const state = await check(namespace);
      if (!dropped) {
        dropped = kb.dropNamespace('shop');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return state;
    });
    await kb.store.writeLexicalSource('shop', live);
    await dropped;
    expect(existsSync(file)).toBe(false);
    await kb.close();
  });

  it("is written and read a slice of chunks at a time, so a big tenant's file does not hold the event loop", async () => {
    const uri = join(dir.path, 'slices');
    const kb = new KnowledgeBase({ storage: { uri }, persistSource: false });
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'ship', name: 'ship.txt', content: SHIP } });
    const live = await kb.store.readLiveChunks('shop');
    const many = { ...live, chunks: Array.from({ length: 5_000 }, (_, i) => ({ ...live.chunks[0]!, id: `c-${String(i).padStart(5, '0')}` })) };
    let turns = 0;
    let writing = true;
    const tick = (): void => {
      if (!writing) return;
      turns += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    const stringify = vi.spyOn(JSON, 'stringify');
    await kb.store.writeLexicalSource('shop', many);
    writing = false;
    // Never the whole file in one call: no argument carried the chunk list.
    const whole = stringify.mock.calls.filter(([value]) => typeof value === 'object' && value !== null && Array.isArray((value as { chunks?: unknown }).chunks));
    stringify.mockRestore();
    expect(whole).toEqual([]);
    // A header line, then each chunk's JSON on a line of its own.
    const file = join(uri, `${chunkTableName('shop')}.lexical.json`);
    const tokenLines = many.chunks.map((chunk) => `${JSON.stringify(chunk.tokens)}\n`).join('');
    const head = { format: 'agent-chatbot.lexical-source/3', version: many.version, lineage: many.lineage, chunks: 5_000, tokens: Buffer.byteLength(tokenLines) };
    const [headLine, ...rest] = readFileSync(file, 'utf8').split('\n');
    expect(JSON.parse(headLine!)).toEqual(head);
    expect(rest.join('\n')).toBe(many.chunks.map(({ tokens: _tokens, ...chunk }) => `${JSON.stringify(chunk)}\n`).join('') + tokenLines);
    // The event loop turned at least once per slice of 200 chunks.
    expect(turns).toBeGreaterThanOrEqual(25);

    // Read back a line at a time (between lines the event loop gets its turns): no JSON.parse
    // call gets more than one chunk's line, where the older format parsed the whole file at once.
    const parse = vi.spyOn(JSON, 'parse');
    const read = await kb.store.readLexicalSource('shop');
    const biggest = Math.max(...parse.mock.calls.map(([text]) => String(text).length));
    parse.mockRestore();
    expect(read?.chunks).toEqual(many.chunks);
    expect(biggest).toBeLessThan(JSON.stringify(many.chunks[0]).length * 2);
    await kb.close();
  });

  it('carries the built index, which a restarted process loads instead of indexing again, with the same results', async () => {
    const uri = join(dir.path, 'index');
    const file = join(uri, `${chunkTableName('shop')}.lexical.json`);
    const documents = [
      { sourceId: 'ship', name: 'ship.txt', content: SHIP },
      { sourceId: 'warranty', name: 'bao-hanh.txt', content: WARRANTY },
      { sourceId: 'wholesale', name: 'si.txt', content: WHOLESALE },
      { sourceId: 'variants', name: 'chinh-ta.txt', content: 'Bác sỹ tư vấn kỹ thuật, Quý khách được hoà tiền khi hàng lỗi.' },
    ];
    const questions = ['bảo hành điện thoại mấy tháng', 'ban buon chiet khau dai ly', 'giao hang ha noi', 'bác sĩ kĩ thuật', 'quí khách hòa tiền'];
    const built = new KnowledgeBase({ storage: { uri }, persistDelayMs: 60_000 });
    await built.ingestDocuments({ namespace: 'shop', documents });
    expect((await built.retriever.lexical.get('shop')).snapshot.origin).toBe('built');
    await built.retriever.lexical.flush();
    const written = readFileSync(file);
    expect(JSON.parse(written.subarray(0, written.indexOf(10)).toString('utf8')).index).toBeGreaterThan(0);
    const results = async (kb: KnowledgeBase) => Promise.all(questions.map(async (query) => (await kb.search({ namespace: 'shop', query })).hits.map((hit) => [hit.sourceId, hit.score])));
    const expected = await results(built);
    await built.close();

    const restarted = new KnowledgeBase({ storage: { uri } });
    const loaded = (await restarted.retriever.lexical.get('shop')).snapshot;
    expect(loaded.origin).toBe('file');
    // The chunks' tokens were not read: only building the index needs them.
    expect(loaded.chunks.map((chunk) => chunk.tokens)).toEqual(documents.map(() => ''));
    expect(await results(restarted)).toEqual(expected);
    await restarted.close();
    // Nothing to write again: the file is the same.
    expect(readFileSync(file).equals(written)).toBe(true);

    // An index the file holds only in part, or one another analysis built, is built again (same
    // results) and written again, so the next process loads it.
    const headerEnd = written.indexOf(10);
    const indexStart = written.length - (JSON.parse(written.subarray(0, headerEnd).toString('utf8')) as { index: number }).index;
    const fingerprint = /"fingerprint":"([0-9a-f]+)"/.exec(written.subarray(indexStart).toString('latin1'))![1]!;
    const otherAnalysis = Buffer.from(written);
    otherAnalysis.write('0'.repeat(fingerprint.length), written.indexOf(fingerprint, indexStart), 'latin1');
    for (const [what, bytes] of [['cut inside the index', written.subarray(0, written.length - 100)], ['another analysis', otherAnalysis]] as const) {
      writeFileSync(file, bytes);
      const again = new KnowledgeBase({ storage: { uri } });
      expect((await again.retriever.lexical.get('shop')).snapshot.origin, what).toBe('built');
      expect(await results(again), what).toEqual(expected);
      await again.close();
      expect(readFileSync(file).equals(written), what).toBe(true);
      const next = new KnowledgeBase({ storage: { uri } });
      expect((await next.retriever.lexical.get('shop')).snapshot.origin, what).toBe('file');
      await next.close();
    }
  });

  it('is not written when persistSource is false', async () => {
    const uri = join(dir.path, 'off');
    const kb = new KnowledgeBase({ storage: { uri }, persistSource: false });
    await kb.ingestDocument({ namespace: 'shop', document: { sourceId: 'ship', name: 'ship.txt', content: SHIP } });
    expect((await kb.search({ namespace: 'shop', query: 'giao hàng Hà Nội' })).hits[0]?.sourceId).toBe('ship');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(join(uri, `${chunkTableName('shop')}.lexical.json`))).toBe(false);
    await kb.close();
  });
});

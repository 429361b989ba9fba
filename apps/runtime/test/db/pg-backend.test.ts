import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages as pgMessages, parse, PGlite, protocol } from '@electric-sql/pglite';
import { readResultMessages } from '../../src/db/pg-backend';
import { encodeFrontendMessages, type FrontendMessage } from '../../src/db/pg-frontend';

/** One extended-protocol round trip (unnamed statements), its raw response bytes. */
async function rawRoundTrip(pglite: PGlite, statements: ReadonlyArray<{ sql: string; params?: Array<string | null> }>): Promise<Uint8Array> {
  const messages: FrontendMessage[] = [];
  for (const { sql, params = [] } of statements) {
    messages.push({ type: 'parse', name: '', text: sql }, { type: 'bind', name: '', values: params }, { type: 'describePortal' }, { type: 'execute' });
  }
  const chunks: Uint8Array[] = [];
  await pglite.execProtocolRawStream(encodeFrontendMessages([...messages, { type: 'sync' }]), { syncToFs: false, onRawData: (chunk) => chunks.push(chunk.slice()) });
  return Buffer.concat(chunks);
}

/** The same bytes through PGlite's own parser. */
function pgliteMessages(bytes: Uint8Array): unknown[] {
  const out: unknown[] = [];
  new protocol.Parser().parse(bytes, (message: unknown) => out.push(message));
  return out;
}

describe('pg-backend: reading a round trip without PGlite’s parser', () => {
  let pglite: PGlite;
  beforeAll(async () => {
    pglite = await PGlite.create();
    await pglite.exec(`CREATE TABLE items (id int8 PRIMARY KEY, name text, price numeric, tags text[], meta jsonb, seen timestamptz, raw bytea, ok bool)`);
  }, 60_000);
  afterAll(() => pglite?.close());

  it('gives parseResults the same results as PGlite’s parser: every type, NULLs, Vietnamese, empty and write results', async () => {
    const bytes = await rawRoundTrip(pglite, [
      { sql: `INSERT INTO items VALUES (1, 'Áo khoác gió – size XL', 350000.50, '{"mới","giảm giá"}', '{"màu":"xanh","n":2}', '2026-11-28T10:00:00Z', '\\x00ff', true), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)` },
      { sql: `SELECT * FROM items ORDER BY id` },
      { sql: `SELECT name AS "tên", $1::text AS echo, '' AS empty FROM items WHERE id = 1`, params: ['phở bò 🍜'] },
      { sql: `SELECT 1 AS n WHERE false` },
      { sql: `UPDATE items SET ok = false WHERE id = 1` },
      { sql: `DELETE FROM items WHERE false` },
      { sql: `SELECT set_config('app.x', 'y', true)` },
    ]);
    const ours = parse.parseResults(readResultMessages(bytes) as never, pglite.parsers);
    const theirs = parse.parseResults(pgliteMessages(bytes) as never, pglite.parsers);
    expect(ours).toEqual(theirs);
    expect(ours[1]!.rows[0]).toMatchObject({ id: 1, name: 'Áo khoác gió – size XL', tags: ['mới', 'giảm giá'], meta: { màu: 'xanh', n: 2 }, ok: true });
    expect(ours[2]!.rows).toEqual([{ tên: 'Áo khoác gió – size XL', echo: 'phở bò 🍜', empty: '' }]);
    expect(ours.map((result) => result.rowCount)).toEqual([2, 2, 1, 0, 1, 0, 1]);
  });

  it('keeps a value’s leading U+FEFF, as node-postgres does (PGlite’s TextDecoder drops it)', async () => {
    const bytes = await rawRoundTrip(pglite, [{ sql: 'SELECT $1::text AS v', params: ['\uFEFFtên'] }]);
    const [ours] = parse.parseResults(readResultMessages(bytes) as never, pglite.parsers);
    const [theirs] = parse.parseResults(pgliteMessages(bytes) as never, pglite.parsers);
    expect(ours!.rows).toEqual([{ v: '\uFEFFtên' }]);
    expect(theirs!.rows).toEqual([{ v: 'tên' }]);
  });

  it('a failing statement is thrown as PGlite’s DatabaseError with its code and constraint', async () => {
    const bytes = await rawRoundTrip(pglite, [{ sql: 'SELECT 1' }, { sql: `INSERT INTO items (id) VALUES (2)` }]);
    let error: unknown;
    try {
      readResultMessages(bytes);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(pgMessages.DatabaseError);
    expect(error).toMatchObject({ code: '23505', constraint: 'items_pkey' });
  });

  it('refuses a notification instead of dropping it (only PGlite’s parser hands it to listeners)', async () => {
    await pglite.exec('LISTEN acb_test');
    const bytes = await rawRoundTrip(pglite, [{ sql: `SELECT pg_notify('acb_test', 'x')` }]);
    // Outside a transaction the notification comes with this round trip's ReadyForQuery.
    expect(pgliteMessages(bytes).some((message) => (message as { name?: string }).name === 'notification')).toBe(true);
    expect(() => readResultMessages(bytes)).toThrow(/notification/);
  });
});

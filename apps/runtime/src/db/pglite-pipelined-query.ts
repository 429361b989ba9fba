/**
 * One PGlite query in one call into Postgres: (Parse,) Bind, Describe, Execute and Sync sent
 * together, as node-postgres sends them over a socket, with each SQL text prepared once. `PGlite.query()` sends those five messages
 * (plus a Describe of the statement, to pick per-type serializers) as six separate calls into the
 * WebAssembly module; on the answering path, where a turn runs a few dozen short statements, that
 * per-call cost was the largest single item of the runtime's CPU time.
 *
 * Parameters are serialised by node-postgres's own `prepareValue` — the rules the Postgres driver
 * applies — so both drivers see every value the same way (arrays as Postgres arrays, objects as
 * JSON, dates as timestamps); every parameter is sent as text of unknown type, as `PGlite.query()`
 * and `pg` do, and Postgres infers its type from the statement.
 */
import { parse, type PGlite, type Results } from '@electric-sql/pglite';
import { prepareValue } from 'pg/lib/utils.js';
import { readResultMessages } from './pg-backend';
import { encodeFrontendMessages, type FrontendMessage } from './pg-frontend';

function toParam(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // bytea as text (`\x…`): node-postgres would send a Buffer in binary format instead.
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return prepareValue(value) as string | null;
}

/** Most statements kept prepared per database; the least recently used beyond it are closed. */
export const MAX_PREPARED_STATEMENTS = 256;

/** A statement prepared under `name`; `ready` once Postgres is known to hold it. */
interface Prepared {
  readonly name: string;
  ready: boolean;
}

/** Per database: SQL text → its prepared statement (Map order = least recently used first), and names to close. */
interface StatementCache {
  readonly statements: Map<string, Prepared>;
  readonly toClose: string[];
  next: number;
}

const caches = new WeakMap<PGlite, StatementCache>();

function cacheOf(pglite: PGlite): StatementCache {
  let cache = caches.get(pglite);
  if (!cache) {
    cache = { statements: new Map(), toClose: [], next: 0 };
    caches.set(pglite, cache);
  }
  return cache;
}

/** One statement of a {@link pipelinedQueries} batch. */
export interface PipelinedStatement {
  readonly sql: string;
  readonly params?: readonly unknown[];
}

/**
 * Runs `statements` on `pglite` in one protocol round trip and returns each one's result, in
 * order. Call it while holding PGlite's transaction lock (`_runExclusiveTransaction`, as
 * `pglite.transaction()` does); it takes the query lock itself. A Postgres error is thrown as
 * PGlite's `DatabaseError` (with `code`), as `query()` would; the statements after the failing one
 * are not run.
 *
 * Each SQL text is parsed once into a named prepared statement and then only bound and executed,
 * as node-postgres does with named queries: Postgres skips parsing and rewriting, and plans it
 * from its plan cache (a generic plan once that is as cheap). On the answering path, where the
 * same two dozen statements run every turn, parse and plan were about half of each statement's
 * time. A statement that was not known to be prepared when a round trip failed is closed and
 * prepared again on its next run, since a failure may have come before or after Postgres stored it.
 *
 * The response is read by pg-backend.ts, except with `notifications` (a batch that commits, whose
 * NOTIFYs PGlite's listeners must get, ADR 0017): PGlite's own parser then reads it.
 */
export async function pipelinedQueries(
  pglite: PGlite,
  statements: readonly PipelinedStatement[],
  options: { readonly notifications?: boolean } = {},
): Promise<Results[]> {
  const cache = cacheOf(pglite);
  const used: Prepared[] = [];
  const messages: FrontendMessage[] = [];
  for (const { sql, params = [] } of statements) {
    let statement = cache.statements.get(sql);
    if (statement) cache.statements.delete(sql); // re-inserted below as the most recently used
    else {
      statement = { name: `acb_${(cache.next++).toString(36)}`, ready: false };
      if (cache.statements.size >= MAX_PREPARED_STATEMENTS) {
        const [oldestSql, oldest] = cache.statements.entries().next().value as [string, Prepared];
        cache.statements.delete(oldestSql);
        cache.toClose.push(oldest.name);
      }
    }
    cache.statements.set(sql, statement);
    used.push(statement);
    if (!statement.ready) messages.push({ type: 'close', name: statement.name }, { type: 'parse', name: statement.name, text: sql });
    messages.push({ type: 'bind', name: statement.name, values: params.map(toParam) }, { type: 'describePortal' }, { type: 'execute' });
  }
  // Statements evicted from the cache (now or before) are closed first.
  const closes = cache.toClose.splice(0).map((name): FrontendMessage => ({ type: 'close', name }));
  const bytes = encodeFrontendMessages([...closes, ...messages, { type: 'sync' }]);
  const backend = await pglite.runExclusive(async (): Promise<Parameters<typeof parse.parseResults>[0]> => {
    // A COMMIT's NOTIFYs reach PGlite's listeners only through its own parser (`execProtocol`).
    if (options.notifications) return (await pglite.execProtocol(bytes, { syncToFs: false })).messages;
    // Otherwise the bytes are read here (pg-backend.ts): ~20× cheaper than PGlite's parser (ADR 0020).
    const chunks: Uint8Array[] = [];
    await pglite.execProtocolRawStream(bytes, { syncToFs: false, onRawData: (chunk) => chunks.push(chunk.slice()) });
    return readResultMessages(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) as never;
  });
  for (const statement of used) statement.ready = true;
  return parse.parseResults(backend, pglite.parsers);
}

/** {@link pipelinedQueries} for one statement: its result. */
export async function pipelinedQuery<R>(pglite: PGlite, sql: string, params: readonly unknown[] = []): Promise<Results<R>> {
  const [result] = await pipelinedQueries(pglite, [{ sql, params }]);
  return result as Results<R>;
}

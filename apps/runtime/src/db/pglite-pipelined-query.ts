/**
 * One PGlite query in one call into Postgres: Parse, Bind, Describe, Execute and Sync sent
 * together, as node-postgres sends them over a socket. `PGlite.query()` sends those five messages
 * (plus a Describe of the statement, to pick per-type serializers) as six separate calls into the
 * WebAssembly module; on the answering path, where a turn runs a few dozen short statements, that
 * per-call cost was the largest single item of the runtime's CPU time.
 *
 * Parameters are serialised by node-postgres's own `prepareValue` — the rules the Postgres driver
 * applies — so both drivers see every value the same way (arrays as Postgres arrays, objects as
 * JSON, dates as timestamps); every parameter is sent as text of unknown type, as `PGlite.query()`
 * and `pg` do, and Postgres infers its type from the statement.
 */
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';
import { prepareValue } from 'pg/lib/utils.js';

const serialize = protocol.serialize;

function toParam(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // bytea as text (`\x…`): node-postgres would send a Buffer in binary format instead.
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return prepareValue(value) as string | null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Runs `sql` with `params` on `pglite` in one protocol round trip. Call it inside
 * `pglite.transaction()` (it takes PGlite's query lock, not its transaction lock); a Postgres
 * error is thrown as PGlite's `DatabaseError` (with `code`), as `query()` would.
 */
export async function pipelinedQuery<R>(pglite: PGlite, sql: string, params: readonly unknown[] = []): Promise<Results<R>> {
  const message = concat([
    serialize.parse({ text: sql }),
    serialize.bind({ values: params.map(toParam) }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
    serialize.sync(),
  ]);
  const { messages } = await pglite.runExclusive(() => pglite.execProtocol(message, { syncToFs: false }));
  return parse.parseResults(messages, pglite.parsers)[0] as Results<R>;
}

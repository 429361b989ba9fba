/**
 * The frontend-message encoder PGlite's pipelined round trips use (src/db/pg-frontend.ts) writes
 * the same bytes as PGlite's own `protocol.serialize` — for every message type it sends, with
 * Vietnamese text, NULLs, empty strings and no parameters — and a batch is those messages back to
 * back. (That Postgres runs them is tested through `pipelinedQueries` in pglite-statements.test.ts.)
 */
import { protocol } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { encodeFrontendMessages, type FrontendMessage } from '../../src/db/pg-frontend';

const serialize = protocol.serialize;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Each message with what PGlite's serializer makes of it. */
const cases: Array<[FrontendMessage, Uint8Array]> = [
  [{ type: 'close', name: 'acb_1' }, serialize.close({ type: 'S', name: 'acb_1' })],
  [
    { type: 'parse', name: 'acb_z9', text: 'SELECT $1::text AS "câu hỏi", $2::int' },
    serialize.parse({ name: 'acb_z9', text: 'SELECT $1::text AS "câu hỏi", $2::int' }),
  ],
  [{ type: 'bind', name: 'acb_2', values: [] }, serialize.bind({ statement: 'acb_2', values: [] })],
  [
    { type: 'bind', name: 'acb_3', values: ['Áo khoác gió có chống nước không?', null, '', '{"a":[1,2]}', '42'] },
    serialize.bind({ statement: 'acb_3', values: ['Áo khoác gió có chống nước không?', null, '', '{"a":[1,2]}', '42'] }),
  ],
  [{ type: 'describePortal' }, serialize.describe({ type: 'P' })],
  [{ type: 'execute' }, serialize.execute({})],
  [{ type: 'sync' }, serialize.sync()],
];

describe('encodeFrontendMessages', () => {
  it.each(cases.map(([message, expected]) => [message.type, message, expected] as const))('%s: the bytes PGlite’s serializer writes', (_type, message, expected) => {
    expect(hex(encodeFrontendMessages([message]))).toBe(hex(expected));
  });

  it('a batch is its messages back to back, in order', () => {
    const messages = cases.map(([message]) => message);
    expect(hex(encodeFrontendMessages(messages))).toBe(cases.map(([, expected]) => hex(expected)).join(''));
  });

  it('a long parameter keeps its exact length (multi-byte characters counted in bytes)', () => {
    const long = 'ệ'.repeat(100_000);
    const bytes = encodeFrontendMessages([{ type: 'bind', name: 'acb_4', values: [long] }]);
    expect(hex(bytes)).toBe(hex(serialize.bind({ statement: 'acb_4', values: [long] })));
    expect(bytes.length).toBe(1 + 4 + 1 + 6 + 2 + 2 + 2 + 4 + Buffer.byteLength(long) + 2);
  });
});

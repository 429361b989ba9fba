/**
 * The backend messages of a pipelined PGlite round trip read straight from its bytes (the reverse
 * of pg-frontend.ts). PGlite's own parser turns every message into a class instance and copies
 * every field into a fresh `ArrayBuffer` before decoding it: on a cache hit that was ~0.5 ms of
 * ~8 ms of CPU on a slow machine. Only what `parse.parseResults` reads is kept — each statement's
 * field names and types, its rows as text, its command tag — in the shape PGlite's parser gives
 * them, so PGlite still converts the values (its type parsers). A round trip with an error is left
 * to PGlite's parser, so the error is PGlite's `DatabaseError` with every field. Text is decoded as
 * node-postgres decodes it (`Buffer.toString`): a value starting with U+FEFF keeps it, as on
 * Postgres, where PGlite's `TextDecoder` dropped it.
 */
import { messages as pgMessages, protocol } from '@electric-sql/pglite';

/** What `parse.parseResults` reads of a message (a subset of PGlite's message classes). */
export type ResultMessage =
  | { readonly name: 'rowDescription'; readonly fields: ReadonlyArray<{ readonly name: string; readonly dataTypeID: number }> }
  | { readonly name: 'dataRow'; readonly fields: ReadonlyArray<string | null> }
  | { readonly name: 'commandComplete'; readonly text: string };

const ROW_DESCRIPTION = 0x54; // 'T'
const DATA_ROW = 0x44; // 'D'
const COMMAND_COMPLETE = 0x43; // 'C'
const ERROR_RESPONSE = 0x45; // 'E'
const NOTIFICATION = 0x41; // 'A'

/**
 * Reads the messages of one round trip. Throws the round trip's first error as PGlite would
 * (`execProtocol` with `throwOnError`). Parse/Bind/Close completion, NoData, notices and
 * ReadyForQuery carry nothing a result needs and are skipped; a notification is refused, since
 * only PGlite's own parser hands it to its listeners (send such a round trip through
 * `execProtocol`).
 */
export function readResultMessages(bytes: Uint8Array): ResultMessage[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: ResultMessage[] = [];
  let at = 0;
  while (at + 5 <= buffer.length) {
    const type = buffer[at]!;
    const end = at + 1 + buffer.readInt32BE(at + 1);
    let pos = at + 5;
    if (type === DATA_ROW) {
      const count = buffer.readInt16BE(pos);
      pos += 2;
      const fields: Array<string | null> = new Array(count);
      for (let i = 0; i < count; i += 1) {
        const length = buffer.readInt32BE(pos);
        pos += 4;
        if (length < 0) fields[i] = null;
        else {
          fields[i] = buffer.toString('utf8', pos, pos + length);
          pos += length;
        }
      }
      out.push({ name: 'dataRow', fields });
    } else if (type === ROW_DESCRIPTION) {
      const count = buffer.readInt16BE(pos);
      pos += 2;
      const fields: Array<{ name: string; dataTypeID: number }> = new Array(count);
      for (let i = 0; i < count; i += 1) {
        const nameEnd = buffer.indexOf(0, pos);
        const name = buffer.toString('utf8', pos, nameEnd);
        // Table OID (4), column number (2), then the type OID; size, modifier and format follow.
        fields[i] = { name, dataTypeID: buffer.readInt32BE(nameEnd + 1 + 6) };
        pos = nameEnd + 1 + 18;
      }
      out.push({ name: 'rowDescription', fields });
    } else if (type === COMMAND_COMPLETE) {
      out.push({ name: 'commandComplete', text: buffer.toString('utf8', pos, end - 1) });
    } else if (type === ERROR_RESPONSE) {
      throw firstError(bytes);
    } else if (type === NOTIFICATION) {
      throw new Error('A notification reached a pipelined round trip; send it through execProtocol so PGlite hands it to its listeners');
    }
    at = end;
  }
  return out;
}

/** The round trip's first error, as PGlite's parser builds it (code, detail, constraint, …). */
function firstError(bytes: Uint8Array): Error {
  let error: Error | undefined;
  new protocol.Parser().parse(bytes, (message: unknown) => {
    if (!error && message instanceof pgMessages.DatabaseError) error = message;
  });
  return error ?? new Error('Postgres reported an error that could not be read');
}

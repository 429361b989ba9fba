/**
 * The few Postgres frontend messages a pipelined PGlite round trip sends (Close, Parse, Bind,
 * Describe, Execute, Sync), encoded straight into one buffer (ADR 0018). PGlite's
 * `protocol.serialize` builds each message in a growing writer and copies it out, and the caller then
 * concatenated them: 70–84 µs for a typical batch against 3–4 µs here, ~5 % of the runtime's CPU per
 * answer. The bytes are the same as its serializer's (a test compares them); every parameter is text
 * or NULL, as `pipelinedQueries` sends them.
 */

/** One frontend message of a batch. */
export type FrontendMessage =
  | { readonly type: 'close'; readonly name: string }
  | { readonly type: 'parse'; readonly name: string; readonly text: string }
  | { readonly type: 'bind'; readonly name: string; readonly values: readonly (string | null)[] }
  | { readonly type: 'describePortal' }
  | { readonly type: 'execute' }
  | { readonly type: 'sync' };

/** Bytes of a message body after its type byte and length (the length counts itself: 4). */
function bodyLength(message: FrontendMessage): number {
  switch (message.type) {
    case 'close':
      return 4 + 1 + Buffer.byteLength(message.name) + 1;
    case 'parse':
      return 4 + Buffer.byteLength(message.name) + 1 + Buffer.byteLength(message.text) + 1 + 2;
    case 'bind': {
      // Portal '' + statement, the parameters' format codes (all text), the parameters, result formats (none: text).
      let length = 4 + 1 + Buffer.byteLength(message.name) + 1 + 2 + 2 * message.values.length + 2 + 2;
      for (const value of message.values) length += 4 + (value === null ? 0 : Buffer.byteLength(value));
      return length;
    }
    case 'describePortal':
      return 4 + 1 + 1;
    case 'execute':
      return 4 + 1 + 4;
    case 'sync':
      return 4;
  }
}

const TYPE_BYTE: Record<FrontendMessage['type'], number> = {
  close: 0x43, // C
  parse: 0x50, // P
  bind: 0x42, // B
  describePortal: 0x44, // D
  execute: 0x45, // E
  sync: 0x53, // S
};

/** Encodes `messages`, in order, into one buffer for `execProtocol`. */
export function encodeFrontendMessages(messages: readonly FrontendMessage[]): Uint8Array {
  const lengths = messages.map(bodyLength);
  const out = Buffer.allocUnsafe(lengths.reduce((total, length) => total + 1 + length, 0));
  let at = 0;
  const cString = (text: string) => {
    at += out.write(text, at, 'utf8');
    out[at++] = 0;
  };
  messages.forEach((message, index) => {
    out[at++] = TYPE_BYTE[message.type];
    at = out.writeInt32BE(lengths[index]!, at);
    switch (message.type) {
      case 'close':
        out[at++] = 0x53; // S: a prepared statement
        cString(message.name);
        break;
      case 'parse':
        cString(message.name);
        cString(message.text);
        at = out.writeInt16BE(0, at); // no parameter types: Postgres infers them
        break;
      case 'bind':
        out[at++] = 0; // the unnamed portal
        cString(message.name);
        at = out.writeInt16BE(message.values.length, at);
        for (let i = 0; i < message.values.length; i += 1) at = out.writeInt16BE(0, at);
        at = out.writeInt16BE(message.values.length, at);
        for (const value of message.values) {
          if (value === null) {
            at = out.writeInt32BE(-1, at);
          } else {
            const length = out.write(value, at + 4, 'utf8');
            at = out.writeInt32BE(length, at) + length;
          }
        }
        at = out.writeInt16BE(0, at);
        break;
      case 'describePortal':
        out[at++] = 0x50; // P
        out[at++] = 0; // the unnamed portal
        break;
      case 'execute':
        out[at++] = 0; // the unnamed portal
        at = out.writeInt32BE(0, at); // all rows
        break;
      case 'sync':
        break;
    }
  });
  return out;
}

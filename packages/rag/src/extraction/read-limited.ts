import { extractionErrors } from './errors';

/**
 * Collects bytes from a buffer, string or stream, failing with 413 as soon as `maxBytes` is
 * passed, so an oversize upload is never held in memory whole.
 */
export async function readLimited(
  content: Uint8Array | AsyncIterable<Uint8Array>,
  maxBytes: number,
  name: string,
): Promise<Uint8Array> {
  if (content instanceof Uint8Array) {
    if (content.byteLength > maxBytes) throw extractionErrors.tooLarge(name, maxBytes);
    return content;
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of content) {
    total += part.byteLength;
    if (total > maxBytes) {
      // Stop reading: a stream that supports it is closed by leaving the loop.
      throw extractionErrors.tooLarge(name, maxBytes);
    }
    parts.push(part);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

import { PayloadTooLargeError } from '@agent-chatbot/core';
import { httpError } from './http-responses';

/** Image types the widget accepts, recognised from their first bytes (never from the claimed type). */
export type SniffedImageType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';

/** Recognises JPEG, PNG, GIF and WebP by their magic bytes; `null` for anything else. */
export function sniffImageType(bytes: Uint8Array): SniffedImageType | null {
  const at = (index: number) => bytes[index];
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47 && at(4) === 0x0d && at(5) === 0x0a) return 'image/png';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x38) return 'image/gif';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** The bilingual 413 for a body over `limit` bytes. */
export function tooLarge(limit: number): PayloadTooLargeError {
  const mb = (limit / (1024 * 1024)).toFixed(limit % (1024 * 1024) === 0 ? 0 : 1);
  return new PayloadTooLargeError(`The file is larger than ${mb} MB`, `Tệp lớn hơn ${mb} MB, vui lòng chọn ảnh nhỏ hơn`, { details: { max_bytes: limit } });
}

/** The bilingual 415 for a file that is not a supported image. */
export function notAnImage(): ReturnType<typeof httpError> {
  return httpError(415, 'unsupported_media_type', 'Only JPEG, PNG, GIF or WebP images can be sent', 'Chỉ gửi được ảnh JPEG, PNG, GIF hoặc WebP');
}

/**
 * Reads a request body, stopping with a 413 as soon as it exceeds `limit` bytes (checked on the
 * declared `Content-Length` first, then while streaming, so a lying client cannot fill memory).
 */
export async function readBodyLimited(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * Streaming multipart uploads (busboy). Each file is read with the per-file limit enforced while
 * it streams: an oversized file is cut off at the limit, answered with its own 413 and never
 * stored, while the other files of the request go on.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import busboy from 'busboy';
import { PayloadTooLargeError, ValidationError, type AgentChatbotError } from '@agent-chatbot/core';
import { safeFileName } from '../storage/index';

/** A file received whole, within the limit. */
export interface ReceivedFile {
  readonly id: string;
  readonly name: string;
  readonly mimeType: string;
  readonly bytes: Uint8Array;
  readonly sha256: string;
  /** `documents/<id>/<safe name>` under the tenant's prefix. */
  readonly storageKey: string;
}

/** A file that was refused while streaming. */
export interface RefusedFile {
  readonly name: string;
  readonly error: AgentChatbotError;
}

/** Most files in one request. */
export const MAX_FILES_PER_REQUEST = 50;

/** Decodes a multipart file name (browsers send UTF-8; busboy hands latin1 unless told). */
function fileNameOf(raw: string | undefined): string {
  const name = (raw ?? '').split(/[\\/]/).pop()?.trim() ?? '';
  return name.normalize('NFC').slice(0, 255) || 'tep-khong-ten.txt';
}

/**
 * Reads every file part of a multipart request. `onFile` runs for each accepted file in order
 * (the caller stores it) and may throw to refuse it. Non-file fields are collected.
 */
export function receiveFiles(
  req: Request,
  maxFileBytes: number,
  onFile: (file: ReceivedFile) => Promise<void>,
): Promise<{ accepted: ReceivedFile[]; refused: RefusedFile[]; fields: Record<string, string> }> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(
      new ValidationError('Send the files as multipart/form-data', 'Hãy gửi tệp dưới dạng multipart/form-data', { details: { content_type: type } }),
    );
  }
  return new Promise((resolve, reject) => {
    const accepted: ReceivedFile[] = [];
    const refused: RefusedFile[] = [];
    const fields: Record<string, string> = {};
    let work: Promise<void> = Promise.resolve();
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: maxFileBytes, files: MAX_FILES_PER_REQUEST, fields: 20, fieldSize: 10_000, parts: MAX_FILES_PER_REQUEST + 20 },
      });
    } catch (error) {
      reject(new ValidationError(`Invalid multipart request: ${(error as Error).message}`, 'Yêu cầu multipart không hợp lệ'));
      return;
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_field, stream, info) => {
      const name = fileNameOf(info.filename);
      const parts: Buffer[] = [];
      let size = 0;
      let truncated = false;
      stream.on('data', (part: Buffer) => {
        size += part.length;
        parts.push(part);
      });
      stream.on('limit', () => {
        truncated = true;
        parts.length = 0;
      });
      stream.on('close', () => {
        work = work.then(async () => {
          if (truncated) {
            refused.push({
              name,
              error: new PayloadTooLargeError(
                `${name} is larger than the ${Math.round(maxFileBytes / 1024 / 1024)} MB limit`,
                `Tệp ${name} vượt quá giới hạn ${Math.round(maxFileBytes / 1024 / 1024)} MB`,
                { details: { name, max_bytes: maxFileBytes } },
              ),
            });
            return;
          }
          const bytes = new Uint8Array(Buffer.concat(parts, size));
          const id = randomUUID();
          const file: ReceivedFile = {
            id,
            name,
            mimeType: info.mimeType || 'application/octet-stream',
            bytes,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            storageKey: `documents/${id}/${safeFileName(name)}`,
          };
          try {
            await onFile(file);
            accepted.push(file);
          } catch (error) {
            if (!(error as AgentChatbotError).messageVi) throw error;
            refused.push({ name, error: error as AgentChatbotError });
          }
        });
      });
    });
    parser.on('filesLimit', () => {
      work = work.then(() => {
        refused.push({
          name: '',
          error: new PayloadTooLargeError(
            `At most ${MAX_FILES_PER_REQUEST} files per upload`,
            `Mỗi lần tải lên tối đa ${MAX_FILES_PER_REQUEST} tệp`,
            { details: { max_files: MAX_FILES_PER_REQUEST } },
          ),
        });
      });
    });
    parser.on('error', (error: Error) => reject(new ValidationError(`Invalid multipart request: ${error.message}`, 'Yêu cầu multipart không hợp lệ')));
    parser.on('close', () => {
      work.then(() => resolve({ accepted, refused, fields }), reject);
    });
    req.on('aborted', () => reject(new ValidationError('Upload aborted', 'Tải lên bị gián đoạn')));
    req.pipe(parser);
  });
}

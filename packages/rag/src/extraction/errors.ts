import { PayloadTooLargeError, UnprocessableError } from '@agent-chatbot/core';

/** Typed, bilingual per-file errors. `code` tells the dashboard which case it is. */
export const extractionErrors = {
  tooLarge: (name: string, limit: number): PayloadTooLargeError =>
    new PayloadTooLargeError(
      `File "${name}" is larger than ${Math.round(limit / 1024 / 1024)} MB`,
      `Tệp "${name}" lớn hơn giới hạn ${Math.round(limit / 1024 / 1024)} MB`,
      { details: { file: name, limit_bytes: limit } },
    ),
  empty: (name: string): UnprocessableError =>
    new UnprocessableError(`File "${name}" is empty or has no text`, `Tệp "${name}" trống hoặc không có nội dung văn bản`, {
      code: 'empty_file',
      details: { file: name },
    }),
  corrupt: (name: string, cause?: unknown): UnprocessableError =>
    new UnprocessableError(`File "${name}" is corrupt or not a valid document`, `Tệp "${name}" bị hỏng hoặc không đúng định dạng`, {
      code: 'corrupt_file',
      details: { file: name },
      cause,
    }),
  encrypted: (name: string): UnprocessableError =>
    new UnprocessableError(
      `File "${name}" is password-protected; remove the password and upload it again`,
      `Tệp "${name}" có mật khẩu bảo vệ; hãy gỡ mật khẩu rồi tải lên lại`,
      { code: 'encrypted_file', details: { file: name } },
    ),
  zipBomb: (name: string, limit: number): UnprocessableError =>
    new UnprocessableError(
      `File "${name}" expands to more than ${Math.round(limit / 1024 / 1024)} MB or is abnormally compressed (possible zip bomb)`,
      `Tệp "${name}" giải nén vượt quá ${Math.round(limit / 1024 / 1024)} MB hoặc nén bất thường (nghi ngờ zip bomb)`,
      { code: 'decompression_limit', details: { file: name, limit_bytes: limit } },
    ),
  unsupported: (name: string): UnprocessableError =>
    new UnprocessableError(
      `File "${name}" has an unsupported format (use .txt, .md, .pdf, .docx, .xlsx or .csv)`,
      `Định dạng tệp "${name}" chưa được hỗ trợ (dùng .txt, .md, .pdf, .docx, .xlsx hoặc .csv)`,
      { code: 'unsupported_format', details: { file: name } },
    ),
  timeout: (name: string, ms: number): UnprocessableError =>
    new UnprocessableError(
      `Reading "${name}" took longer than ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} and was stopped`,
      `Đọc tệp "${name}" mất quá ${ms < 1000 ? `${ms} mili giây` : `${Math.round(ms / 1000)} giây`} nên đã bị dừng`,
      { code: 'extraction_timeout', details: { file: name, limit_ms: ms } },
    ),
  tooManyPages: (name: string, pages: number, limit: number): UnprocessableError =>
    new UnprocessableError(
      `PDF "${name}" has ${pages} pages; the limit is ${limit}`,
      `PDF "${name}" có ${pages} trang, vượt giới hạn ${limit} trang`,
      { code: 'too_many_pages', details: { file: name, pages, limit } },
    ),
};

/** Rejects with a timeout error if `work` takes longer than `ms`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, name: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(extractionErrors.timeout(name, ms));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

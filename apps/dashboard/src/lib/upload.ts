/**
 * One file uploaded as multipart with upload progress. `fetch` cannot report request-body
 * progress, so this uses `XMLHttpRequest` and its `upload` events; a 401 refreshes the session
 * once and retries, like every other call.
 */
import { toApiError, type ApiError } from '../api/api-error';
import type { ApiClient } from '../api/client';
import type { SessionStore } from '../api/session-store';

/** The outcome of one upload: the parsed JSON answer, or the API's error. */
export type UploadResult = { ok: true; status: number; body: unknown } | { ok: false; error: ApiError; body: unknown };

/** Options of {@link uploadFile}. */
export interface UploadOptions {
  client: ApiClient;
  session: SessionStore;
  path: string;
  file: File;
  /** Form field name (default `file`). */
  field?: string;
  /** Upload progress 0–100 of the request body. */
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

function send({ client, session, path, file, field = 'file', onProgress, signal }: UploadOptions): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', new URL(path, client.baseUrl).toString());
    const token = session.getState().accessToken;
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress?.(Math.min(100, Math.round((event.loaded / event.total) * 100)));
    });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, text: xhr.responseText }));
    xhr.addEventListener('error', () => resolve({ status: 0, text: '' }));
    xhr.addEventListener('abort', () => resolve({ status: 0, text: '' }));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append(field, file, file.name);
    xhr.send(form);
  });
}

const parse = (text: string): unknown => {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Uploads `file` to `path`.
 *
 * @example const result = await uploadFile({ client, session, path: '/v1/tenant/documents', file, onProgress: setPercent });
 */
export async function uploadFile(options: UploadOptions): Promise<UploadResult> {
  let answer = await send(options);
  if (answer.status === 401 && (await options.client.refresh())) answer = await send(options);
  const body = parse(answer.text);
  if (answer.status >= 200 && answer.status < 300) return { ok: true, status: answer.status, body };
  return { ok: false, error: toApiError(answer.status, body), body };
}

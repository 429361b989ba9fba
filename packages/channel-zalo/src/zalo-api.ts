import { readJson, type AttachmentV1, type OutboundMessageV1, type HttpClient } from '@agent-chatbot/core';
import { z } from 'zod';

const envelope = z.looseObject({
  error: z.coerce.number(),
  message: z.string().optional(),
  data: z.looseObject({ message_id: z.union([z.string(), z.number()]).transform(String).optional() }).optional(),
});

/** Zalo's answer to one API call: HTTP status plus the `{error, message, data}` envelope. */
export type ZaloApiResult =
  | { readonly kind: 'ok'; readonly messageId: string | undefined; readonly raw: unknown }
  | { readonly kind: 'zalo_error'; readonly code: number; readonly message: string | undefined; readonly raw: unknown }
  | { readonly kind: 'http_error'; readonly status: number; readonly retryAfterMs: number | undefined };

/** Most buttons one Zalo button template carries (channels.md §1.6). */
export const ZALO_MAX_BUTTONS = 5;
/** Longest button title kept (Zalo cuts longer ones) [L]. */
const MAX_BUTTON_TITLE = 100;

/** One consultation-message call: text (with optional quick-reply buttons), an image or a file. */
export interface ZaloPart {
  text?: string;
  /** Send by URL (Zalo fetches it): the fallback when an image cannot be uploaded. */
  imageUrl?: string;
  /** `attachment_id` from `POST /v2.0/oa/upload/image`. */
  imageAttachmentId?: string;
  /** `token` from `POST /v2.0/oa/upload/file`. */
  fileToken?: string;
  /** Quick replies as `oa.query.show` buttons: a tap comes back as `user_send_text` with the title. */
  buttons?: ReadonlyArray<string>;
}

/** Builds the `message` object of a consultation message for one part. */
export function toZaloMessage(part: ZaloPart): Record<string, unknown> {
  if (part.fileToken) return { attachment: { type: 'file', payload: { token: part.fileToken } } };
  if (part.imageAttachmentId || part.imageUrl) {
    const element = part.imageAttachmentId ? { media_type: 'image', attachment_id: part.imageAttachmentId } : { media_type: 'image', url: part.imageUrl };
    return {
      ...(part.text ? { text: part.text } : {}),
      attachment: { type: 'template', payload: { template_type: 'media', elements: [element] } },
    };
  }
  if (part.buttons?.length) {
    return {
      text: part.text ?? '',
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          buttons: part.buttons.slice(0, ZALO_MAX_BUTTONS).map((label) => {
            const title = [...label].slice(0, MAX_BUTTON_TITLE).join('');
            return { title, type: 'oa.query.show', payload: title };
          }),
        },
      },
    };
  }
  return { text: part.text ?? '' };
}

/** An outbound attachment planned for upload (its own call) or, failing that, a link/URL send. */
export interface ZaloPlannedAttachment {
  readonly kind: 'image' | 'file';
  readonly attachment: AttachmentV1 & { readonly url: string };
}

/**
 * Plans the API calls for one outbound message: text parts first (the last one carries the quick
 * replies as buttons), then one call per image or file. Images and files are uploaded when
 * `upload` is on (the attachment then travels as an id or token, so private URLs work too);
 * otherwise images go by URL and other files become links in the text.
 */
export function planZaloParts(
  message: OutboundMessageV1,
  splitText: (text: string) => string[],
  options: { upload?: boolean } = {},
): Array<{ part: ZaloPart } | ZaloPlannedAttachment> {
  const withUrl = (message.attachments ?? []).filter((a): a is AttachmentV1 & { url: string } => typeof a.url === 'string' && a.url.length > 0);
  const uploadable = withUrl.filter((a) => options.upload && (a.type === 'image' || a.type === 'file'));
  const links = withUrl.filter((a) => a.type !== 'image' && !uploadable.includes(a)).map((a) => `${a.name ?? a.url}: ${a.url}`);
  const text = [message.text ?? '', ...links].filter(Boolean).join('\n');
  const plan: Array<{ part: ZaloPart } | ZaloPlannedAttachment> = text ? splitText(text).map((chunk) => ({ part: { text: chunk } })) : [];
  const last = plan.at(-1);
  if (last && 'part' in last && message.quickReplies?.length) last.part.buttons = message.quickReplies.slice(0, ZALO_MAX_BUTTONS);
  for (const a of withUrl) {
    if (uploadable.includes(a)) plan.push({ kind: a.type === 'image' ? 'image' : 'file', attachment: a });
    else if (a.type === 'image') plan.push({ part: { imageUrl: a.url } });
  }
  return plan;
}

/** Zalo's upload limits (channels.md §1.6; sizes from Zalo's console help) [L]. */
export const ZALO_UPLOAD_LIMITS = {
  image: { maxBytes: 1024 * 1024, types: ['image/jpeg', 'image/png'] },
  file: { maxBytes: 5 * 1024 * 1024, types: ['application/pdf', 'application/msword', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'] },
} as const;

/** The upload call's outcome: the id/token to send, or why not. */
export type ZaloUploadResult =
  | { readonly kind: 'ok'; readonly id: string }
  | { readonly kind: 'unsupported'; readonly reason: string }
  | { readonly kind: 'failed'; readonly result: Exclude<ZaloApiResult, { kind: 'ok' }> };

/**
 * Uploads bytes to `POST /v2.0/oa/upload/image` (→ `data.attachment_id`) or `/v2.0/oa/upload/file`
 * (→ `data.token`) as multipart field `file`. Files over Zalo's size limit or of a type Zalo does
 * not take are `unsupported` (the caller falls back to a link).
 */
export async function uploadToZalo(
  http: HttpClient,
  apiBase: string,
  accessToken: string,
  upload: { kind: 'image' | 'file'; bytes: Uint8Array; mimeType: string; name: string },
): Promise<ZaloUploadResult> {
  const limits = ZALO_UPLOAD_LIMITS[upload.kind];
  const mimeType = upload.mimeType.split(';')[0]!.trim().toLowerCase();
  if (upload.bytes.byteLength > limits.maxBytes) return { kind: 'unsupported', reason: `larger than ${limits.maxBytes} bytes` };
  if (!(limits.types as readonly string[]).includes(mimeType)) return { kind: 'unsupported', reason: `type ${mimeType} not accepted` };
  const { body: form, contentType } = multipartFile(upload.bytes, mimeType, upload.name);
  const response = await http(`${apiBase}/v2.0/oa/upload/${upload.kind}`, { method: 'POST', headers: { access_token: accessToken, 'content-type': contentType }, body: form });
  const body = await readJson(response);
  const parsed = uploadEnvelope.safeParse(body);
  if (!response.ok || !parsed.success) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return { kind: 'failed', result: { kind: 'http_error', status: response.ok ? 502 : response.status, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined } };
  }
  if (parsed.data.error !== 0) return { kind: 'failed', result: { kind: 'zalo_error', code: parsed.data.error, message: parsed.data.message, raw: body } };
  const id = upload.kind === 'image' ? parsed.data.data?.attachment_id : parsed.data.data?.token;
  if (!id) return { kind: 'failed', result: { kind: 'http_error', status: 502, retryAfterMs: undefined } };
  return { kind: 'ok', id };
}

/**
 * A `multipart/form-data` body with one field `file`, built as bytes: the same on every fetch
 * (undici's own FormData class differs from Node's global one, so a FormData object would not
 * always be recognised when going through a proxy dispatcher).
 */
function multipartFile(bytes: Uint8Array, mimeType: string, name: string): { body: Uint8Array; contentType: string } {
  const boundary = `----agent-chatbot-${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  const safeName = name.replace(/["\r\n]/g, '_');
  const head = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
  );
  const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.byteLength + bytes.byteLength + tail.byteLength);
  body.set(head, 0);
  body.set(bytes, head.byteLength);
  body.set(tail, head.byteLength + bytes.byteLength);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

const uploadEnvelope = z.looseObject({
  error: z.coerce.number(),
  message: z.string().optional(),
  data: z.looseObject({ attachment_id: z.string().optional(), token: z.string().optional() }).optional(),
});

/** Calls a Zalo OA endpoint with the bare `access_token` header and reads the envelope. */
export async function callZalo(
  http: HttpClient,
  url: string,
  accessToken: string,
  init: { method: 'GET' | 'POST'; body?: unknown },
): Promise<ZaloApiResult> {
  const response = await http(url, {
    method: init.method,
    headers: { access_token: accessToken, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const body = await readJson(response);
  const parsed = envelope.safeParse(body);
  if (!response.ok || !parsed.success) {
    const retryAfter = Number(response.headers.get('retry-after'));
    return { kind: 'http_error', status: response.ok ? 502 : response.status, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
  }
  if (parsed.data.error !== 0) return { kind: 'zalo_error', code: parsed.data.error, message: parsed.data.message, raw: body };
  return { kind: 'ok', messageId: parsed.data.data?.message_id, raw: body };
}

import type { OutboundMessageV1 } from '@agent-chatbot/core';
import { z } from 'zod';
import { readJson, type HttpClient } from './http-client';

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

/** Builds the `message` object of `POST /v3.0/oa/message/cs` for one part (text or image). */
export function toZaloMessage(part: { text?: string; imageUrl?: string }): Record<string, unknown> {
  if (part.imageUrl) {
    return {
      ...(part.text ? { text: part.text } : {}),
      attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: part.imageUrl }] } },
    };
  }
  return { text: part.text ?? '' };
}

/**
 * Plans the API calls for one outbound message: text parts first, then one call per image. Zalo
 * has no file-by-URL send (files need an upload token), so file attachments become links in text.
 */
export function planZaloParts(message: OutboundMessageV1, splitText: (text: string) => string[]): Array<{ text?: string; imageUrl?: string }> {
  const links = (message.attachments ?? []).filter((a) => a.type !== 'image' && a.url).map((a) => `${a.name ?? a.url}: ${a.url}`);
  const text = [message.text ?? '', ...links].filter(Boolean).join('\n');
  const parts: Array<{ text?: string; imageUrl?: string }> = text ? splitText(text).map((chunk) => ({ text: chunk })) : [];
  for (const image of (message.attachments ?? []).filter((a) => a.type === 'image' && a.url)) parts.push({ imageUrl: image.url });
  return parts;
}

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

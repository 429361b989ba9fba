import { ProviderError, ValidationError, createHttpClient, downloadMedia, readJson, splitText, webhookMalformedBody, webhookOk, webhookReceiveFailed, webhookSignatureRejected, type ChannelV1, type ChannelV1Host, type ChannelV1SendResult, type ProviderOptionsV1 } from '@agent-chatbot/core';
import { createHmac } from 'node:crypto';
import { graphFailure, graphNetworkFailure } from './graph-errors';
import { messengerChannelOptionsSchema, type MessengerChannelOptions } from './messenger-channel-options';
import { decodeMessengerConversationId, encodeMessengerConversationId, type MessengerConversationRef } from './messenger-conversation-id';
import { messengerWebhookSchema, normaliseMessengerWebhook } from './messenger-webhook-events';
import { answerMessengerVerification, verifyMessengerSignature } from './verify-messenger-signature';

/** Standard messaging window. */
export const MESSENGER_REPLY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Window for `HUMAN_AGENT`-tagged replies written by staff. */
export const MESSENGER_HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Text must be under 2,000 characters. */
export const MESSENGER_MAX_TEXT_LENGTH = 1999;

/** `providerOptions.messenger` accepted by `doSend`. */
export interface MessengerProviderOptions {
  /** `'HUMAN_AGENT'` for a reply a person wrote: sent as MESSAGE_TAG, allowed up to 7 days. */
  tag?: 'HUMAN_AGENT';
  /** Your outbound message id: parts already delivered are skipped when a job retries. */
  outboundMessageId?: string;
  /** When the customer last wrote; checked against the window before calling Meta. */
  lastInteractionAt?: Date | string | number;
}

/** A Messenger channel: {@link ChannelV1} plus media download. */
export interface MessengerChannel extends ChannelV1<MessengerConversationRef> {
  /** Downloads a customer's attachment (Meta CDN URL); throws ProviderError. */
  fetchAttachment(url: string): Promise<Response>;
  /**
   * Installs the app on the Page (`POST /<page id>/subscribed_apps`) so its events reach the
   * app's webhook; call it when the channel is added. Throws ProviderError when Meta refuses.
   */
  subscribePage(fields?: ReadonlyArray<string>): Promise<void>;
  /**
   * The customer's public profile (`GET /<PSID>?fields=first_name,last_name,profile_pic`) to name
   * the contact; `undefined` when Meta refuses (no permission, user unavailable) or is unreachable.
   */
  getUserProfile(psid: string): Promise<{ displayName: string; avatar?: string } | undefined>;
}

const lastInboundKey = (ref: MessengerConversationRef) => `messenger:last-inbound:${ref.pageId}:${ref.psid}`;

function readOptions(providerOptions: ProviderOptionsV1 | undefined): MessengerProviderOptions {
  const raw = providerOptions?.messenger ?? {};
  const last = raw.lastInteractionAt;
  return {
    ...(raw.tag === 'HUMAN_AGENT' ? { tag: 'HUMAN_AGENT' as const } : {}),
    ...(typeof raw.outboundMessageId === 'string' ? { outboundMessageId: raw.outboundMessageId } : {}),
    ...(last instanceof Date || typeof last === 'string' || typeof last === 'number' ? { lastInteractionAt: last } : {}),
  };
}

/**
 * Creates a Facebook Messenger (Page) channel.
 *
 * @example
 * ```ts
 * const messenger = createMessengerChannel({ appSecret, pageAccessToken, verifyToken, pageId });
 * await messenger.doSend({ conversationId, message: { text: 'Dạ' }, providerOptions: { messenger: { tag: 'HUMAN_AGENT' } } });
 * ```
 */
export function createMessengerChannel(options: MessengerChannelOptions): MessengerChannel {
  const parsed = messengerChannelOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new ValidationError('Invalid Messenger channel options', 'Cấu hình kênh Messenger không hợp lệ', { details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) } });
  }
  const now = options.now ?? Date.now;
  const graph = `${(options.graphApiBase ?? 'https://graph.facebook.com').replace(/\/$/, '')}/${options.graphApiVersion ?? 'v23.0'}`;
  const auth = new URLSearchParams({
    access_token: options.pageAccessToken,
    appsecret_proof: createHmac('sha256', options.appSecret).update(options.pageAccessToken).digest('hex'),
  }).toString();
  const http = createHttpClient(options);
  let host: ChannelV1Host | undefined;

  const post = async (pageId: string, body: Record<string, unknown>): Promise<ChannelV1SendResult> => {
    try {
      const response = await http.request(`${graph}/${pageId}/messages?${auth}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = await readJson(response);
      const messageId = (json as { message_id?: unknown } | undefined)?.message_id;
      if (response.ok && typeof messageId === 'string') return { status: 'sent', messageId, raw: json };
      if (response.ok && body.sender_action) return { status: 'sent', messageId: '', raw: json };
      return graphFailure(response.status, json, response.headers);
    } catch (error) {
      return graphNetworkFailure(error);
    }
  };

  const windowFailure = async (ref: MessengerConversationRef, opts: MessengerProviderOptions): Promise<ChannelV1SendResult | undefined> => {
    const last = opts.lastInteractionAt !== undefined ? new Date(opts.lastInteractionAt).getTime() : await host?.getCache().get<number>(lastInboundKey(ref));
    if (last === undefined || !Number.isFinite(last)) return undefined;
    const limit = opts.tag === 'HUMAN_AGENT' ? MESSENGER_HUMAN_AGENT_WINDOW_MS : MESSENGER_REPLY_WINDOW_MS;
    if (now() - last <= limit) return undefined;
    const vi = opts.tag === 'HUMAN_AGENT' ? 'Đã quá 7 ngày kể từ tin nhắn cuối của khách' : 'Đã quá 24 giờ kể từ tin nhắn cuối của khách; nhân viên có thể trả lời với thẻ HUMAN_AGENT trong 7 ngày';
    return { status: 'failed', error: { code: 'window_closed', message: `${vi} (outside the Messenger messaging window)`, retryable: false } };
  };

  return {
    specificationVersion: 'v1',
    platform: 'messenger',
    capabilities: { messageParts: ['text', 'image', 'file', 'quick-replies'], streaming: 'none', typingIndicator: true, maxTextLength: MESSENGER_MAX_TEXT_LENGTH, replyWindowMs: MESSENGER_REPLY_WINDOW_MS },

    async initialize(newHost) {
      host = newHost;
    },

    async handleWebhook(request) {
      if (request.method === 'GET') {
        const challenge = answerMessengerVerification(new URL(request.url), options.verifyToken);
        return challenge === null
          ? Response.json({ error: { code: 'verification_failed', message: 'hub.verify_token does not match', message_vi: 'hub.verify_token không khớp' } }, { status: 403 })
          : new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain' } });
      }
      if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'GET, POST' } });
      const rawBody = await request.text();
      if (!verifyMessengerSignature(options.appSecret, rawBody, request.headers.get('x-hub-signature-256'))) {
        return webhookSignatureRejected('missing or wrong X-Hub-Signature-256', 'thiếu hoặc sai X-Hub-Signature-256');
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        return webhookMalformedBody();
      }
      const webhook = messengerWebhookSchema.safeParse(json);
      if (!webhook.success) return webhookMalformedBody({ issues: webhook.error.issues.map((i) => i.path.join('.')) });
      const events = normaliseMessengerWebhook(webhook.data).filter((e) => !options.pageId || e.accountId === options.pageId);
      if (events.length === 0) return webhookOk();
      if (!host) return webhookReceiveFailed();
      try {
        await host.receive(events);
      } catch (error) {
        host.getLogger('channel-messenger').error({ error: String(error) }, 'messenger events not stored; Meta will retry');
        return webhookReceiveFailed();
      }
      for (const event of events) {
        if (event.type === 'message') await host.getCache().set(lastInboundKey(decodeMessengerConversationId(event.conversationId)), event.timestamp.getTime(), { ttlMs: MESSENGER_HUMAN_AGENT_WINDOW_MS + 86_400_000 });
      }
      return webhookOk();
    },

    async extractAccountId(request) {
      try {
        const webhook = messengerWebhookSchema.safeParse(JSON.parse(await request.clone().text()));
        return webhook.success ? (webhook.data.entry[0]?.id ?? null) : null;
      } catch {
        return null;
      }
    },

    async doSend({ conversationId, message, providerOptions }) {
      let ref: MessengerConversationRef;
      try {
        ref = decodeMessengerConversationId(conversationId);
      } catch {
        return { status: 'failed', error: { code: 'invalid_conversation', message: `Mã hội thoại Messenger không hợp lệ (Not a Messenger conversation id: ${conversationId})`, retryable: false } };
      }
      const opts = readOptions(providerOptions);
      const closed = await windowFailure(ref, opts);
      if (closed) return closed;
      const envelope = opts.tag ? { messaging_type: 'MESSAGE_TAG', tag: opts.tag } : { messaging_type: 'RESPONSE' };
      const bodies: Array<Record<string, unknown>> = [];
      for (const text of message.text?.trim() ? splitText(message.text, MESSENGER_MAX_TEXT_LENGTH) : []) bodies.push({ text });
      for (const a of message.attachments ?? []) {
        if (a.url) bodies.push({ attachment: { type: a.type === 'image' ? 'image' : 'file', payload: { url: a.url, is_reusable: true } } });
      }
      if (bodies.length === 0) return { status: 'failed', error: { code: 'invalid_payload', message: 'Tin nhắn trống (Empty message)', retryable: false } };
      if (message.quickReplies?.length) {
        bodies[bodies.length - 1]!.quick_replies = message.quickReplies.slice(0, 13).map((title) => ({ content_type: 'text', title: [...title].slice(0, 20).join(''), payload: title }));
      }
      const ids: string[] = [];
      for (const [index, body] of bodies.entries()) {
        const doneKey = opts.outboundMessageId ? `messenger:sent:${ref.pageId}:${opts.outboundMessageId}:${index}` : undefined;
        const done = doneKey ? await host?.getCache().get<string>(doneKey) : undefined;
        if (done !== undefined) {
          ids.push(done);
          continue;
        }
        const result = await post(ref.pageId, { recipient: { id: ref.psid }, ...envelope, message: body });
        if (result.status === 'failed') return result;
        ids.push(result.messageId);
        if (doneKey) await host?.getCache().set(doneKey, result.messageId, { ttlMs: 2 * 86_400_000 });
      }
      return { status: 'sent', messageId: ids[ids.length - 1] ?? '', raw: { messageIds: ids } };
    },

    async startTyping(conversationId) {
      const ref = decodeMessengerConversationId(conversationId);
      await post(ref.pageId, { recipient: { id: ref.psid }, sender_action: 'typing_on' });
    },

    async testConnection() {
      try {
        const response = await http.request(`${graph}/me?fields=id,name&${auth}`, { method: 'GET' });
        const json = (await readJson(response)) as { id?: string; name?: string; error?: { message?: string } } | undefined;
        if (!response.ok || !json?.id) return { ok: false, details: json?.error?.message ?? `HTTP ${response.status}` };
        if (options.pageId && json.id !== options.pageId) return { ok: false, details: `Token thuộc trang khác (${json.id}) / token belongs to another page` };
        return { ok: true, details: json.name ?? json.id };
      } catch (error) {
        return { ok: false, details: String(error) };
      }
    },

    fetchAttachment: (url) => downloadMedia(http.request, 'messenger', url),

    async getUserProfile(psid) {
      try {
        const response = await http.request(`${graph}/${encodeURIComponent(psid)}?fields=first_name,last_name,profile_pic&${auth}`, { method: 'GET' });
        const json = (await readJson(response)) as { first_name?: unknown; last_name?: unknown; profile_pic?: unknown } | undefined;
        if (!response.ok || !json) return undefined;
        const displayName = [json.first_name, json.last_name].filter((p): p is string => typeof p === 'string' && p.length > 0).join(' ');
        if (!displayName) return undefined;
        return { displayName, ...(typeof json.profile_pic === 'string' ? { avatar: json.profile_pic } : {}) };
      } catch {
        return undefined;
      }
    },

    async subscribePage(fields = ['messages', 'messaging_postbacks']) {
      if (!options.pageId) throw new ValidationError('pageId is required to subscribe a Page', 'Cần pageId để đăng ký Trang');
      const query = new URLSearchParams({ subscribed_fields: fields.join(',') }).toString();
      const response = await http.request(`${graph}/${options.pageId}/subscribed_apps?${query}&${auth}`, { method: 'POST' });
      const json = await readJson(response);
      if (!response.ok) {
        const failure = graphFailure(response.status, json, response.headers);
        throw new ProviderError({ provider: 'messenger', upstreamStatus: response.status, message: failure.error.message, messageVi: 'Facebook từ chối đăng ký ứng dụng cho Trang', isRetryable: failure.error.retryable });
      }
    },
    encodeConversationId: encodeMessengerConversationId,
    decodeConversationId: decodeMessengerConversationId,
    disconnect: () => http.close(),
  };
}

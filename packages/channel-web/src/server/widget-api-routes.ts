import { AuthenticationError, SignatureError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { WidgetSession } from '../client/protocol';
import { encodeWebConversationId } from './conversation-id';
import { httpError, json } from './http-responses';
import { verifyIdentityHash } from './identity';
import { openEventStream } from './sse';
import { notAnImage, readBodyLimited, sniffImageType, tooLarge } from './uploads';
import { randomId, signVisitorToken, type VisitorClaims } from './visitor-token';
import type { WebChannel } from './web-channel';
import { isOriginAllowed, type WidgetSettings } from './widget-settings';

/** Stores an uploaded image and returns where it is served (object storage in the runtime). */
export type StoreUpload = (upload: { bytes: Uint8Array; mimeType: string; conversationId: string }) => Promise<{ url: string }>;

/** @internal What the API routes need from {@link createWidgetHandlers}. */
export interface RouteContext {
  readonly channel: WebChannel;
  readonly tokenSecret: string;
  readonly settings: (publicKey: string) => Promise<WidgetSettings | null>;
  readonly maxUploadBytes: number;
  readonly storeUpload: StoreUpload;
  readonly heartbeatMs: number;
}

const sessionSchema = z.object({
  key: z.string().min(1).max(100),
  origin: z.string().max(300),
  token: z.string().max(2000).optional(),
  user: z.object({ id: z.string().min(1).max(200), hash: z.string().max(200), name: z.string().max(100).optional() }).optional(),
});

/** The bilingual 403 for a page whose origin is not on the widget's allow-list. */
export const originNotAllowed = () => httpError(403, 'origin_not_allowed', 'This website is not allowed to use this chat widget', 'Trang web này không được phép dùng khung chat này');

/** `POST <base>/session`: starts or resumes a conversation and issues a signed visitor token. */
export async function startSession(request: Request, context: RouteContext): Promise<Response> {
  const raw = new TextDecoder().decode(await readBodyLimited(request, 16 * 1024));
  let body: z.infer<typeof sessionSchema>;
  try {
    body = sessionSchema.parse(JSON.parse(raw));
  } catch {
    throw new ValidationError('The body must be JSON { key, origin, token?, user? }', 'Nội dung phải là JSON { key, origin, token?, user? }');
  }
  const settings = await context.settings(body.key);
  if (!settings || !isOriginAllowed(body.origin, settings.allowedOrigins)) throw originNotAllowed();
  let userId: string | undefined;
  if (body.user) {
    if (!settings.identitySecret || !verifyIdentityHash(body.user.id, body.user.hash, settings.identitySecret)) {
      throw new AuthenticationError('The user identity could not be verified', 'Không xác minh được danh tính người dùng', { code: 'identity_invalid' });
    }
    userId = body.user.id;
  } else if (settings.identityRequired) {
    throw new AuthenticationError('This chat requires a signed-in user', 'Khung chat này yêu cầu đăng nhập', { code: 'identity_required' });
  }
  const previous = context.channel.verifyToken(body.token);
  // Resume only the same widget and the same (or a newly verified) person; another user starts fresh.
  const resumable = previous && previous.publicKey === settings.publicKey && (previous.userId === undefined || previous.userId === userId);
  const claims: VisitorClaims = {
    publicKey: settings.publicKey,
    conversation: resumable ? previous.conversation : `c_${randomId()}`,
    visitorId: resumable ? previous.visitorId : `v_${randomId()}`,
    ...(userId ? { userId } : {}),
    issuedAt: Date.now(),
  };
  const conversationId = encodeWebConversationId({ publicKey: claims.publicKey, conversation: claims.conversation });
  const session: WidgetSession = {
    token: signVisitorToken(claims, context.tokenSecret),
    conversationId,
    messages: resumable ? await context.channel.hub.recent(conversationId) : [],
  };
  return json(session);
}

function claimsOf(token: string | null, context: RouteContext): VisitorClaims {
  const claims = context.channel.verifyToken(token);
  if (!claims) throw new SignatureError('Missing or invalid visitor token', 'Thiếu hoặc sai mã phiên của khách');
  return claims;
}

/** `POST <base>/messages`: JSON `{ id, text }` or multipart with an `image` file (size-capped, sniffed). */
export async function postMessage(request: Request, context: RouteContext): Promise<Response> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) return context.channel.handleWebhook(request);
  const authorization = request.headers.get('authorization');
  const claims = claimsOf(authorization ? (/^Bearer\s+(\S+)$/i.exec(authorization)?.[1] ?? null) : null, context);
  // Room for the multipart framing and the text field on top of the image itself.
  const bytes = await readBodyLimited(request, context.maxUploadBytes + 64 * 1024);
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new ValidationError('The multipart body is malformed', 'Dữ liệu gửi lên bị lỗi định dạng');
  }
  const id = form.get('id');
  const text = form.get('text');
  const file = form.get('image');
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new ValidationError('A message id is required', 'Thiếu mã tin nhắn');
  const attachments = [];
  if (file !== null && typeof file !== 'string') {
    if (file.size > context.maxUploadBytes) throw tooLarge(context.maxUploadBytes);
    const data = new Uint8Array(await file.arrayBuffer());
    const mimeType = sniffImageType(data);
    if (!mimeType) throw notAnImage();
    const conversationId = encodeWebConversationId({ publicKey: claims.publicKey, conversation: claims.conversation });
    const stored = await context.storeUpload({ bytes: data, mimeType, conversationId });
    attachments.push({ type: 'image' as const, url: stored.url, mimeType, size: data.byteLength, ...(file.name ? { name: file.name.slice(0, 200) } : {}) });
  }
  const input = { id, ...(typeof text === 'string' ? { text } : {}), attachments };
  const event = await context.channel.acceptVisitorMessage(claims, input, { id, text: input.text, attachments });
  return json({ ok: true, eventId: event.eventId, attachments });
}

/** `GET <base>/events?token=…&after=…`: the conversation's SSE stream; `Last-Event-ID` wins over `after`. */
export async function streamEvents(request: Request, context: RouteContext): Promise<Response> {
  const url = new URL(request.url);
  const claims = claimsOf(url.searchParams.get('token'), context);
  const afterId = request.headers.get('last-event-id') || url.searchParams.get('after') || undefined;
  if (afterId !== undefined && afterId.length > 200) throw new ValidationError('after is too long', 'Tham số after quá dài');
  return openEventStream({
    request,
    hub: context.channel.hub,
    conversationId: encodeWebConversationId({ publicKey: claims.publicKey, conversation: claims.conversation }),
    afterId,
    heartbeatMs: context.heartbeatMs,
  });
}

/** The default {@link StoreUpload}: an inline `data:` URL (fine for small images; the runtime stores files). */
export const dataUrlUpload: StoreUpload = async ({ bytes, mimeType }) => ({ url: `data:${mimeType};base64,${Buffer.from(bytes).toString('base64')}` });

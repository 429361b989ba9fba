import { createMemoryPubSub } from '@agent-chatbot/core';
import { createRecordingHost, type RecordingHost } from '@agent-chatbot/testkit/fake-channels';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicWidgetConfig, WidgetSession } from '../src/client/protocol';
import { widgetSnippet } from '../src/client/snippet';
import { buildWidgetAssets, type WidgetAssets } from '../src/assets/build-widget';
import { computeIdentityHash } from '../src/server/identity';
import { createRealtimeHub } from '../src/server/realtime-hub';
import { isOriginAllowed } from '../src/server/widget-settings';
import { createWebChannel } from '../src/server/web-channel';
import { createWidgetHandlers } from '../src/server/widget-handlers';
import { TOKEN_SECRET } from './helpers';

const IDENTITY_SECRET = 'tenant-identity-secret-xyz';
const widgets: Record<string, object> = {
  pk_shop: { publicKey: 'pk_shop', allowedOrigins: ['https://shop.vn', 'https://*.shop.vn'], botName: 'Shop Hoa', color: '#aa3377', suggestedQuestions: { vi: ['Giá bao nhiêu?'], en: ['How much?'] }, identitySecret: IDENTITY_SECRET },
  pk_strict: { publicKey: 'pk_strict', allowedOrigins: ['https://shop.vn'], identitySecret: IDENTITY_SECRET, identityRequired: true },
};
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

let assets: WidgetAssets;
let host: RecordingHost;
const channel = createWebChannel({ hub: createRealtimeHub({ pubsub: createMemoryPubSub() }), tokenSecret: TOKEN_SECRET });
const handlers = createWidgetHandlers({
  channel,
  tokenSecret: TOKEN_SECRET,
  resolveWidget: async (key) => (widgets[key] as never) ?? null,
  maxUploadBytes: 1024,
  assets: () => Promise.resolve(assets),
});
const call = (path: string, init: RequestInit = {}) => handlers.fetch(new Request(`https://chat.example.vn${path}`, init));
const session = (body: object) => call('/widget-api/session', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
type ErrorBody = { error: { code: string; message: string; message_vi: string } };

beforeAll(async () => {
  assets = await buildWidgetAssets();
  host = createRecordingHost();
  await channel.initialize(host);
});

describe('allowed origins', () => {
  it('matches exact origins, subdomain wildcards, bare hosts and nothing else', () => {
    const allowed = ['https://shop.vn', 'https://*.shop.vn', 'localhost', 'http://127.0.0.1:8080'];
    expect(isOriginAllowed('https://shop.vn', allowed)).toBe(true);
    expect(isOriginAllowed('https://m.shop.vn', allowed)).toBe(true);
    expect(isOriginAllowed('http://shop.vn', allowed)).toBe(false);
    expect(isOriginAllowed('https://evilshop.vn', allowed)).toBe(false);
    expect(isOriginAllowed('https://shop.vn.evil.com', allowed)).toBe(false);
    expect(isOriginAllowed('http://localhost:5173', allowed)).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:8080', allowed)).toBe(true);
    expect(isOriginAllowed('http://127.0.0.1:9090', allowed)).toBe(false);
    expect(isOriginAllowed('null', allowed)).toBe(false);
    expect(isOriginAllowed('https://shop.vn', [])).toBe(false);
  });

  it('config answers an allowed page (browser Origin header) with branding and CORS for that origin only', async () => {
    const response = await call('/widget-api/config?key=pk_shop', { headers: { origin: 'https://m.shop.vn' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://m.shop.vn');
    const config = (await response.json()) as PublicWidgetConfig;
    expect(config).toMatchObject({ origin: 'https://m.shop.vn', botName: 'Shop Hoa', color: '#aa3377', position: 'right', suggestedQuestions: ['Giá bao nhiêu?'], identity: { enabled: true, required: false } });
    expect(JSON.stringify(config)).not.toContain(IDENTITY_SECRET);
    const en = (await (await call('/widget-api/config?key=pk_shop&lang=en', { headers: { origin: 'https://shop.vn' } })).json()) as PublicWidgetConfig;
    expect(en.suggestedQuestions).toEqual(['How much?']);
  });

  it('config refuses a page on another domain with a bilingual 403; unknown keys get 404', async () => {
    const response = await call('/widget-api/config?key=pk_shop&origin=https://shop.vn', { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(403);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.message_vi).toContain('không được phép');
    expect(body.error.message).toContain('not allowed');
    expect((await call('/widget-api/config?key=pk_nope', { headers: { origin: 'https://shop.vn' } })).status).toBe(404);
  });

  it('the chat page carries frame-ancestors from the allow-list, and refuses other origins', async () => {
    const ok = await call('/widget-api/frame?key=pk_shop&origin=https%3A%2F%2Fshop.vn');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain('frame-ancestors https://shop.vn https://*.shop.vn');
    expect(await ok.text()).toContain('data-origin="https://shop.vn"');
    const refused = await call('/widget-api/frame?key=pk_shop&origin=https%3A%2F%2Fevil.example');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('không được phép');
  });
});

describe('sessions and identity verification', () => {
  it('issues a token, resumes the same conversation with it, and starts fresh for another widget’s token', async () => {
    const first = (await (await session({ key: 'pk_shop', origin: 'https://shop.vn' })).json()) as WidgetSession;
    expect(first.conversationId).toMatch(/^web:pk_shop:c_/);
    const again = (await (await session({ key: 'pk_shop', origin: 'https://shop.vn', token: first.token })).json()) as WidgetSession;
    expect(again.conversationId).toBe(first.conversationId);
    const tampered = `${first.token.slice(0, -2)}xx`;
    const fresh = (await (await session({ key: 'pk_shop', origin: 'https://shop.vn', token: tampered })).json()) as WidgetSession;
    expect(fresh.conversationId).not.toBe(first.conversationId);
  });

  it('accepts a correct HMAC of the user id and rejects a forged one with 401', async () => {
    const hash = computeIdentityHash('user-42', IDENTITY_SECRET);
    const ok = await session({ key: 'pk_shop', origin: 'https://shop.vn', user: { id: 'user-42', hash } });
    expect(ok.status).toBe(200);
    const { token } = (await ok.json()) as WidgetSession;
    expect(channel.verifyToken(token)?.userId).toBe('user-42');
    const forged = await session({ key: 'pk_shop', origin: 'https://shop.vn', user: { id: 'user-43', hash } });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as ErrorBody).error).toMatchObject({ code: 'identity_invalid', message_vi: expect.stringContaining('danh tính') });
    const required = await session({ key: 'pk_strict', origin: 'https://shop.vn' });
    expect(required.status).toBe(401);
  });

  it('refuses to start a session for a disallowed origin or a malformed body', async () => {
    expect((await session({ key: 'pk_shop', origin: 'https://evil.example' })).status).toBe(403);
    expect((await call('/widget-api/session', { method: 'POST', body: '{oops' })).status).toBe(400);
  });
});

describe('messages and uploads', () => {
  let token: string;
  beforeAll(async () => {
    token = ((await (await session({ key: 'pk_shop', origin: 'https://shop.vn' })).json()) as WidgetSession).token;
  });
  const upload = (bytes: Uint8Array, type = 'image/png') => {
    const form = new FormData();
    form.set('id', `img${bytes.length}`);
    form.set('text', 'Mẫu này còn không?');
    form.set('image', new Blob([bytes], { type }), 'anh.png');
    return call('/widget-api/messages', { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  };

  it('stores a sniffed PNG with the message text', async () => {
    const before = host.events.length;
    const response = await upload(PNG);
    expect(response.status).toBe(200);
    const event = host.events[before];
    expect(event?.message?.text).toBe('Mẫu này còn không?');
    expect(event?.message?.attachments?.[0]).toMatchObject({ type: 'image', mimeType: 'image/png', size: PNG.length, url: expect.stringMatching(/^data:image\/png;base64,/) });
  });

  it('answers an oversized upload with a bilingual 413 and stores nothing', async () => {
    const before = host.events.length;
    const big = new Uint8Array(2048);
    big.set(PNG);
    const response = await upload(big);
    expect(response.status).toBe(413);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('payload_too_large');
    expect(body.error.message_vi).toMatch(/Tệp lớn hơn/);
    expect(body.error.message).toMatch(/larger than/);
    expect(host.events.length).toBe(before);
  });

  it('rejects a file claiming image/png that is not an image (415), and unauthenticated posts (401)', async () => {
    expect((await upload(new TextEncoder().encode('<script>alert(1)</script>'))).status).toBe(415);
    const anonymous = await call('/widget-api/messages', { method: 'POST', body: JSON.stringify({ id: 'x1', text: 'hi' }), headers: { 'content-type': 'application/json' } });
    expect(anonymous.status).toBe(401);
  });
});

describe('static files and snippet', () => {
  it('serves widget.js with an ETag and answers 304 on revalidation; leaves other paths alone', async () => {
    const response = await call('/widget.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('javascript');
    const etag = response.headers.get('etag') ?? '';
    expect((await call('/widget.js', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const other = await call('/v1/health');
    expect(other.status).toBe(404);
    expect(other.headers.get('x-agent-chatbot-route')).toBe('none');
  });

  it('prints the embedding snippet', () => {
    expect(widgetSnippet({ host: 'https://chat.example.vn/', publicKey: 'pk_shop' })).toBe('<script src="https://chat.example.vn/widget.js" data-key="pk_shop" async></script>');
    expect(widgetSnippet({ host: 'https://chat.example.vn', publicKey: 'pk_shop', lang: 'en' })).toContain('data-lang="en"');
  });
});

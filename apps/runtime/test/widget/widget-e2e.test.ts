/**
 * The website widget end to end through a real runtime (every feature, pg-boss working) on PGlite
 * and on real Postgres, with the platform LLM on a fake OpenAI server that streams its answer:
 * the loader and assets, the settings API, the origin check (bilingual 403), a visitor question
 * answered through the one inbound path with a streamed reply on SSE, reload + Last-Event-ID
 * resume, image upload, a staff reply queued through the delivery job, and tenant isolation.
 */
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { computeIdentityHash, type RealtimeDeltaEvent, type RealtimeMessageEvent } from '@agent-chatbot/channel-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueDelivery } from '../../src/channels/delivery-job';
import { formatKeyring, generateSecretKey } from '../../src/config';
import type { RuntimeDb } from '../../src/db/index';
import { testDrivers } from '../helpers/drivers';
import { openSse, startWidgetRig, type WidgetRig } from './widget-rig';
import { waitFor } from '../helpers/wait';

const drivers = await testDrivers();
const SHOP = 'http://shop.test:8080';
// Long enough that the engine's output guard (which holds back the tail) lets deltas through early.
const ANSWER =
  'Dạ, shop giao hàng đến Đà Nẵng mất 3 ngày, phí giao hàng 30.000đ ạ. Shop gửi qua GHTK, anh/chị nhận hàng được kiểm tra trước khi thanh toán. ' +
  'Đơn từ 500.000đ được miễn phí giao hàng. Nếu cần gấp, shop có gói giao nhanh trong 1 ngày với phí 50.000đ. ' +
  'Anh/chị để lại số điện thoại và địa chỉ, nhân viên sẽ gọi xác nhận đơn trong vòng 30 phút trong giờ làm việc, từ 8h đến 21h hằng ngày ạ. ' +
  'Shop cảm ơn anh/chị đã quan tâm, chúc anh/chị một ngày thật vui và nhiều sức khoẻ ạ!';
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));

const messages = (events: ReadonlyArray<{ type: string }>) => events.filter((e): e is RealtimeMessageEvent => e.type === 'message');

for (const driver of drivers) {
  if (driver.skip) console.warn(`[widget-e2e] ${driver.name} skipped: ${driver.skip}`);
  describe.skipIf(driver.skip)(`website widget end to end (${driver.name})`, { timeout: 60_000 }, () => {
    let closeDb: () => Promise<void>;
    let rig: WidgetRig;
    let llm: FakeLlmServer;
    let a: { tenantId: string; token: string };
    let b: { tenantId: string; token: string };
    let keyA: string;
    let keyB: string;
    let session: { token: string; conversationId: string };

    const widgetApi = (path: string, init: RequestInit = {}) => fetch(`${rig.baseUrl}/widget-api${path}`, init);
    const startSession = async (key: string, origin: string, token?: string) =>
      widgetApi('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, origin, ...(token ? { token } : {}) }) });
    const send = (token: string, id: string, text: string) =>
      widgetApi('/messages', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ id, text }) });
    const deliveredReplies = (conversationId: string) =>
      rig.runtime.db.tenant(a.tenantId, async (tx) =>
        Number(
          (
            await tx.query<{ n: string }>(
              `SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id
               WHERE c.external_conversation_id = $1 AND m.role IN ('bot', 'agent') AND m.delivery_status = 'sent'`,
              [conversationId],
            )
          ).rows[0]!.n,
        ),
      );

    beforeAll(async () => {
      let db: RuntimeDb;
      ({ db, close: closeDb } = (await driver.open({ max: 8 })) as { db: RuntimeDb; close: () => Promise<void> });
      llm = await startFakeOpenAI({ apiKey: 'sk-platform-widget', responder: () => ANSWER, chunkDelayMs: 15 });
      rig = await startWidgetRig(db, {
        env: {
          CHATBOT_JWT_SECRET: 'widget-tests-secret-0123456789-0123456789-abcdef',
          CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
          CHATBOT_PLATFORM_LLM_PROVIDER: 'openai',
          CHATBOT_PLATFORM_LLM_API_KEY: 'sk-platform-widget',
          CHATBOT_PLATFORM_LLM_BASE_URL: llm.baseURL,
          CHATBOT_PLATFORM_CHEAP_MODEL: 'gpt-4o-mini',
          CHATBOT_PLATFORM_PREMIUM_MODEL: 'gpt-4o',
        },
      });
      a = await rig.signup('widget-a');
      b = await rig.signup('widget-b');
      for (const t of [a, b]) expect((await rig.call('PUT', '/v1/tenant/llm', { token: t.token, body: { provider: 'openai', key_mode: 'platform' } })).status).toBe(200);
    }, 90_000);
    afterAll(async () => {
      await rig?.close();
      await llm?.close();
      // The rig closed the database with its runtime already (Postgres: this drops it).
      await closeDb?.().catch(() => {});
    });

    it('creates the widget on first read and saves settings (identity secret shown once, then masked)', async () => {
      const first = await rig.call('GET', '/v1/tenant/widget', { token: a.token });
      expect(first.status, first.text).toBe(200);
      keyA = first.body.public_key;
      expect(keyA).toMatch(/^pk_[A-Za-z0-9_-]{24}$/);
      expect(first.body).toMatchObject({ enabled: true, allowed_domains: [], identity: { enabled: false, secret_mask: null } });
      expect(first.body.snippet).toBe(`<script src="${rig.baseUrl}/widget.js" data-key="${keyA}" async></script>`);
      expect((await rig.call('GET', '/v1/tenant/widget', { token: a.token })).body.public_key).toBe(keyA);

      const saved = await rig.call('PUT', '/v1/tenant/widget', {
        token: a.token,
        body: {
          allowed_domains: [SHOP, 'https://*.shop.test'],
          bot_name: 'Shop Áo Thun',
          color: '#AA3300',
          greeting: { vi: 'Chào bạn, shop giúp gì được ạ?', en: 'Hi, how can we help?' },
          suggested_questions: { vi: ['Phí ship bao nhiêu?'] },
          identity: { enabled: true },
        },
      });
      expect(saved.status, saved.text).toBe(200);
      expect(saved.body).toMatchObject({ allowed_domains: [SHOP, 'https://*.shop.test'], bot_name: 'Shop Áo Thun', color: '#aa3300', identity: { enabled: true, required: false } });
      const secret: string = saved.body.identity.secret;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const again = await rig.call('GET', '/v1/tenant/widget', { token: a.token });
      expect(again.body.identity.secret).toBeUndefined();
      expect(again.text).not.toContain(secret);
      expect(again.body.identity.secret_mask).toContain(secret.slice(-4));
      // Stored encrypted: the plaintext is nowhere in the row.
      const raw = await rig.runtime.db.platform(async (tx) => JSON.stringify((await tx.query('SELECT * FROM channel_connections WHERE public_key = $1', [keyA])).rows));
      expect(raw).not.toContain(secret);
      expect((await rig.call('PUT', '/v1/tenant/widget', { token: a.token, body: { identity: { enabled: false } } })).body.identity).toMatchObject({ enabled: false, secret_mask: null });

      expect((await rig.call('PUT', '/v1/tenant/widget', { token: a.token, body: { allowed_domains: ['javascript:alert(1)'] } })).status).toBe(400);
      expect((await rig.call('PUT', '/v1/tenant/widget', { token: a.token, body: { color: 'red' } })).status).toBe(400);
      expect((await rig.call('PUT', '/v1/tenant/widget', { body: { bot_name: 'x' } })).status).toBe(401);
    });

    it('serves the loader and the chat assets with content type, caching and CORS', async () => {
      const loader = await fetch(`${rig.baseUrl}/widget.js`);
      expect(loader.status).toBe(200);
      expect(loader.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(loader.headers.get('cache-control')).toBe('public, max-age=300');
      expect(loader.headers.get('access-control-allow-origin')).toBe('*');
      const etag = loader.headers.get('etag')!;
      expect((await loader.text()).length).toBeGreaterThan(500);
      expect((await fetch(`${rig.baseUrl}/widget.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      const app = await fetch(`${rig.baseUrl}/widget-api/chat.js`);
      expect(app.headers.get('cache-control')).toContain('immutable');
      expect((await fetch(`${rig.baseUrl}/widget-api/chat.css`)).headers.get('content-type')).toMatch(/^text\/css/);

      const frame = await fetch(`${rig.baseUrl}/widget-api/frame?key=${keyA}&origin=${encodeURIComponent(SHOP)}`);
      expect(frame.status).toBe(200);
      // Several CSP headers would be joined here: only the widget's own policy is sent (the runtime's
      // `frame-ancestors 'self'` would forbid framing on the shop's site).
      const csp = frame.headers.get('content-security-policy') ?? '';
      expect(csp).toContain(`frame-ancestors ${SHOP.toLowerCase()}`);
      expect(csp).not.toContain("frame-ancestors 'self'");
    });

    it('refuses a page whose origin is not allowed, with a bilingual 403', async () => {
      const ok = await widgetApi(`/config?key=${keyA}`, { headers: { origin: SHOP } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
      expect(await ok.json()).toMatchObject({ botName: 'Shop Áo Thun', color: '#aa3300', greeting: 'Chào bạn, shop giúp gì được ạ?', suggestedQuestions: ['Phí ship bao nhiêu?'] });
      const wildcard = await widgetApi(`/config?key=${keyA}`, { headers: { origin: 'https://m.shop.test' } });
      expect(wildcard.status).toBe(200);

      for (const origin of ['http://evil.test', 'http://shop.test:9999', 'https://shop.test.evil.vn']) {
        const refused = await widgetApi(`/config?key=${keyA}`, { headers: { origin } });
        expect(refused.status, origin).toBe(403);
        const body = (await refused.json()) as { error: { code: string; message: string; message_vi: string } };
        expect(body.error.code).toBe('origin_not_allowed');
        expect(body.error.message_vi).toContain('không được phép');
        expect(body.error.message).toContain('not allowed');
      }
      expect((await startSession(keyA, 'http://evil.test')).status).toBe(403);
      expect((await widgetApi(`/frame?key=${keyA}&origin=${encodeURIComponent('http://evil.test')}`)).status).toBe(403);
      expect((await widgetApi('/config?key=pk_unknown_key', { headers: { origin: SHOP } })).status).toBe(404);
    });

    it('answers a visitor through the inbound path and streams the reply over SSE', async () => {
      const started = await startSession(keyA, SHOP);
      expect(started.status).toBe(200);
      session = (await started.json()) as typeof session;
      expect(session.conversationId).toMatch(new RegExp(`^web:${keyA}:c_`));
      const sse = await openSse(`${rig.baseUrl}/widget-api/events?token=${encodeURIComponent(session.token)}`);
      expect(sse.status).toBe(200);
      const before = llm.requests.length;
      expect((await send(session.token, 'q1', 'Giao hàng đến Đà Nẵng mất mấy ngày shop?')).status).toBe(200);

      const reply = await waitFor(() => messages(sse.events).find((m) => m.role === 'bot'), 30_000, 'bot reply on SSE');
      expect(reply.text).toBe(ANSWER);
      const visitor = messages(sse.events).find((m) => m.role === 'visitor');
      expect(visitor).toMatchObject({ clientId: 'q1', text: 'Giao hàng đến Đà Nẵng mất mấy ngày shop?' });
      // Typing indicator, then deltas under one stream, which the final message names.
      expect(sse.events.some((e) => e.type === 'typing' && e.on)).toBe(true);
      const deltas = sse.events.filter((e): e is RealtimeDeltaEvent => e.type === 'delta');
      expect(deltas.length).toBeGreaterThan(2);
      expect(deltas.map((d) => d.text).join('')).toBe(ANSWER);
      expect(new Set(deltas.map((d) => d.streamId))).toEqual(new Set([reply.streamId]));
      expect(sse.events.findIndex((e) => e.type === 'delta')).toBeLessThan(sse.events.indexOf(reply));
      expect(llm.requests.slice(before).some((r) => r.stream === true)).toBe(true);
      // Stored and delivered like every channel: the reply row is `sent` under the published id.
      await waitFor(async () => (await deliveredReplies(session.conversationId)) === 1, 10_000, 'delivery marked sent');
      const row = await rig.runtime.db.tenant(a.tenantId, async (tx) =>
        (await tx.query<{ external_id: string; content: string }>(`SELECT external_id, content FROM messages WHERE role = 'bot' ORDER BY created_at DESC LIMIT 1`)).rows[0]!,
      );
      expect(row).toEqual({ external_id: `out:${reply.id}`, content: ANSWER });
      await sse.close();
    });

    it('resumes after a reload: the session returns the history, Last-Event-ID replays what was missed', async () => {
      // The reply's quick replies (stored on the message, as a fallback's "Gặp nhân viên" is) come back with it.
      await rig.runtime.db.tenant(a.tenantId, (tx) =>
        tx.query(`UPDATE messages SET quick_replies = '["Gặp nhân viên"]'::jsonb WHERE role = 'bot' AND conversation_id = (SELECT id FROM conversations WHERE external_conversation_id = $1)`, [
          session.conversationId,
        ]),
      );
      const resumed = (await (await startSession(keyA, SHOP, session.token)).json()) as { token: string; conversationId: string; messages: RealtimeMessageEvent[] };
      expect(resumed.conversationId).toBe(session.conversationId);
      expect(resumed.messages.map((m) => [m.role, m.text])).toEqual([
        ['visitor', 'Giao hàng đến Đà Nẵng mất mấy ngày shop?'],
        ['bot', ANSWER],
      ]);
      expect(resumed.messages.map((m) => m.quickReplies)).toEqual([undefined, ['Gặp nhân viên']]);
      const lastSeen = resumed.messages.at(-1)!.id;

      // While the page is closed, the visitor's other tab asks again and the bot answers.
      expect((await send(resumed.token, 'q2', 'Phí giao hàng đến Đà Nẵng bao nhiêu?')).status).toBe(200);
      await waitFor(async () => (await deliveredReplies(session.conversationId)) === 2, 30_000, 'second reply delivered');

      const sse = await openSse(`${rig.baseUrl}/widget-api/events?token=${encodeURIComponent(resumed.token)}`, lastSeen);
      const replayed = await waitFor(() => (messages(sse.events).length >= 2 ? messages(sse.events) : undefined), 10_000, 'replay');
      expect(replayed.map((m) => [m.role, m.text])).toEqual([
        ['visitor', 'Phí giao hàng đến Đà Nẵng bao nhiêu?'],
        ['bot', ANSWER],
      ]);
      expect(replayed.map((m) => m.id)).not.toContain(lastSeen);
      await sse.close();

      // The same replay from the database (a reconnect after a `v-` id the hub never buffered).
      const firstVisitor = resumed.messages[0]!.id;
      expect(firstVisitor).toMatch(/^v-/);
      const fromDb = await openSse(`${rig.baseUrl}/widget-api/events?token=${encodeURIComponent(resumed.token)}&after=${firstVisitor}`);
      const all = await waitFor(() => (messages(fromDb.events).length >= 3 ? messages(fromDb.events) : undefined), 10_000, 'db replay');
      expect(all.map((m) => m.role)).toEqual(['bot', 'visitor', 'bot']);
      await fromDb.close();
    });

    it('uploads an image into tenant storage and serves it back', async () => {
      const form = new FormData();
      form.set('id', 'img1');
      form.set('text', '');
      form.set('image', new Blob([PNG], { type: 'image/png' }), 'ao.png');
      const res = await widgetApi('/messages', { method: 'POST', headers: { authorization: `Bearer ${session.token}` }, body: form });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { attachments: Array<{ url: string; mimeType: string }> };
      const url = body.attachments[0]!.url;
      expect(url).toMatch(new RegExp(`^${rig.baseUrl}/widget-api/uploads/${keyA}/c_[A-Za-z0-9_-]+/[A-Za-z0-9_-]+\\.png$`));
      const image = await fetch(url);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await image.arrayBuffer()).equals(Buffer.from(PNG))).toBe(true);
      const notImage = new FormData();
      notImage.set('id', 'img2');
      notImage.set('image', new Blob(['<svg onload=alert(1)>'], { type: 'image/png' }), 'x.png');
      expect((await widgetApi('/messages', { method: 'POST', headers: { authorization: `Bearer ${session.token}` }, body: notImage })).status).toBe(415);
      expect((await fetch(url.replace(keyA, 'pk_unknown_key'))).status).toBe(404);
    });

    it('a staff reply queued through the delivery job reaches the widget as role agent', async () => {
      const sse = await openSse(`${rig.baseUrl}/widget-api/events?token=${encodeURIComponent(session.token)}`);
      await rig.runtime.db.tenant(a.tenantId, async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO messages (tenant_id, conversation_id, role, content, delivery_status)
           SELECT $1, id, 'agent', 'Chào chị, em là Lan bên shop ạ.', 'pending' FROM conversations WHERE external_conversation_id = $2 RETURNING id`,
          [a.tenantId, session.conversationId],
        );
        await enqueueDelivery(tx, rig.runtime.jobs, { messageId: rows[0]!.id });
      });
      const agent = await waitFor(() => messages(sse.events).find((m) => m.role === 'agent'), 15_000, 'agent reply');
      expect(agent.text).toBe('Chào chị, em là Lan bên shop ạ.');
      await sse.close();
    });

    it("keeps tenants apart: B's key and tokens never reach A's conversation; settings are per tenant", async () => {
      const widgetB = await rig.call('GET', '/v1/tenant/widget', { token: b.token });
      keyB = widgetB.body.public_key;
      expect(keyB).not.toBe(keyA);
      expect(widgetB.text).not.toContain(keyA);
      // B lists nothing yet: its widget runs nowhere, not even on A's domain.
      expect((await startSession(keyB, SHOP)).status).toBe(403);
      await rig.call('PUT', '/v1/tenant/widget', { token: b.token, body: { allowed_domains: [SHOP] } });
      expect((await rig.call('GET', '/v1/tenant/widget', { token: a.token })).body.allowed_domains).toEqual([SHOP, 'https://*.shop.test']);
      // A's visitor token presented to B's widget starts a fresh conversation with no history.
      const other = (await (await startSession(keyB, SHOP, session.token)).json()) as { conversationId: string; messages: unknown[]; token: string };
      expect(other.conversationId.startsWith(`web:${keyB}:`)).toBe(true);
      expect(other.conversationId).not.toContain(session.conversationId.split(':')[2]!);
      expect(other.messages).toEqual([]);
      // B's stream never carries A's events.
      const streamB = await openSse(`${rig.baseUrl}/widget-api/events?token=${encodeURIComponent(other.token)}`);
      expect((await send(session.token, 'q3', 'Giao hàng toàn quốc không shop?')).status).toBe(200);
      await waitFor(async () => (await deliveredReplies(session.conversationId)) >= 4, 30_000, 'A answered');
      expect(streamB.events.filter((e) => e.type !== 'typing')).toEqual([]);
      await streamB.close();
      // A forged token (A's claims re-signed with nothing) is refused.
      const [payload] = session.token.split('.');
      expect((await fetch(`${rig.baseUrl}/widget-api/events?token=${payload}.AAAA`)).status).toBe(401);
      // A disabled widget stops at once for its own tenant only.
      await rig.call('PUT', '/v1/tenant/widget', { token: b.token, body: { enabled: false } });
      expect((await widgetApi(`/config?key=${keyB}`, { headers: { origin: SHOP } })).status).toBe(404);
      expect((await widgetApi(`/config?key=${keyA}`, { headers: { origin: SHOP } })).status).toBe(200);
    });

    it('verifies signed-in users with the tenant secret (HMAC of the user id) and can require it', async () => {
      const on = await rig.call('PUT', '/v1/tenant/widget', { token: a.token, body: { identity: { enabled: true, required: true } } });
      const secret: string = on.body.identity.secret;
      expect(on.body.identity).toMatchObject({ enabled: true, required: true });
      const begin = (user?: { id: string; hash: string; name?: string }) =>
        widgetApi('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: keyA, origin: SHOP, ...(user ? { user } : {}) }) });
      const anonymous = await begin();
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('identity_required');
      expect((await begin({ id: '42', hash: computeIdentityHash('43', secret) })).status).toBe(401);
      const signed = await begin({ id: '42', hash: computeIdentityHash('42', secret), name: 'Chị Lan' });
      expect(signed.status).toBe(200);
      const { token } = (await signed.json()) as { token: string };
      expect((await send(token, 'id1', 'Giao hàng đến Đà Nẵng mất mấy ngày?')).status).toBe(200);
      const sender = await waitFor(
        () =>
          rig.runtime.db.tenant(a.tenantId, async (tx) =>
            (await tx.query<{ sender: string }>(`SELECT payload -> 'event' -> 'sender' ->> 'id' AS sender FROM external_events WHERE external_id LIKE '%:id1'`)).rows[0]?.sender,
          ),
        10_000,
        'verified event stored',
      );
      expect(sender).toBe('user:42');
      await rig.call('PUT', '/v1/tenant/widget', { token: a.token, body: { identity: { enabled: false } } });
      expect((await begin()).status).toBe(200);
    });
  });
}

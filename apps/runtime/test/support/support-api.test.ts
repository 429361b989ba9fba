/**
 * Support tickets and the platform console over real HTTP, on PGlite and Postgres: a tenant opens
 * a ticket, its agent replies, a platform admin lists, answers and closes it; tenant B can neither
 * list nor read nor change A's tickets (404, nothing leaks); non-admins get 403 on every admin
 * route; system health and the masked platform LLM key answer platform admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '../helpers/drivers';
import { expectAllCrossTenantDenied } from '../http/cross-tenant';
import { startSupportApp, type SupportApp } from './support-harness';

const PLATFORM_KEY = 'sk-platform-0123456789abcdefWXYZ';

for (const driver of await testDrivers()) {
  describe.skipIf(driver.skip !== undefined)(`support tickets and platform console (${driver.name})`, { timeout: 60_000 }, () => {
    let database: Awaited<ReturnType<typeof driver.open>>;
    let app: SupportApp;
    let a: Awaited<ReturnType<SupportApp['tenant']>>;
    let b: Awaited<ReturnType<SupportApp['tenant']>>;
    let admin: Awaited<ReturnType<SupportApp['platformAdmin']>>;
    let ticketId: string;
    let agentEmail: string;

    beforeAll(async () => {
      database = await driver.open();
      app = await startSupportApp(database.db, { env: { CHATBOT_PLATFORM_LLM_PROVIDER: 'openai', CHATBOT_PLATFORM_LLM_API_KEY: PLATFORM_KEY } });
      a = await app.tenant('alpha');
      b = await app.tenant('beta');
      admin = await app.platformAdmin();
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await database?.close();
    });

    it('a tenant opens a ticket, its agent adds a message, the audit log records it', async () => {
      const opened = await app.call('POST', '/v1/tenant/support/tickets', {
        token: a.token,
        body: { subject: 'Không kết nối được Zalo OA', body: 'Em bấm kiểm tra thì báo lỗi chữ ký ạ.' },
      });
      expect(opened.status, opened.text).toBe(201);
      expect(opened.body).toMatchObject({ subject: 'Không kết nối được Zalo OA', status: 'open', message_count: 1, tenant_id: a.tenantId });
      expect(opened.body.messages).toEqual([expect.objectContaining({ author_kind: 'tenant', author_email: a.email, body: 'Em bấm kiểm tra thì báo lỗi chữ ký ạ.' })]);
      ticketId = opened.body.id;
      // The platform admins were told (subject names the shop and the ticket); no mail to the tenant.
      const toAdmin = app.mails.filter((m) => m.to === admin.email);
      expect(toAdmin).toHaveLength(1);
      expect(toAdmin[0]!.subject).toBe('[Hỗ trợ] Shop alpha: Không kết nối được Zalo OA · New support ticket');
      expect(toAdmin[0]!.text).toContain('Em bấm kiểm tra thì báo lỗi chữ ký ạ.');
      expect(app.mails.some((m) => m.to === a.email)).toBe(false);

      const agent = await app.member(a.tenantId, 'tenant-agent');
      const reply = await app.call('POST', `/v1/tenant/support/tickets/${ticketId}/messages`, { token: agent.token, body: { body: 'Bổ sung: lỗi từ sáng nay.' } });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.body.messages.map((m: { author_email: string }) => m.author_email)).toEqual([a.email, agent.email]);
      agentEmail = agent.email;
      expect(app.mails.filter((m) => m.to === admin.email).at(-1)?.subject).toContain('trả lời: Không kết nối được Zalo OA');

      const list = await app.call('GET', '/v1/tenant/support/tickets', { token: a.token });
      expect(list.body.items).toEqual([expect.objectContaining({ id: ticketId, message_count: 2, status: 'open' })]);
      const audit = await app.call('GET', '/v1/tenant/audit-log', { token: a.token });
      expect(audit.text).toContain('support.ticket.open');

      const short = await app.call('POST', '/v1/tenant/support/tickets', { token: a.token, body: { subject: 'x', body: '' } });
      expect(short.status).toBe(400);
    });

    it("tenant B can neither list nor read nor change A's ticket", async () => {
      const listB = await app.call('GET', '/v1/tenant/support/tickets', { token: b.token });
      expect(listB.status).toBe(200);
      expect(listB.body.items).toEqual([]);
      expect(listB.text).not.toContain(ticketId);
      await expectAllCrossTenantDenied(
        app,
        b.token,
        [
          { method: 'GET', path: `/v1/tenant/support/tickets/${ticketId}` },
          { method: 'POST', path: `/v1/tenant/support/tickets/${ticketId}/messages`, body: { body: 'chen ngang' } },
          { method: 'POST', path: `/v1/tenant/support/tickets/${ticketId}/close` },
        ],
        ['Zalo OA', a.tenantId, a.email],
      );
      const detail = await app.call('GET', `/v1/tenant/support/tickets/${ticketId}`, { token: a.token });
      expect(detail.body).toMatchObject({ status: 'open', message_count: 2 });
    });

    it('non-admins get 403 on every platform-admin route', async () => {
      const routes: Array<[string, string, unknown?]> = [
        ['GET', '/v1/admin/support/tickets'],
        ['GET', `/v1/admin/support/tickets/${ticketId}`],
        ['POST', `/v1/admin/support/tickets/${ticketId}/messages`, { body: 'x' }],
        ['POST', `/v1/admin/support/tickets/${ticketId}/close`],
        ['GET', '/v1/admin/system/health'],
        ['GET', '/v1/admin/platform-llm'],
      ];
      for (const [method, path, body] of routes) {
        const res = await app.call(method, path, { token: b.token, ...(body ? { body } : {}) });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.text).not.toContain('Zalo OA');
      }
      expect((await app.call('GET', '/v1/admin/support/tickets')).status).toBe(401);
    });

    it('a platform admin lists, answers and closes; a tenant message reopens', async () => {
      const open = await app.call('GET', '/v1/admin/support/tickets?status=open', { token: admin.token });
      expect(open.status).toBe(200);
      expect(open.body.items).toEqual([expect.objectContaining({ id: ticketId, tenant_name: 'Shop alpha', status: 'open' })]);

      const answered = await app.call('POST', `/v1/admin/support/tickets/${ticketId}/messages`, { token: admin.token, body: { body: 'Anh/chị kiểm tra lại App Secret giúp em ạ.' } });
      expect(answered.status, answered.text).toBe(200);
      expect(answered.body).toMatchObject({ status: 'answered', message_count: 3, tenant_name: 'Shop alpha' });
      // Both people of A who wrote on the ticket get the reply by mail, with a link to the Support page.
      const replies = app.mails.filter((m) => m.subject === 'Phản hồi yêu cầu hỗ trợ: Không kết nối được Zalo OA · Support reply');
      expect(replies.map((m) => m.to).sort()).toEqual([a.email, agentEmail].sort());
      expect(replies[0]!.text).toContain('Anh/chị kiểm tra lại App Secret giúp em ạ.');
      expect(replies[0]!.text).toContain('/app/support');
      expect(app.mails.some((m) => m.to === b.email)).toBe(false);
      const seen = await app.call('GET', `/v1/tenant/support/tickets/${ticketId}`, { token: a.token });
      expect(seen.body.messages.at(-1)).toMatchObject({ author_kind: 'platform', author_email: admin.email });
      expect((await app.call('GET', '/v1/admin/support/tickets?status=open', { token: admin.token })).body.items).toEqual([]);

      const closed = await app.call('POST', `/v1/admin/support/tickets/${ticketId}/close`, { token: admin.token });
      expect(closed.body).toMatchObject({ status: 'closed' });
      expect(closed.body.closed_at).not.toBeNull();
      const reopened = await app.call('POST', `/v1/tenant/support/tickets/${ticketId}/messages`, { token: a.token, body: { body: 'Vẫn lỗi ạ.' } });
      expect(reopened.body).toMatchObject({ status: 'open', closed_at: null, message_count: 4 });
      const closedByTenant = await app.call('POST', `/v1/tenant/support/tickets/${ticketId}/close`, { token: a.token });
      expect(closedByTenant.body.status).toBe('closed');

      const missing = await app.call('GET', '/v1/admin/support/tickets/00000000-0000-4000-8000-000000000000', { token: admin.token });
      expect(missing.status).toBe(404);
    });

    it('system health reports the database and queues; the platform LLM key is masked', async () => {
      const health = await app.call('GET', '/v1/admin/system/health', { token: admin.token });
      expect(health.status, health.text).toBe(200);
      expect(health.body.database.ok).toBe(true);
      expect(health.body.status).toMatch(/^(ok|degraded)$/);
      expect(health.body.http.requests).toBeGreaterThan(0);
      expect(health.body.totals).toEqual(expect.objectContaining({ queued: expect.any(Number), dead_letters: expect.any(Number) }));

      const llm = await app.call('GET', '/v1/admin/platform-llm', { token: admin.token });
      expect(llm.body).toMatchObject({ configured: true, provider: 'openai', cheap_model: 'gpt-4o-mini', api_key_hint: 'sk-…WXYZ' });
      expect(llm.text).not.toContain('0123456789abcdef');
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';
import { startTestApp, type TestApp } from './harness';
import { createFixtureUser, loginAs, setFixturePassword } from './fixtures';
import { expectAllCrossTenantDenied, type CrossTenantProbe } from './cross-tenant';
import { startAnalyticsApp, type AnalyticsApp } from '../analytics/harness';
import { fixturePassword } from './fixtures';
import { contactsFeature } from '../../src/contacts/feature';
import { conversationRoutes } from '../../src/conversations/conversation-routes';
import type { Runtime } from '../../src/runtime';
import { supportFeature } from '../../src/support/feature';
import { createMemoryPubSub } from '@agent-chatbot/core';
import { generateSecretKey } from '../../src/config';
import { createLogger, createSecretBox } from '../../src/secrets';
import { widgetFeature } from '../../src/widget/index';
import { inboxRoutes } from '../../src/inbox/inbox-routes';
import { testJwtSecret } from './harness';

const skip = await postgresUnavailable();

describe.skipIf(skip)('tenant A cannot reach tenant B through the API (Postgres)', () => {
  let database: TestDatabase;
  let app: TestApp;
  let seed: TwoTenants;
  let adminA: string;
  let agentA: string;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    seed = await seedTwoTenants(database.db);
    await setFixturePassword(database.db, seed.a.adminUserId);
    app = await startTestApp(database.db, {
      features: [contactsFeature({ db: database.db } as unknown as Runtime), { name: 'conversations', routes: conversationRoutes }, supportFeature({ db: database.db, config: {} } as unknown as Runtime),
        // The widget settings routes (no path id: scoped by the caller's tenant alone).
        widgetFeature({
          db: database.db,
          config: { jwtSecret: testJwtSecret, publicUrl: 'http://127.0.0.1:8000', dataDir: '/tmp/acb-cross-tenant-widget' },
          secretBox: createSecretBox([generateSecretKey()]),
          pubsub: createMemoryPubSub(),
          logger: createLogger({ level: 'silent' }),
        } as unknown as Runtime),
        // The inbox routes (the stream and the bot listeners are covered in test/inbox).
        {
          name: 'inbox',
          routes: inboxRoutes({ db: database.db, pubsub: createMemoryPubSub(), logger: createLogger({ level: 'silent' }), config: { jwtSecret: testJwtSecret } } as unknown as Runtime),
        }],
    });
    adminA = (await loginAs(app, seed.a.adminEmail)).access;
    const agent = await createFixtureUser(database.db, { tenantId: seed.a.tenantId, role: 'tenant-agent' });
    agentA = (await loginAs(app, agent.email)).access;
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const probesFor = (b: TwoTenants['b']): CrossTenantProbe[] => [
    { method: 'PATCH', path: `/v1/tenant/members/${b.adminUserId}`, body: { role: 'tenant-agent' } },
    { method: 'DELETE', path: `/v1/tenant/members/${b.adminUserId}` },
    { method: 'DELETE', path: `/v1/tenant/api-keys/${b.apiKeyId}` },
    { method: 'DELETE', path: `/v1/tenant/invitations/${b.invitationId}` },
  ];

  it("answers 404 to a tenant-admin of A for every id of B, and changes nothing of B's", async () => {
    await expectAllCrossTenantDenied(app, adminA, probesFor(seed.b), [seed.b.adminEmail, seed.b.tenantId]);
    const state = await database.db.platform(async (tx) => ({
      role: (await tx.query<{ role: string }>('SELECT role FROM memberships WHERE user_id = $1', [seed.b.adminUserId])).rows[0]?.role,
      revoked: (await tx.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_keys WHERE id = $1', [seed.b.apiKeyId])).rows[0]?.revoked_at,
      invitation: (await tx.query('SELECT 1 FROM invitations WHERE id = $1', [seed.b.invitationId])).rowCount,
    }));
    expect(state).toEqual({ role: 'tenant-admin', revoked: null, invitation: 1 });
  });

  it('answers 403 to a tenant-agent of A on the same admin-only routes', async () => {
    await expectAllCrossTenantDenied(
      app,
      agentA,
      probesFor(seed.b).map((p) => ({ ...p, status: 403 as const })),
      [seed.b.adminEmail],
    );
    await expectAllCrossTenantDenied(app, adminA, [
      { method: 'POST', path: `/v1/admin/tenants/${seed.b.tenantId}/suspend`, status: 403 },
    ]);
  });

  it("support tickets: B's ticket is 404 to A (admin and agent), never listed, unchanged; admin routes are 403", async () => {
    const ticket = `/v1/tenant/support/tickets/${seed.b.ticketId}`;
    const probes: CrossTenantProbe[] = [
      { method: 'GET', path: ticket },
      { method: 'POST', path: `${ticket}/messages`, body: { body: 'Xin chào' } },
      { method: 'POST', path: `${ticket}/close` },
    ];
    await expectAllCrossTenantDenied(app, adminA, probes, [seed.b.tenantId, seed.b.slug]);
    await expectAllCrossTenantDenied(app, agentA, probes, [seed.b.tenantId, seed.b.slug]);
    await expectAllCrossTenantDenied(app, adminA, [
      { method: 'GET', path: `/v1/admin/support/tickets/${seed.b.ticketId}`, status: 403 },
      { method: 'POST', path: `/v1/admin/support/tickets/${seed.b.ticketId}/messages`, body: { body: 'x' }, status: 403 },
      { method: 'POST', path: `/v1/admin/support/tickets/${seed.b.ticketId}/close`, status: 403 },
    ]);
    const list = await app.call('GET', '/v1/tenant/support/tickets', { token: adminA });
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([seed.a.ticketId]);
    expect(list.text).not.toContain(seed.b.ticketId);
    const b = await database.db.platform((tx) =>
      tx.query<{ status: string; n: number }>(
        'SELECT t.status, (SELECT count(*) FROM support_ticket_messages m WHERE m.ticket_id = t.id) AS n FROM support_tickets t WHERE t.id = $1',
        [seed.b.ticketId],
      ),
    );
    expect({ status: b.rows[0]?.status, n: Number(b.rows[0]?.n) }).toEqual({ status: 'open', n: 1 });
  });

  it("never lists B's rows to A", async () => {
    const texts = await Promise.all(
      ['/v1/tenant', '/v1/tenant/members', '/v1/tenant/api-keys', '/v1/tenant/secrets', '/v1/tenant/audit-log', '/v1/tenant/invitations'].map(
        async (path) => {
          const res = await app.call('GET', path, { token: adminA });
          expect(res.status, path).toBe(200);
          return res.text;
        },
      ),
    );
    for (const text of texts) {
      for (const b of [seed.b.tenantId, seed.b.adminEmail, seed.b.apiKeyId, seed.b.invitationId, seed.b.slug]) expect(text).not.toContain(b);
    }
    expect(texts[1]).toContain(seed.a.adminEmail);
  });

  it("reads and edits only the caller's own widget settings (GET/PUT /v1/tenant/widget)", async () => {
    const pkA = `pk_${seed.a.slug.replace('shop-', '')}`;
    const pkB = `pk_${seed.b.slug.replace('shop-', '')}`;
    const read = await app.call('GET', '/v1/tenant/widget', { token: agentA });
    expect(read.status, read.text).toBe(200);
    expect(read.body.public_key).toBe(pkA);
    const saved = await app.call('PUT', '/v1/tenant/widget', { token: adminA, body: { allowed_domains: ['shop-a.vn'], bot_name: 'Shop A', identity: { enabled: true } } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ public_key: pkA, allowed_domains: ['shop-a.vn'], bot_name: 'Shop A' });
    for (const res of [read, saved]) for (const b of [pkB, seed.b.tenantId, seed.b.connectionId, seed.b.slug]) expect(res.text).not.toContain(b);
    // Writes are for tenant admins only.
    await expectAllCrossTenantDenied(app, agentA, [{ method: 'PUT', path: '/v1/tenant/widget', body: { allowed_domains: ['evil.vn'] }, status: 403 }], [pkB]);
    const rows = await database.db.platform(async (tx) =>
      (await tx.query<{ tenant_id: string; settings: Record<string, unknown>; credentials_ciphertext: string | null }>(
        `SELECT tenant_id, settings, credentials_ciphertext FROM channel_connections WHERE type = 'web' AND tenant_id = ANY($1::uuid[])`,
        [[seed.a.tenantId, seed.b.tenantId]],
      )).rows,
    );
    const b = rows.find((r) => r.tenant_id === seed.b.tenantId)!;
    expect(b.settings).toEqual({});
    expect(b.credentials_ciphertext).toBeNull();
    expect(rows.filter((r) => r.tenant_id === seed.a.tenantId)).toHaveLength(1);
    expect(rows.find((r) => r.tenant_id === seed.a.tenantId)!.settings).toMatchObject({ allowed_origins: ['shop-a.vn'], bot_name: 'Shop A' });
  });

  it("never shows or changes B's contacts and conversations: by id, in lists and in CSV exports", async () => {
    const bContact = `Khách ${seed.b.slug.replace('shop-', '')}`;
    for (const token of [adminA, agentA]) {
      await expectAllCrossTenantDenied(
        app,
        token,
        [
          { method: 'GET', path: `/v1/tenant/contacts/${seed.b.contactId}` },
          { method: 'PATCH', path: `/v1/tenant/contacts/${seed.b.contactId}`, body: { notes: 'đổi', tags: ['x'] } },
          { method: 'GET', path: `/v1/tenant/conversations/${seed.b.conversationId}/messages` },
        ],
        [seed.b.tenantId, bContact],
      );
    }
    for (const path of ['/v1/tenant/contacts', '/v1/tenant/conversations', '/v1/tenant/contacts/export.csv', '/v1/tenant/conversations/export.csv']) {
      const res = await app.call('GET', path, { token: adminA });
      expect(res.status, path).toBe(200);
      expect(res.text, path).toContain(path.includes('contacts') ? seed.a.contactId : seed.a.conversationId);
      for (const b of [seed.b.tenantId, seed.b.contactId, seed.b.conversationId, bContact]) expect(res.text, path).not.toContain(b);
    }
    const filtered = await app.call('GET', `/v1/tenant/conversations/export.csv?contact_id=${seed.b.contactId}`, { token: adminA });
    expect(filtered.text.trim().split('\r\n')).toHaveLength(1); // header only
    const b = await database.db.platform((tx) => tx.query<{ notes: string | null }>('SELECT notes FROM contacts WHERE id = $1', [seed.b.contactId]));
    expect(b.rows[0]?.notes).toBeNull();
  });

  it("inbox: every conversation action on B's conversation is 404 to A, B's inbox is never listed, nothing of B changes", async () => {
    const conversation = `/v1/tenant/inbox/conversations/${seed.b.conversationId}`;
    const probes: CrossTenantProbe[] = [
      { method: 'GET', path: conversation },
      { method: 'POST', path: `${conversation}/take-over` },
      { method: 'POST', path: `${conversation}/hand-back` },
      { method: 'POST', path: `${conversation}/close` },
      { method: 'POST', path: `${conversation}/assign`, body: { user_id: seed.b.adminUserId } },
      { method: 'POST', path: `${conversation}/notes`, body: { content: 'ghi chú lạ' } },
      { method: 'POST', path: `${conversation}/read` },
      { method: 'POST', path: `${conversation}/messages`, body: { content: 'tin lạ' } },
    ];
    const bContact = `Khách ${seed.b.slug.replace('shop-', '')}`;
    await expectAllCrossTenantDenied(app, adminA, probes, [seed.b.tenantId, bContact, seed.b.adminEmail]);
    await expectAllCrossTenantDenied(app, agentA, probes, [seed.b.tenantId, bContact, seed.b.adminEmail]);
    // Assigning A's own conversation to B's admin: not a member of A, refused.
    const assign = await app.call('POST', `/v1/tenant/inbox/conversations/${seed.a.conversationId}/assign`, { token: adminA, body: { user_id: seed.b.adminUserId } });
    expect(assign.status).toBe(422);
    const list = await app.call('GET', '/v1/tenant/inbox/conversations', { token: agentA });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([seed.a.conversationId]);
    for (const b of [seed.b.conversationId, bContact]) expect(list.text).not.toContain(b);
    const state = await database.db.platform(async (tx) => ({
      conversation: (await tx.query('SELECT mode, assignee_id FROM conversations WHERE id = $1', [seed.b.conversationId])).rows[0],
      messages: Number((await tx.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE conversation_id = $1', [seed.b.conversationId])).rows[0]!.n),
      reads: Number((await tx.query<{ n: string }>('SELECT count(*) AS n FROM conversation_reads WHERE conversation_id = $1', [seed.b.conversationId])).rows[0]!.n),
      assignedA: (await tx.query('SELECT assignee_id FROM conversations WHERE id = $1', [seed.a.conversationId])).rows[0],
    }));
    expect(state).toEqual({ conversation: { mode: 'bot', assignee_id: null }, messages: 1, reads: 1, assignedA: { assignee_id: null } });
  });

  it('creates, uses, lists and revokes an API key; the key resolves to its own tenant only', async () => {
    const created = await app.call('POST', '/v1/tenant/api-keys', { token: adminA, body: { name: 'website' } });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^acb_[A-Za-z0-9_-]{40,}$/);
    expect(key.startsWith(created.body.prefix)).toBe(true);

    const tenant = await app.call('GET', '/v1/tenant', { token: key });
    expect(tenant.status).toBe(200);
    expect(tenant.body.id).toBe(seed.a.tenantId);
    // Keys cannot administer (not even mint keys) and are not people (/v1/me).
    expect((await app.call('POST', '/v1/tenant/api-keys', { token: key, body: {} })).status).toBe(403);
    expect((await app.call('GET', '/v1/me', { token: key })).status).toBe(403);
    await expectAllCrossTenantDenied(app, key, [{ method: 'DELETE', path: `/v1/tenant/api-keys/${seed.b.apiKeyId}`, status: 403 }]);

    const list = await app.call('GET', '/v1/tenant/api-keys', { token: adminA });
    expect(list.text).not.toContain(key);
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed.last_used_at).not.toBeNull();

    expect((await app.call('DELETE', `/v1/tenant/api-keys/${created.body.id}`, { token: adminA })).status).toBe(204);
    const revoked = await app.call('GET', '/v1/tenant', { token: key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('invalid_api_key');
    expect((await app.call('GET', '/v1/tenant', { token: 'acb_not-a-real-key-at-all-000000000000000000' })).status).toBe(401);
  });

  it("deleting a secret by name only ever touches the caller's own tenant", async () => {
    const put = await app.call('PUT', '/v1/tenant/secrets/zalo_app_secret', { token: adminA, body: { value: 'zalo-secret-value-123456' } });
    expect(put.status).toBe(200);
    expect((await app.call('DELETE', '/v1/tenant/secrets/zalo_app_secret', { token: adminA })).status).toBe(204);
    expect((await app.call('DELETE', '/v1/tenant/secrets/zalo_app_secret', { token: adminA })).status).toBe(404);
    // B has a secret called openai_api_key; A has none, so A's delete is a 404 and B keeps it.
    await app.call('DELETE', '/v1/tenant/secrets/openai_api_key', { token: adminA });
    const count = await database.db.platform(async (tx) =>
      (await tx.query('SELECT 1 FROM tenant_secrets WHERE tenant_id = $1 AND name = $2', [seed.b.tenantId, 'openai_api_key'])).rowCount,
    );
    expect(count).toBe(1);
  });

  it('manages members: role change, last-admin guard, removal ends access', async () => {
    const agent = await createFixtureUser(database.db, { tenantId: seed.a.tenantId, role: 'tenant-agent' });
    const agentTokens = await loginAs(app, agent.email);
    const promoted = await app.call('PATCH', `/v1/tenant/members/${agent.userId}`, { token: adminA, body: { role: 'tenant-admin' } });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('tenant-admin');
    // The role change applies at once to the agent's existing token (re-checked per request).
    expect((await app.call('GET', '/v1/tenant/audit-log', { token: agentTokens.access })).status).toBe(200);
    expect((await app.call('PATCH', `/v1/tenant/members/${agent.userId}`, { token: adminA, body: { role: 'owner' } })).status).toBe(400);

    expect((await app.call('DELETE', `/v1/tenant/members/${agent.userId}`, { token: adminA })).status).toBe(204);
    const after = await app.call('GET', '/v1/tenant', { token: agentTokens.access });
    expect(after.status).toBe(401);
    // Removal revokes the member's sessions in this tenant, so the token dies at once.
    expect(after.body.error.code).toBe('session_revoked');

    const only = await app.call('PATCH', `/v1/tenant/members/${seed.a.adminUserId}`, { token: adminA, body: { role: 'tenant-agent' } });
    expect(only.status).toBe(409);
    expect(only.body.error.code).toBe('last_admin');
  });
});

describe.skipIf(skip)('tenant A cannot reach tenant B through the analytics routes (Postgres)', () => {
  let database: TestDatabase;
  let app: AnalyticsApp;
  let seed: TwoTenants;
  let adminA: string;
  let agentA: string;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    seed = await seedTwoTenants(database.db);
    app = await startAnalyticsApp(database.db);
    await setFixturePassword(database.db, seed.a.adminUserId);
    const agent = await createFixtureUser(database.db, { tenantId: seed.a.tenantId, role: 'tenant-agent' });
    const login = async (email: string) => (await app.call('POST', '/v1/auth/login', { body: { email, password: fixturePassword } })).body.access_token as string;
    adminA = await login(seed.a.adminEmail);
    agentA = await login(agent.email);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await database?.drop().catch(() => undefined);
  });

  const probesFor = (b: TwoTenants['b']): CrossTenantProbe[] => [
    { method: 'DELETE', path: `/v1/tenant/tracked-links/${b.trackedLinkId}` },
    { method: 'POST', path: `/v1/tenant/analytics/unanswered/${b.messageId}/faq`, body: { answer: 'Dạ có ạ' } },
  ];

  it("answers 404 to A's admin and 403 to A's agent for B's link and B's question, and B keeps them", async () => {
    // The harness's call has the same shape as TestApp's for what the probes use.
    const probeApp = app as unknown as Parameters<typeof expectAllCrossTenantDenied>[0];
    await expectAllCrossTenantDenied(probeApp, adminA, probesFor(seed.b), [seed.b.tenantId, seed.b.slug, 'Xin chào từ']);
    await expectAllCrossTenantDenied(probeApp, agentA, probesFor(seed.b).map((p) => ({ ...p, status: 403 as const })), [seed.b.tenantId]);
    const state = await database.db.platform(async (tx) => ({
      links: (await tx.query('SELECT 1 FROM tracked_links WHERE id = $1', [seed.b.trackedLinkId])).rowCount,
      faq: (await tx.query('SELECT 1 FROM faq_entries WHERE tenant_id = $1', [seed.b.tenantId])).rowCount,
    }));
    expect(state).toEqual({ links: 1, faq: 1 });
  });

  it("never lists or counts B's rows for A", async () => {
    for (const path of ['/v1/tenant/tracked-links', '/v1/tenant/analytics/top-questions', '/v1/tenant/analytics/unanswered', '/v1/tenant/analytics/overview']) {
      const res = await app.call('GET', path, { token: adminA });
      expect(res.status, path).toBe(200);
      for (const secret of [seed.b.tenantId, seed.b.trackedLinkId, seed.b.messageId, seed.b.conversationId, seed.b.slug.slice(5)]) {
        expect(res.text, `${path} leaks ${secret}`).not.toContain(secret);
      }
    }
    const links = await app.call('GET', '/v1/tenant/tracked-links', { token: adminA });
    expect(links.body.items.map((l: { id: string; clicks: number }) => [l.id, l.clicks])).toEqual([[seed.a.trackedLinkId, 1]]);
    const overview = await app.call('GET', '/v1/tenant/analytics/overview', { token: adminA });
    expect(overview.body.totals.messages.customer).toBe(1);
    expect(overview.body.totals.conversions).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';
import { startTestApp, type TestApp } from '../http/harness';
import { fixturePassword, loginAs, setFixturePassword, uniqueEmail } from '../http/fixtures';
import { startSmtpCapture, tokenFromMail, type SmtpCapture } from '../http/smtp-capture';

const skip = await postgresUnavailable();

describe.skipIf(skip)('password reset and invitations over real SMTP (Postgres)', () => {
  let database: TestDatabase;
  let app: TestApp;
  let smtp: SmtpCapture;
  let seed: TwoTenants;

  beforeAll(async () => {
    database = await createTestDatabase({ max: 4 });
    seed = await seedTwoTenants(database.db);
    await setFixturePassword(database.db, seed.a.adminUserId);
    smtp = await startSmtpCapture();
    app = await startTestApp(database.db, { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await database?.drop();
  });

  it('resets a password end to end: mail, token, new password works, old sessions revoked', async () => {
    const before = await loginAs(app, seed.a.adminEmail);
    const unknown = await app.call('POST', '/v1/auth/password/forgot', { body: { email: 'khong-co@example.vn' } });
    const known = await app.call('POST', '/v1/auth/password/forgot', { body: { email: seed.a.adminEmail.toUpperCase() } });
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(known.body).toEqual(unknown.body);

    const mail = await smtp.waitFor(seed.a.adminEmail);
    const token = tokenFromMail(mail);
    expect(smtp.mails.some((m) => m.to.includes('khong-co@example.vn'))).toBe(false);

    const weak = await app.call('POST', '/v1/auth/password/reset', { body: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message_vi).toContain('Mật khẩu yếu');

    const newPassword = 'Mat-khau-moi-hoan-toan-2025';
    expect((await app.call('POST', '/v1/auth/password/reset', { body: { token, password: newPassword } })).status).toBe(204);
    // One-time: the same token cannot be used twice.
    const again = await app.call('POST', '/v1/auth/password/reset', { body: { token, password: 'Mat-khau-khac-nua-2025' } });
    expect(again.status).toBe(400);
    expect(again.body.error.details.reason).toBe('invalid_reset_token');

    expect((await app.call('GET', '/v1/me', { token: before.access })).status).toBe(401);
    expect((await app.call('POST', '/v1/auth/refresh', { body: { refresh_token: before.refresh } })).status).toBe(401);
    const oldLogin = await app.call('POST', '/v1/auth/login', { body: { email: seed.a.adminEmail, password: fixturePassword } });
    expect(oldLogin.status).toBe(401);
    const newLogin = await app.call('POST', '/v1/auth/login', { body: { email: seed.a.adminEmail, password: newPassword } });
    expect(newLogin.status).toBe(200);
    await setFixturePassword(database.db, seed.a.adminUserId);
  });

  it('invites a staff member who accepts by e-mail link and becomes a tenant-agent', async () => {
    const admin = await loginAs(app, seed.a.adminEmail);
    const email = uniqueEmail('nhan-vien');
    const invited = await app.call('POST', '/v1/tenant/invitations', { token: admin.access, body: { email, role: 'tenant-agent' } });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email, role: 'tenant-agent', email_sent: true, accepted_at: null });
    expect(JSON.stringify(invited.body)).not.toMatch(/token/);

    const token = tokenFromMail(await smtp.waitFor(email));
    const accepted = await app.call('POST', '/v1/auth/invitations/accept', {
      body: { token, name: 'Nguyễn Văn Nhân', password: 'Nhan-vien-moi-2025!' },
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.tenant).toMatchObject({ id: seed.a.tenantId, role: 'tenant-agent' });
    expect(accepted.body.user).toMatchObject({ email, name: 'Nguyễn Văn Nhân' });

    const members = await app.call('GET', '/v1/tenant/members', { token: accepted.body.access_token });
    expect(members.body.items.map((m: { email: string }) => m.email)).toContain(email);
    const reuse = await app.call('POST', '/v1/auth/invitations/accept', { body: { token, name: 'X', password: 'Nhan-vien-moi-2025!' } });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.details.reason).toBe('invalid_invitation');
    // The agent cannot invite (admin only).
    const agentInvite = await app.call('POST', '/v1/tenant/invitations', { token: accepted.body.access_token, body: { email: uniqueEmail('x') } });
    expect(agentInvite.status).toBe(403);
    const log = await app.call('GET', '/v1/tenant/audit-log', { token: admin.access });
    expect(log.body.items.map((i: { action: string }) => i.action)).toEqual(expect.arrayContaining(['invitation.create', 'invitation.accept']));
  });

  it('refuses to invite an existing member (409)', async () => {
    const admin = await loginAs(app, seed.a.adminEmail);
    const res = await app.call('POST', '/v1/tenant/invitations', { token: admin.access, body: { email: seed.a.adminEmail } });
    expect(res.status).toBe(409);
  });
});

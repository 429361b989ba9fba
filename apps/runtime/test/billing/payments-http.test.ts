/**
 * Payments over real HTTP against real Postgres: top-ups through the tenant API (VietQR payload
 * checked with the independent `vietnam-qr-pay` decoder; VNPay, MoMo and Stripe through fake
 * gateways), and the raw-body webhooks — a replayed or forged notification changes nothing, and
 * the ledger always sums to the wallet balance.
 */
import { createHmac } from 'node:crypto';
import { signStripeStyle } from '@agent-chatbot/billing';
import { QRPay } from 'vietnam-qr-pay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { momoIpnSignature, startServer, vnpayResultParams, type FakeServer } from '../../../../packages/billing/src/test/fake-gateways';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { ACCOUNT, BANK_SECRET, billingEnv, MOMO, startBillingApp, STRIPE, VNPAY, type BillingApp } from './billing-harness';

const unavailable = await postgresUnavailable();

describe.skipIf(unavailable !== undefined)('billing payments over HTTP (Postgres)', () => {
  let database: TestDatabase;
  let app: BillingApp;
  let momo: FakeServer;
  let stripe: FakeServer;
  let tenant: { tenantId: string; token: string };
  let other: { tenantId: string; token: string };

  const wallet = async (tenantId: string) => {
    const { rows } = await database.db.platform((tx) =>
      tx.query<{ balance: string | null; ledger: string }>(
        `SELECT (SELECT balance_vnd FROM billing_wallets WHERE tenant_id = $1) AS balance,
                (SELECT coalesce(sum(amount_vnd), 0) FROM ledger_entries WHERE tenant_id = $1) AS ledger`,
        [tenantId],
      ),
    );
    const balance = Number(rows[0]!.balance ?? 0);
    // The invariant every test re-checks: the cached balance is exactly the ledger's sum.
    expect(balance).toBe(Number(rows[0]!.ledger));
    return balance;
  };
  const topUp = (method: string, amount: number, token = tenant.token) =>
    app.call('POST', '/v1/tenant/billing/topups', { token, body: { method, amount_vnd: amount } });

  beforeAll(async () => {
    database = await createTestDatabase();
    // Fake MoMo: checks the create signature independently and answers a pay URL.
    momo = await startServer((request, body, response) => {
      const json = JSON.parse(body) as Record<string, string | number>;
      const raw = `accessKey=${MOMO.accessKey}&amount=${json.amount}&extraData=${json.extraData}&ipnUrl=${json.ipnUrl}&orderId=${json.orderId}&orderInfo=${json.orderInfo}&partnerCode=${json.partnerCode}&redirectUrl=${json.redirectUrl}&requestId=${json.requestId}&requestType=${json.requestType}`;
      const ok = request.url === '/v2/gateway/api/create' && createHmac('sha256', MOMO.secretKey).update(raw).digest('hex') === json.signature;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(ok ? { resultCode: 0, message: 'Thành công.', payUrl: `${momo.url}/pay/${json.orderId}` } : { resultCode: 11007, message: 'Sai chữ ký' }));
    });
    // Fake Stripe API: Checkout Session creation only.
    stripe = await startServer((request, body, response) => {
      if (request.headers.authorization !== `Bearer ${STRIPE.secretKey}`) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Invalid API key' } }));
        return;
      }
      const form = new URLSearchParams(body);
      const id = `cs_test_${Math.random().toString(36).slice(2)}`;
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({ id, object: 'checkout.session', url: `${stripe.url}/c/pay/${id}`, client_reference_id: form.get('client_reference_id') }),
      );
    });
    app = await startBillingApp(database.db, billingEnv({ vnpay: 'http://127.0.0.1:9', momo: momo.url, stripe: stripe.url }));
    tenant = await app.tenant('payer');
    other = await app.tenant('other');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all([momo, stripe].filter(Boolean).map((server) => server.close()));
    await database?.drop();
  });

  it('VietQR: the API payload decodes independently; a signed bank notification credits once, replays and forgeries change nothing', async () => {
    const created = await topUp('vietqr', 250_000);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ method: 'vietqr', amount_vnd: 250_000, memo: expect.stringMatching(/^NAP/) });
    expect(created.body.qr_svg).toContain('<svg');
    expect(created.body.qr_png_data_url).toMatch(/^data:image\/png;base64,/);
    const decoded = new QRPay(created.body.payload);
    expect(decoded.isValid).toBe(true);
    expect(decoded.consumer.bankBin).toBe(ACCOUNT.bankBin);
    expect(decoded.consumer.bankNumber).toBe(ACCOUNT.accountNumber);
    expect(decoded.amount).toBe('250000');
    expect(decoded.additionalData.purpose).toBe(created.body.memo);

    const body = JSON.stringify({ transactionId: 'FT26330999', accountNumber: ACCOUNT.accountNumber, amount: 250_000, description: `IBFT ${created.body.memo} nap tien` });
    const post = (raw: string, signature?: string) =>
      app.call('POST', '/webhooks/payments/bank', { rawBody: raw, headers: signature ? { 'x-chatbot-signature': signature } : {} });
    expect((await post(body, signStripeStyle('not-the-secret-at-all', body))).status).toBe(401);
    expect((await post(body)).status).toBe(401);
    // Signed by the secret but the body was altered in transit (amount raised): the signature no longer matches.
    const signature = signStripeStyle(BANK_SECRET, body);
    expect((await post(body.replace('250000', '990000'), signature)).status).toBe(401);
    expect(await wallet(tenant.tenantId)).toBe(0);

    const first = await post(body, signature);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ outcome: 'credited', amountVnd: 250_000, tenantId: tenant.tenantId });
    const replay = await post(body, signStripeStyle(BANK_SECRET, body));
    expect(replay.body).toMatchObject({ outcome: 'duplicate' });
    expect(await wallet(tenant.tenantId)).toBe(250_000);
    expect(await wallet(other.tenantId)).toBe(0);
    const events = await database.db.platform((tx) => tx.query("SELECT 1 FROM external_events WHERE source LIKE '%vietqr%' OR external_id LIKE 'bank:%'"));
    expect(events.rowCount).toBe(1);
  });

  it('VNPay: the IPN answers JSON RspCode with HTTP 200 — 00 once, 02 on replay, 97 when forged, 01 for an unknown order', async () => {
    const created = await topUp('vnpay', 100_000);
    expect(created.status).toBe(201);
    const url = new URL(created.body.payment_url);
    expect(url.searchParams.get('vnp_Amount')).toBe('10000000');
    const result = vnpayResultParams(VNPAY.hashSecret, url.searchParams);
    const before = await wallet(tenant.tenantId);

    const forged = new URLSearchParams(result);
    forged.set('vnp_Amount', '99900000');
    const forgedRes = await app.call('GET', `/webhooks/payments/vnpay/ipn?${forged}`);
    expect(forgedRes.status).toBe(200);
    expect(forgedRes.body.RspCode).toBe('97');

    const ok = await app.call('GET', `/webhooks/payments/vnpay/ipn?${result}`);
    expect(ok.status).toBe(200);
    expect(ok.body.RspCode).toBe('00');
    const replay = await app.call('POST', `/webhooks/payments/vnpay/ipn?${result}`);
    expect(replay.status).toBe(200);
    expect(replay.body.RspCode).toBe('02');
    expect(await wallet(tenant.tenantId)).toBe(before + 100_000);

    const unknown = vnpayResultParams(VNPAY.hashSecret, url.searchParams, { vnp_TxnRef: 'TOPNOSUCHORDER' });
    expect((await app.call('GET', `/webhooks/payments/vnpay/ipn?${unknown}`)).body.RspCode).toBe('01');
    expect(await wallet(tenant.tenantId)).toBe(before + 100_000);
  });

  it('MoMo: a signed IPN credits once (204), a replay changes nothing, a forged one is 401', async () => {
    const created = await topUp('momo', 50_000);
    expect(created.status).toBe(201);
    expect(created.body.payment_url).toContain(`${momo.url}/pay/`);
    const ipn: Record<string, string | number> = {
      partnerCode: MOMO.partnerCode, orderId: created.body.order_ref, requestId: created.body.payment_id, amount: 50_000,
      orderInfo: `Nạp tiền tài khoản ${created.body.order_ref}`, orderType: 'momo_wallet', transId: 4_100_000_001, resultCode: 0,
      message: 'Thành công.', payType: 'qr', responseTime: Date.now(), extraData: '',
    };
    const signed = JSON.stringify({ ...ipn, signature: momoIpnSignature(MOMO.accessKey, MOMO.secretKey, ipn) });
    const before = await wallet(tenant.tenantId);
    const forged = JSON.stringify({ ...ipn, amount: 5_000_000, signature: momoIpnSignature(MOMO.accessKey, MOMO.secretKey, ipn) });
    expect((await app.call('POST', '/webhooks/payments/momo/ipn', { rawBody: forged })).status).toBe(401);
    expect((await app.call('POST', '/webhooks/payments/momo/ipn', { rawBody: signed })).status).toBe(204);
    expect((await app.call('POST', '/webhooks/payments/momo/ipn', { rawBody: signed })).status).toBe(204);
    expect(await wallet(tenant.tenantId)).toBe(before + 50_000);
  });

  it('Stripe: a signed checkout.session.completed credits once; replay → duplicate; forged → 401', async () => {
    const created = await topUp('stripe', 300_000);
    expect(created.status).toBe(201);
    expect(created.body.payment_url).toContain(`${stripe.url}/c/pay/`);
    const event = JSON.stringify({
      id: 'evt_test_billing_1',
      type: 'checkout.session.completed',
      data: { object: { id: 'cs_test_x', client_reference_id: created.body.order_ref, amount_total: 300_000, currency: 'vnd', payment_status: 'paid' } },
    });
    const before = await wallet(tenant.tenantId);
    const send = (raw: string, header: string) => app.call('POST', '/webhooks/payments/stripe', { rawBody: raw, headers: { 'stripe-signature': header } });
    expect((await send(event, signStripeStyle('whsec_wrong', event))).status).toBe(401);
    const ok = await send(event, signStripeStyle(STRIPE.webhookSecret, event));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ received: true, outcome: 'credited' });
    expect((await send(event, signStripeStyle(STRIPE.webhookSecret, event))).body).toMatchObject({ outcome: 'duplicate' });
    expect(await wallet(tenant.tenantId)).toBe(before + 300_000);
  });

  it('platform admin confirms a transfer by memo once (wrong amount rejected); adjusts a wallet idempotently; tenant admins are refused', async () => {
    const admin = await app.platformAdmin();
    const created = await topUp('vietqr', 40_000, other.token);
    const confirm = (amount: number, ref: string, token = admin.token) =>
      app.call('POST', '/v1/admin/billing/transfers/confirm', { token, body: { memo: created.body.memo, amount_vnd: amount, bank_transaction_id: ref } });
    expect((await confirm(40_000, 'FT1', other.token)).status).toBe(403);
    expect((await confirm(4_000, 'FT1')).body).toMatchObject({ outcome: 'rejected', reason: 'amount_mismatch' });
    expect((await confirm(40_000, 'FT2')).body).toMatchObject({ outcome: 'credited', amountVnd: 40_000 });
    expect((await confirm(40_000, 'FT2')).body).toMatchObject({ outcome: 'duplicate' });
    expect((await confirm(40_000, 'FT3')).body).toMatchObject({ outcome: 'already_confirmed' });
    expect(await wallet(other.tenantId)).toBe(40_000);

    const adjust = () =>
      app.call('POST', `/v1/admin/billing/tenants/${other.tenantId}/adjustments`, {
        token: admin.token,
        body: { amount_vnd: -15_000, reason: 'Hoàn lại khoản nạp nhầm', idempotency_key: 'fix-1' },
      });
    expect((await adjust()).body).toEqual({ inserted: true });
    expect((await adjust()).body).toEqual({ inserted: false });
    expect(await wallet(other.tenantId)).toBe(25_000);
    const missing = await app.call('POST', '/v1/admin/billing/tenants/00000000-0000-4000-8000-000000000000/adjustments', {
      token: admin.token,
      body: { amount_vnd: 1_000, reason: 'không có', idempotency_key: 'x' },
    });
    expect(missing.status).toBe(404);

    const config = await app.call('GET', '/v1/admin/billing/config', { token: admin.token });
    expect(config.status).toBe(200);
    expect(config.body.payment_methods).toEqual({ vietqr: true, vnpay: true, momo: true, stripe: true });
    expect(config.text).not.toContain(STRIPE.secretKey);
    expect(config.text).not.toContain(BANK_SECRET);

    const ledger = await app.call('GET', '/v1/tenant/billing/ledger', { token: other.token });
    expect(ledger.body.items.map((entry: { kind: string; amount_vnd: number }) => [entry.kind, entry.amount_vnd]).sort()).toEqual([
      ['adjustment', -15_000],
      ['topup', 40_000],
    ]);
    const status = await app.call('GET', '/v1/tenant/billing', { token: other.token });
    expect(status.body).toMatchObject({ tenant_id: other.tenantId, balance_vnd: 25_000, plan: { id: 'free' }, mode: 'full' });
  });

  it('documents the billing routes in /openapi.json', async () => {
    const doc = await app.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    for (const path of ['/v1/tenant/billing', '/v1/tenant/billing/topups', '/v1/tenant/billing/invoices', '/v1/admin/billing/transfers/confirm']) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });

  it('refuses bad input with bilingual 400s, never 500', async () => {
    const small = await topUp('vietqr', 500);
    expect(small.status).toBe(400);
    expect(typeof small.body.error.message_vi).toBe('string');
    expect((await app.call('POST', '/webhooks/payments/momo/ipn', { rawBody: 'not json' })).status).toBe(400);
    const bank = JSON.stringify({ nope: true });
    expect((await app.call('POST', '/webhooks/payments/bank', { rawBody: bank, headers: { 'x-chatbot-signature': signStripeStyle(BANK_SECRET, bank) } })).status).toBe(400);
  });
});

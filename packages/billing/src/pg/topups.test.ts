import { AgentChatbotError } from '@agent-chatbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStripeStyle } from '../payments/stripe';
import { createScratchDb, postgresUnavailable, type ScratchDb } from '../test/scratch-db';
import { momoIpnSignature, startServer, vnpayResultParams, vnpaySign, type FakeServer } from '../test/fake-gateways';
import { walletBalance } from './ledger';
import {
  confirmBankTransferByAdmin,
  createMomoTopUp,
  createStripeTopUp,
  createVietQrTopUp,
  createVnpayTopUp,
  handleBankNotification,
  handleMomoIpn,
  handleStripeWebhook,
  handleVnpayIpn,
} from './topups';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(unavailable);

const account = { bankBin: '970436', accountNumber: '0071000123456', accountName: 'CONG TY TRO LY AO' };
const BANK_SECRET = 'bank-secret';
const VNPAY = { tmnCode: 'TESTTMN1', hashSecret: 'VNPAYSECRETKEY0123456789' };
const MOMO = { partnerCode: 'MOMOTEST', accessKey: 'F8BBA842ECF85', secretKey: 'K951B6PE1waDMi640xX08PD3vg6EkVlz' };
const STRIPE = { secretKey: 'sk_test_123', webhookSecret: 'whsec_test_456' };

let db: ScratchDb;
let app: FakeServer;
let vnpay: FakeServer;
let momo: FakeServer;
let stripe: FakeServer;
const ipnReplies: unknown[] = [];
const momoIpns: Array<Record<string, string | number>> = [];

const balance = (tenantId: string) => db.tenant(tenantId, (tx) => walletBalance(tx, tenantId));

function statusOf(error: unknown): number {
  return AgentChatbotError.isInstance(error) ? error.status : 500;
}

describe.skipIf(unavailable !== undefined)('top-ups through fake gateways', () => {
  beforeAll(async () => {
    db = await createScratchDb('payments');
    // The runtime's routes, reduced to what the handlers need (raw body in, provider reply out).
    app = await startServer(async (request, body, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      try {
        if (url.pathname === '/webhooks/bank') {
          const header = request.headers['x-chatbot-signature'];
          const outcome = await handleBankNotification(db, { secret: BANK_SECRET, rawBody: body, signatureHeader: typeof header === 'string' ? header : undefined, account });
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome));
        } else if (url.pathname === '/ipn/vnpay') {
          const reply = await handleVnpayIpn(db, { ...VNPAY, paymentUrl: `${vnpay.url}/paymentv2/vpcpay.html` }, url.searchParams);
          ipnReplies.push(reply);
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
        } else if (url.pathname === '/ipn/momo') {
          await handleMomoIpn(db, { ...MOMO, endpoint: momo.url }, JSON.parse(body));
          response.writeHead(204).end();
        } else if (url.pathname === '/webhooks/stripe') {
          const header = request.headers['stripe-signature'];
          const outcome = await handleStripeWebhook(db, { ...STRIPE, apiBase: stripe.url }, { rawBody: body, signatureHeader: typeof header === 'string' ? header : undefined });
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome));
        } else response.writeHead(404).end();
      } catch (error) {
        response.writeHead(statusOf(error), { 'content-type': 'application/json' }).end(JSON.stringify({ code: (error as { code?: string }).code }));
      }
    });
    // Fake VNPay: checks the URL signature independently, redirects to the return URL, sends the IPN.
    vnpay = await startServer(async (request, _body, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const params = Object.fromEntries([...url.searchParams.entries()].filter(([key]) => key !== 'vnp_SecureHash'));
      if (vnpaySign(VNPAY.hashSecret, params) !== url.searchParams.get('vnp_SecureHash')) {
        response.writeHead(400).end('Sai chữ ký');
        return;
      }
      const result = vnpayResultParams(VNPAY.hashSecret, url.searchParams);
      await fetch(`${app.url}/ipn/vnpay?${result}`);
      response.writeHead(302, { location: `${url.searchParams.get('vnp_ReturnUrl')}?${result}` }).end();
    });
    // Fake MoMo: checks the create signature independently; "paying" posts a signed IPN.
    momo = await startServer(async (request, body, response) => {
      if (request.url === '/v2/gateway/api/create') {
        const json = JSON.parse(body) as Record<string, string | number>;
        const raw = `accessKey=${MOMO.accessKey}&amount=${json.amount}&extraData=${json.extraData}&ipnUrl=${json.ipnUrl}&orderId=${json.orderId}&orderInfo=${json.orderInfo}&partnerCode=${json.partnerCode}&redirectUrl=${json.redirectUrl}&requestId=${json.requestId}&requestType=${json.requestType}`;
        const { createHmac } = await import('node:crypto');
        if (createHmac('sha256', MOMO.secretKey).update(raw).digest('hex') !== json.signature) {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resultCode: 11007, message: 'Sai chữ ký' }));
          return;
        }
        const ipn: Record<string, string | number> = {
          partnerCode: MOMO.partnerCode, orderId: json.orderId!, requestId: json.requestId!, amount: json.amount!, orderInfo: json.orderInfo!,
          orderType: 'momo_wallet', transId: 4_000_000_000 + momoIpns.length, resultCode: 0, message: 'Thành công.', payType: 'qr',
          responseTime: Date.now(), extraData: json.extraData!,
        };
        momoIpns.push({ ...ipn, signature: momoIpnSignature(MOMO.accessKey, MOMO.secretKey, ipn) });
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ partnerCode: MOMO.partnerCode, orderId: json.orderId, resultCode: 0, message: 'Thành công.', payUrl: `${momo.url}/pay/${json.orderId}` }),
        );
      } else response.writeHead(404).end();
    });
    // Fake Stripe API: only Checkout Session creation.
    stripe = await startServer((request, body, response) => {
      if (request.url !== '/v1/checkout/sessions' || request.headers.authorization !== `Bearer ${STRIPE.secretKey}`) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'Invalid API key' } }));
        return;
      }
      const form = new URLSearchParams(body);
      const id = `cs_test_${Math.random().toString(36).slice(2)}`;
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id, object: 'checkout.session', url: `${stripe.url}/c/pay/${id}`, client_reference_id: form.get('client_reference_id'),
          amount_total: Number(form.get('line_items[0][price_data][unit_amount]')), currency: form.get('line_items[0][price_data][currency]'),
        }),
      );
    });
  }, 30_000);
  afterAll(async () => {
    await Promise.all([app, vnpay, momo, stripe].filter(Boolean).map((server) => server.close()));
    await db?.drop();
  });

  it('VietQR: a signed bank notification credits once; replayed, forged, wrong-amount or admin re-confirmations change nothing', async () => {
    const tenantId = await db.createTenant();
    const topUp = await createVietQrTopUp(db, { tenantId, amountVnd: 200_000, account });
    expect(topUp).toMatchObject({ amount: 200_000, memo: expect.stringMatching(/^NAP/), payload: expect.stringMatching(/^000201/) });
    const post = (body: string, header?: string) =>
      fetch(`${app.url}/webhooks/bank`, { method: 'POST', headers: header ? { 'x-chatbot-signature': header } : {}, body });
    const notification = JSON.stringify({ transactionId: 'FT2633012345', accountNumber: account.accountNumber, amount: 200_000, description: `IBFT ${topUp.memo} nap tien` });
    // Forged (wrong secret) and unsigned: 401, nothing recorded.
    expect((await post(notification, signStripeStyle('not-the-secret', notification))).status).toBe(401);
    expect((await post(notification)).status).toBe(401);
    // Wrong amount for the memo: rejected, nothing credited.
    const short = JSON.stringify({ transactionId: 'FT2633000001', accountNumber: account.accountNumber, amount: 20_000, description: topUp.memo });
    expect(await (await post(short, signStripeStyle(BANK_SECRET, short))).json()).toEqual({ outcome: 'rejected', reason: 'amount_mismatch' });
    expect((await balance(tenantId)).balanceVnd).toBe(0);
    // The real one, then a replay.
    expect(await (await post(notification, signStripeStyle(BANK_SECRET, notification))).json()).toMatchObject({ outcome: 'credited', amountVnd: 200_000 });
    expect(await (await post(notification, signStripeStyle(BANK_SECRET, notification))).json()).toMatchObject({ outcome: 'duplicate' });
    // A stale signature (10 minutes old) is refused.
    expect((await post(notification, signStripeStyle(BANK_SECRET, notification, new Date(Date.now() - 600_000)))).status).toBe(401);
    // An admin confirming the same transfer by hand does not credit again.
    expect(await confirmBankTransferByAdmin(db, { memo: topUp.memo, amountVnd: 200_000, adminUserId: crypto.randomUUID() })).toMatchObject({
      outcome: 'already_confirmed',
    });
    expect(await balance(tenantId)).toEqual({ balanceVnd: 200_000, ledgerSumVnd: 200_000 });
  });

  it('VietQR: a platform admin can confirm a transfer (once)', async () => {
    const tenantId = await db.createTenant();
    const topUp = await createVietQrTopUp(db, { tenantId, amountVnd: 50_000, account });
    const adminUserId = await db.platform(async (tx) => (await tx.query<{ id: string }>("INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id", [`${topUp.memo}@example.vn`])).rows[0]!.id);
    expect(await confirmBankTransferByAdmin(db, { memo: topUp.memo, amountVnd: 50_000, adminUserId, bankTransactionId: 'FT1' })).toMatchObject({ outcome: 'credited' });
    expect(await confirmBankTransferByAdmin(db, { memo: topUp.memo, amountVnd: 50_000, adminUserId, bankTransactionId: 'FT1' })).toMatchObject({ outcome: 'duplicate' });
    expect(await confirmBankTransferByAdmin(db, { memo: 'NAPNOTEXISTING', amountVnd: 50_000, adminUserId })).toEqual({ outcome: 'rejected', reason: 'order_not_found' });
    expect((await balance(tenantId)).balanceVnd).toBe(50_000);
  });

  it('VNPay: signed URL accepted by the gateway, IPN credits once, with VNPay response codes', async () => {
    const tenantId = await db.createTenant();
    const config = { ...VNPAY, paymentUrl: `${vnpay.url}/paymentv2/vpcpay.html` };
    const topUp = await createVnpayTopUp(db, config, { tenantId, amountVnd: 150_000, returnUrl: 'https://app.example.vn/billing/return', ipAddr: '203.0.113.9' });
    const redirect = await fetch(topUp.paymentUrl, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(ipnReplies.at(-1)).toEqual({ RspCode: '00', Message: 'Confirm Success' });
    expect((await balance(tenantId)).balanceVnd).toBe(150_000);
    const returned = new URL(redirect.headers.get('location')!);
    expect(returned.searchParams.get('vnp_Amount')).toBe('15000000');
    const ipn = (query: URLSearchParams) => fetch(`${app.url}/ipn/vnpay?${query}`).then((response) => response.json());
    expect(await ipn(returned.searchParams)).toEqual({ RspCode: '02', Message: 'Order already confirmed' }); // replay
    const forged = new URLSearchParams(returned.searchParams);
    forged.set('vnp_Amount', '99900000');
    expect(await ipn(forged)).toMatchObject({ RspCode: '97' });
    const original = new URLSearchParams(topUp.paymentUrl.split('?')[1]);
    expect(await ipn(vnpayResultParams(VNPAY.hashSecret, original, { vnp_Amount: '100000' }))).toMatchObject({ RspCode: '04' }); // VNPay checks the amount before the status
    const other = await createVnpayTopUp(db, config, { tenantId, amountVnd: 20_000, returnUrl: 'https://app.example.vn/r', ipAddr: '203.0.113.9' });
    const otherQuery = new URLSearchParams(other.paymentUrl.split('?')[1]);
    expect(await ipn(vnpayResultParams(VNPAY.hashSecret, otherQuery, { vnp_Amount: '1000000' }))).toMatchObject({ RspCode: '04' });
    expect(await ipn(vnpayResultParams(VNPAY.hashSecret, otherQuery, { vnp_TxnRef: 'NOPE123' }))).toMatchObject({ RspCode: '01' });
    // A tampered payment URL is refused by the gateway.
    expect((await fetch(topUp.paymentUrl.replace('vnp_Amount=15000000', 'vnp_Amount=100'), { redirect: 'manual' })).status).toBe(400);
    expect(await balance(tenantId)).toEqual({ balanceVnd: 150_000, ledgerSumVnd: 150_000 });
  });

  it('MoMo: signed create, IPN credits once; forged or replayed IPNs change nothing', async () => {
    const tenantId = await db.createTenant();
    const config = { ...MOMO, endpoint: momo.url };
    const topUp = await createMomoTopUp(db, config, { tenantId, amountVnd: 75_000, redirectUrl: 'https://app.example.vn/r', ipnUrl: `${app.url}/ipn/momo` });
    expect(topUp.payUrl).toBe(`${momo.url}/pay/${topUp.orderId}`);
    const ipn = momoIpns.at(-1)!;
    const send = (body: unknown) => fetch(`${app.url}/ipn/momo`, { method: 'POST', body: JSON.stringify(body) });
    expect((await send({ ...ipn, amount: 7_500_000 })).status).toBe(401); // amount changed after signing
    expect((await send(ipn)).status).toBe(204);
    expect((await send(ipn)).status).toBe(204);
    expect(await balance(tenantId)).toEqual({ balanceVnd: 75_000, ledgerSumVnd: 75_000 });
    await expect(createMomoTopUp(db, { ...config, secretKey: 'wrong' }, { tenantId, amountVnd: 75_000, redirectUrl: 'https://a.vn/r', ipnUrl: 'https://a.vn/i' })).rejects.toMatchObject({ status: 502 });
  });

  it('Stripe: Checkout Session via the API, signed webhook credits once; forged, stale, replayed or wrong-currency events do not', async () => {
    const tenantId = await db.createTenant();
    const config = { ...STRIPE, apiBase: stripe.url };
    const topUp = await createStripeTopUp(db, config, { tenantId, amountVnd: 500_000, successUrl: 'https://app.example.vn/ok', cancelUrl: 'https://app.example.vn/cancel' });
    expect(topUp.url).toContain('/c/pay/cs_test_');
    const event = (id: string, overrides: Record<string, unknown> = {}) =>
      JSON.stringify({ id, type: 'checkout.session.completed', data: { object: { id: topUp.sessionId, client_reference_id: topUp.orderRef, amount_total: 500_000, currency: 'vnd', payment_status: 'paid', ...overrides } } });
    const send = (body: string, header: string) => fetch(`${app.url}/webhooks/stripe`, { method: 'POST', headers: { 'stripe-signature': header }, body });
    const good = event('evt_1');
    expect((await send(good, signStripeStyle('whsec_wrong', good))).status).toBe(401);
    expect((await send(good, signStripeStyle(STRIPE.webhookSecret, good, new Date(Date.now() - 3_600_000)))).status).toBe(401);
    const usd = event('evt_2', { currency: 'usd' });
    expect(await (await send(usd, signStripeStyle(STRIPE.webhookSecret, usd))).json()).toEqual({ outcome: 'rejected', reason: 'currency_mismatch' });
    expect(await (await send(good, signStripeStyle(STRIPE.webhookSecret, good))).json()).toMatchObject({ outcome: 'credited' });
    expect(await (await send(good, signStripeStyle(STRIPE.webhookSecret, good))).json()).toMatchObject({ outcome: 'duplicate' });
    expect(await (await send(event('evt_3'), signStripeStyle(STRIPE.webhookSecret, event('evt_3')))).json()).toMatchObject({ outcome: 'already_confirmed' });
    expect(await balance(tenantId)).toEqual({ balanceVnd: 500_000, ledgerSumVnd: 500_000 });
    // 20 concurrent deliveries of a new order's event credit it exactly once.
    const second = await createStripeTopUp(db, config, { tenantId, amountVnd: 100_000, successUrl: 'https://a.vn/ok', cancelUrl: 'https://a.vn/c' });
    const burst = JSON.stringify({ id: 'evt_burst', type: 'checkout.session.completed', data: { object: { id: second.sessionId, client_reference_id: second.orderRef, amount_total: 100_000, currency: 'vnd', payment_status: 'paid' } } });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => handleStripeWebhook(db, config, { rawBody: burst, signatureHeader: signStripeStyle(STRIPE.webhookSecret, burst) })),
    );
    expect(outcomes.filter((outcome) => outcome.outcome === 'credited')).toHaveLength(1);
    expect(await balance(tenantId)).toEqual({ balanceVnd: 600_000, ledgerSumVnd: 600_000 });
    await expect(createStripeTopUp(db, { ...config, secretKey: 'sk_bad' }, { tenantId, amountVnd: 500_000, successUrl: 'https://a.vn/ok', cancelUrl: 'https://a.vn/c' })).rejects.toMatchObject({ status: 502 });
  });
});

if (unavailable !== undefined) it.skip(`payment tests skipped: ${unavailable}`, () => {});

/**
 * Security sweep (e): forged and replayed inbound notifications, across all four channels and
 * the four payment webhooks in one place. Per channel (signed by the testkit's real drivers):
 * unsigned and forged deliveries are 401 and store nothing; a correctly signed event delivered
 * twice is stored once. Per payment webhook (bank transfer, VNPay, MoMo, Stripe): an unsigned or
 * wrongly signed notification is refused and no money moves. The deeper per-provider cases
 * (tenant B's credentials, replayed payments crediting once) are in test/channels/channels-e2e
 * and test/billing/payments-http.
 *
 * The last test guards a bug this sweep found (fixed in 46decf6): the channel webhook route
 * answered 404 to `/webhooks/payments/bank` and `/webhooks/payments/stripe` in the full server,
 * so genuine notifications never reached billing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStripeStyle } from '@agent-chatbot/billing';
import { loadConnection } from '../../src/channels/connection-store';
import { postgresUnavailable } from '../helpers/postgres';
import { BANK_SECRET, billingEnv, STRIPE } from '../billing/billing-harness';
import { lineKit, messengerKit, telegramKit, zaloKit, type ProviderKit } from '../channels/provider-kits';
import { startSecurityRig, type SecurityRig } from './security-rig';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`webhook-forgery skipped: ${unavailable}`);

/** `zaloApiBase` → `CHATBOT_ZALO_API_BASE`. */
const envName = (key: string) => `CHATBOT_${key.replace(/([A-Z])/g, '_$1').toUpperCase()}`;

describe.skipIf(unavailable !== undefined)('forged and replayed webhooks are refused (4 channels, 4 payment webhooks)', { timeout: 120_000 }, () => {
  let rig: SecurityRig;
  let kits: ProviderKit[];
  let tenant: { tenantId: string; token: string };
  const urls = new Map<string, { url: string; id: string; config: Record<string, unknown> }>();

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await rig.runtime.db.platform((tx) => tx.query<{ n: string }>(sql, params))).rows[0]!.n);

  beforeAll(async () => {
    kits = [await zaloKit(), await messengerKit(), await telegramKit(), await lineKit()];
    const providers = Object.assign({}, ...kits.map((kit) => kit.providers)) as Record<string, string>;
    rig = await startSecurityRig({ ...billingEnv(), ...Object.fromEntries(Object.entries(providers).map(([key, value]) => [envName(key), value])) });
    tenant = await rig.signup('webhooks');
    for (const kit of kits) {
      const res = await rig.call('POST', '/v1/tenant/channels', { token: tenant.token, body: { type: kit.type, config: kit.config() } });
      expect(res.status, res.text).toBe(201);
      const id = res.body.id as string;
      const stored = await rig.runtime.db.tenant(tenant.tenantId, (tx) => loadConnection(tx, rig.runtime.secretBox, id));
      urls.set(kit.type, { url: `${rig.baseUrl}/webhooks/${kit.type}/${id}`, id, config: stored.config });
    }
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
    await Promise.all((kits ?? []).map((kit) => kit.close()));
  });

  it.each(['zalo', 'messenger', 'telegram', 'line'])('%s: unsigned and forged are 401 and store nothing; a replay is stored once', async (type) => {
    const kit = kits.find((candidate) => candidate.type === type)!;
    const { url, id, config } = urls.get(type)!;
    const events = () => count('SELECT count(*) AS n FROM external_events WHERE connection_id = $1', [id]);
    const driver = kit.driver(url, config);
    const before = await events();
    expect(await driver.postForged(driver.textEvent('Giả mạo: chuyển tiền cho tôi'))).toBe(401);
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: driver.textEvent('Không có chữ ký') });
    expect(unsigned.status).toBe(401);
    expect(await events()).toBe(before);

    const raw = driver.textEvent('Shop ơi còn áo thun size M không?');
    expect(await driver.post(raw)).toBe(200);
    const replay = await driver.post(raw);
    expect([200, 401]).toContain(replay); // acknowledged as a duplicate, or refused as a stale signature
    expect(await events()).toBe(before + 1);
  });

  it('payment webhooks: unsigned or wrongly signed notifications move no money', async () => {
    const money = () => count('SELECT count(*) AS n FROM ledger_entries');
    const before = await money();
    const bank = JSON.stringify({ transactionId: 'FT-FORGED-1', accountNumber: '0071000123456', amount: 500_000, description: `NAP${tenant.tenantId.slice(0, 8)}` });
    expect((await rig.call('POST', '/webhooks/payments/bank', { rawBody: bank })).status).toBe(401);
    expect((await rig.call('POST', '/webhooks/payments/bank', { rawBody: bank, headers: { 'x-chatbot-signature': signStripeStyle('wrong-secret-0123456789', bank) } })).status).toBe(401);

    const vnpay = new URLSearchParams({ vnp_TxnRef: 'TOPFORGED1', vnp_Amount: '50000000', vnp_ResponseCode: '00', vnp_TransactionStatus: '00', vnp_TmnCode: 'TESTTMN1', vnp_SecureHash: 'ab'.repeat(64) });
    const ipn = await rig.call('GET', `/webhooks/payments/vnpay/ipn?${vnpay}`);
    expect(ipn.status).toBe(200); // VNPay's protocol: always 200, the verdict is RspCode
    expect(ipn.body.RspCode).toBe('97');

    const momo = JSON.stringify({ partnerCode: 'MOMOTEST', orderId: 'TOPFORGED2', requestId: 'r1', amount: 500_000, orderInfo: 'nap', orderType: 'momo_wallet', transId: 1, resultCode: 0, message: 'ok', payType: 'qr', responseTime: Date.now(), extraData: '', signature: 'f'.repeat(64) });
    expect((await rig.call('POST', '/webhooks/payments/momo/ipn', { rawBody: momo })).status).toBe(401);

    const stripe = JSON.stringify({ id: 'evt_forged', type: 'checkout.session.completed', data: { object: { id: 'cs_forged', client_reference_id: 'TOPFORGED3', amount_total: 500_000, payment_status: 'paid' } } });
    const unsignedStripe = await rig.call('POST', '/webhooks/payments/stripe', { rawBody: stripe });
    const forgedStripe = await rig.call('POST', '/webhooks/payments/stripe', { rawBody: stripe, headers: { 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` } });
    for (const res of [unsignedStripe, forgedStripe]) expect([400, 401]).toContain(res.status);

    expect(await money()).toBe(before);
  });

  it('correctly signed bank and Stripe notifications reach billing in the full server (not shadowed by the channel route)', async () => {
    const bank = JSON.stringify({ transactionId: 'FT-UNMATCHED-1', accountNumber: '0071000123456', amount: 1_000, description: 'khong co ma nap' });
    const bankRes = await rig.call('POST', '/webhooks/payments/bank', { rawBody: bank, headers: { 'x-chatbot-signature': signStripeStyle(BANK_SECRET, bank) } });
    const stripe = JSON.stringify({ id: 'evt_unmatched', type: 'payment_intent.created', data: { object: {} } });
    const stripeRes = await rig.call('POST', '/webhooks/payments/stripe', { rawBody: stripe, headers: { 'stripe-signature': signStripeStyle(STRIPE.webhookSecret, stripe) } });
    expect(bankRes.status, bankRes.text).toBe(200);
    expect(stripeRes.status, stripeRes.text).not.toBe(404);
  });
});

/**
 * The embedded path (PGlite, in-memory limiter): migration 0013 applies, the CLI prints a VietQR
 * top-up whose payload the independent `vietnam-qr-pay` decoder reads back (bank, account,
 * amount, memo), a signed bank notification over HTTP credits it once, and `billing balance`
 * shows the balance and this cycle's usage.
 */
import { signStripeStyle } from '@agent-chatbot/billing';
import { QRPay } from 'vietnam-qr-pay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandEnv } from '../../src/cli/command-table';
import { runCommand } from '../../src/cli/run-command';
import type { PgliteDb } from '../../src/db/pglite-db';
import { createSecretBox } from '../../src/secrets/secret-box';
import { createTestPglite } from '../helpers/pglite';
import { ACCOUNT, BANK_SECRET, billingEnv, startBillingApp, type BillingApp } from './billing-harness';

describe('billing on PGlite: CLI top-up and balance, bank webhook', () => {
  let db: PgliteDb;
  let app: BillingApp;
  let env: CommandEnv;
  const run = (...argv: string[]) => runCommand(argv, async () => ({ env, close: async () => {} }));

  beforeAll(async () => {
    db = await createTestPglite();
    app = await startBillingApp(db, billingEnv());
    env = { config: app.runtime.config, db, secretBox: createSecretBox(app.runtime.config.secretKeys), inServer: false };
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('billing topup --json prints a decodable VietQR payload; the bank webhook credits once; billing balance shows it', async () => {
    const shop = await app.tenant('pglite-shop');
    const topUp = await run('billing', 'topup', '--tenant', shop.tenantId, '--amount', '150000', '--method', 'vietqr', '--json');
    expect(topUp.exitCode).toBe(0);
    const printed = JSON.parse(topUp.stdout) as { payload: string; memo: string; amount: number; paymentId: string };
    expect(printed).toMatchObject({ amount: 150_000, memo: expect.stringMatching(/^NAP[A-Z0-9]+$/), paymentId: expect.any(String) });
    const decoded = new QRPay(printed.payload);
    expect(decoded.isValid).toBe(true);
    expect(decoded.provider.guid).toBe('A000000727');
    expect(decoded.consumer.bankBin).toBe(ACCOUNT.bankBin);
    expect(decoded.consumer.bankNumber).toBe(ACCOUNT.accountNumber);
    expect(decoded.amount).toBe('150000');
    expect(decoded.additionalData.purpose).toBe(printed.memo);

    const body = JSON.stringify({ transactionId: 'FT-PGLITE-1', accountNumber: ACCOUNT.accountNumber, amount: 150_000, description: `CK ${printed.memo}` });
    const post = () => app.call('POST', '/webhooks/payments/bank', { rawBody: body, headers: { 'x-chatbot-signature': signStripeStyle(BANK_SECRET, body) } });
    expect((await post()).body).toMatchObject({ outcome: 'credited', amountVnd: 150_000 });
    expect((await post()).body).toMatchObject({ outcome: 'duplicate' });

    const balance = await run('billing', 'balance', '--tenant', shop.tenantId, '--json');
    expect(balance.exitCode).toBe(0);
    const status = JSON.parse(balance.stdout) as { balanceVnd: number; plan: string; usage: { chats: number }; budget: { spentVnd: number } };
    expect(status).toMatchObject({ balanceVnd: 150_000, plan: 'free', usage: { chats: 0 }, budget: { spentVnd: 0 } });
    const text = await run('billing', 'balance', '--tenant', shop.tenantId);
    expect(text.stdout).toContain('150.000 ₫');
  });

  it('refuses unsupported methods and bad amounts with bilingual usage errors', async () => {
    const shop = await app.tenant('pglite-bad');
    const momo = await run('billing', 'topup', '--tenant', shop.tenantId, '--amount', '150000', '--method', 'momo', '--json');
    expect(momo.exitCode).not.toBe(0);
    expect(momo.stdout + momo.stderr).toMatch(/vietqr/);
    const bad = await run('billing', 'topup', '--tenant', shop.tenantId, '--amount', '12.5');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/số nguyên/);
    const small = await run('billing', 'topup', '--tenant', shop.tenantId, '--amount', '100', '--json');
    expect(small.exitCode).not.toBe(0);
  });
});

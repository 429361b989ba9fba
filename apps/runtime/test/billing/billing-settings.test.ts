/** Billing settings from the environment: gateways all-or-nothing, bad values are bilingual 400s. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BILLING_CONFIG } from '@agent-chatbot/billing';
import { describe, expect, it } from 'vitest';
import { loadBillingConfig, readBillingSettings } from '../../src/billing/billing-settings';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import { billingEnv } from './billing-harness';

describe('billing settings', () => {
  it('reads every gateway with its base URL and is part of the runtime config', () => {
    const settings = readBillingSettings(billingEnv({ momo: 'http://127.0.0.1:7001', stripe: 'http://127.0.0.1:7002' }));
    expect(settings.vietQr).toEqual({ bankBin: '970436', accountNumber: '0071000123456', accountName: 'CONG TY TRO LY AO' });
    expect(settings.momo?.endpoint).toBe('http://127.0.0.1:7001');
    expect(settings.stripe?.apiBase).toBe('http://127.0.0.1:7002');
    expect(settings.costSpike).toEqual({ multiple: 5, platformThresholdVnd: 2_000_000 });
    const dir = mkdtempSync(join(tmpdir(), 'billing-settings-'));
    const config = loadConfig({ CHATBOT_JWT_SECRET: 'x'.repeat(40), CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]), CHATBOT_DATA_DIR: dir, ...billingEnv() }, dir);
    expect(config.billing?.vnpay?.tmnCode).toBe('TESTTMN1');
    expect(readBillingSettings({})).toEqual({
      costSpike: { multiple: 5, platformThresholdVnd: 2_000_000 },
      sessionRateLimit: { capacity: 600, refillPerSecond: 10 },
    });
    expect(readBillingSettings({ CHATBOT_SESSION_RATE_CAPACITY: '1200', CHATBOT_SESSION_RATE_PER_SECOND: '2.5' }).sessionRateLimit).toEqual({ capacity: 1200, refillPerSecond: 2.5 });
  });

  it('refuses half-configured gateways and bad values with bilingual errors', () => {
    expect(() => readBillingSettings({ CHATBOT_STRIPE_SECRET_KEY: 'sk_test' })).toThrow(/CHATBOT_STRIPE_WEBHOOK_SECRET/);
    expect(() => readBillingSettings({ CHATBOT_VIETQR_BANK_BIN: '12', CHATBOT_VIETQR_ACCOUNT_NUMBER: '1' })).toThrow(/6 digits/);
    expect(() => readBillingSettings({ CHATBOT_BILLING_DEFAULT_MONTHLY_CAP_VND: '-5' })).toThrow(/CHATBOT_BILLING_DEFAULT_MONTHLY_CAP_VND/);
    expect(() => readBillingSettings({ CHATBOT_SESSION_RATE_CAPACITY: '0' })).toThrow(/CHATBOT_SESSION_RATE_CAPACITY/);
    try {
      readBillingSettings({ CHATBOT_VIETQR_WEBHOOK_SECRET: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ status: 400, messageVi: expect.stringContaining('CHATBOT_VIETQR_WEBHOOK_SECRET') });
    }
  });

  it('loads the plans file and applies the default-cap override; a bad file is a 400', () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-config-'));
    const good = join(dir, 'billing.json');
    writeFileSync(good, JSON.stringify({ ...DEFAULT_BILLING_CONFIG, marginBasisPoints: 3_000 }));
    expect(loadBillingConfig({ configPath: good, defaultMonthlyCapVnd: 42 })).toMatchObject({ marginBasisPoints: 3_000, defaultMonthlyCapVnd: 42 });
    expect(loadBillingConfig(undefined)).toEqual(DEFAULT_BILLING_CONFIG);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ plans: [] }));
    expect(() => loadBillingConfig({ configPath: bad })).toThrow(/billing configuration/i);
    expect(() => loadBillingConfig({ configPath: join(dir, 'missing.json') })).toThrow(/CHATBOT_BILLING_CONFIG/);
  });
});

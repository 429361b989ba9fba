import { describe, expect, it } from 'vitest';
import { vnpaySign } from '../test/fake-gateways';
import { signStripeStyle, verifyStripeWebhook } from './stripe';
import { createVnpayPaymentUrl, vnpayDate, vnpaySignData, verifyVnpayQuery } from './vnpay';

const config = { tmnCode: 'TMN01', hashSecret: 'SECRET', paymentUrl: 'https://pay.example/vpcpay.html' };

describe('VNPay signing', () => {
  it("encodes like VNPay's sample (spaces as +, keys sorted) and signs with HMAC-SHA512", () => {
    expect(vnpaySignData({ vnp_OrderInfo: 'Nạp tiền 1/2', vnp_Amount: '1000000' })).toBe(
      'vnp_Amount=1000000&vnp_OrderInfo=N%E1%BA%A1p+ti%E1%BB%81n+1%2F2',
    );
    const url = new URL(createVnpayPaymentUrl(config, { txnRef: 'T1', amountVnd: 10_000, orderInfo: 'Nạp tiền', returnUrl: 'https://a.vn/r?x=1', ipAddr: '127.0.0.1', createdAt: new Date('2026-11-26T03:00:00Z') }));
    expect(url.searchParams.get('vnp_Amount')).toBe('1000000');
    expect(url.searchParams.get('vnp_CreateDate')).toBe('20261126100000');
    const params = Object.fromEntries([...url.searchParams].filter(([key]) => key !== 'vnp_SecureHash'));
    expect(url.searchParams.get('vnp_SecureHash')).toBe(vnpaySign('SECRET', params));
    expect(vnpayDate(new Date('2026-12-31T17:00:00Z'))).toBe('20270101000000');
  });

  it('verifies return/IPN queries and refuses tampering or another merchant', () => {
    const params: Record<string, string> = { vnp_Amount: '1000000', vnp_TmnCode: 'TMN01', vnp_TxnRef: 'T1', vnp_ResponseCode: '00', vnp_TransactionStatus: '00', vnp_TransactionNo: '1' };
    const query = new URLSearchParams({ ...params, vnp_SecureHash: vnpaySign('SECRET', params), vnp_SecureHashType: 'HmacSHA512' });
    expect(verifyVnpayQuery(config, query)).toMatchObject({ txnRef: 'T1', amountVnd: 10_000, succeeded: true });
    const withEmpty = { ...params, vnp_BankTranNo: '' }; // VNPay signs empty fields too
    expect(verifyVnpayQuery(config, { ...withEmpty, vnp_SecureHash: vnpaySign('SECRET', withEmpty) }).txnRef).toBe('T1');
    query.set('vnp_Amount', '2000000');
    expect(() => verifyVnpayQuery(config, query)).toThrow(expect.objectContaining({ status: 401 }));
    const other = { ...params, vnp_TmnCode: 'OTHER' };
    expect(() => verifyVnpayQuery(config, { ...other, vnp_SecureHash: vnpaySign('SECRET', other) })).toThrow(expect.objectContaining({ status: 401 }));
  });
});

describe('Stripe-Signature', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'checkout.session.completed', data: { object: {} } });
  it('accepts any matching v1 within the tolerance window and rejects the rest', () => {
    const now = new Date('2026-11-26T03:00:00Z');
    const header = signStripeStyle('whsec', body, now);
    expect(verifyStripeWebhook('whsec', body, `${header},v1=deadbeef`, { now }).id).toBe('evt_1');
    expect(verifyStripeWebhook('whsec', body, header, { now: new Date(now.getTime() + 299_000) }).id).toBe('evt_1');
    expect(() => verifyStripeWebhook('whsec', body, header, { now: new Date(now.getTime() + 301_000) })).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
    expect(() => verifyStripeWebhook('whsec', `${body} `, header, { now })).toThrow(expect.objectContaining({ status: 401 }));
    expect(() => verifyStripeWebhook('whsec', body, undefined, { now })).toThrow(expect.objectContaining({ status: 401 }));
  });
});

import { QRPay } from 'vietnam-qr-pay';
import { describe, expect, it } from 'vitest';
import { crc16CcittFalse, parseTlv } from './emvco';
import { buildVietQrPayload, findTransferMemo, generateTransferMemo, vietQrAccountFromEnv, vietQrSvg } from './vietqr';

describe('VietQR', () => {
  it('computes CRC-16/CCITT-FALSE (check value of "123456789" is 29B1)', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('builds a payload that the independent vietnam-qr-pay decoder reads back', () => {
    const account = vietQrAccountFromEnv({
      CHATBOT_VIETQR_BANK_BIN: '970436',
      CHATBOT_VIETQR_ACCOUNT_NUMBER: '0071000123456',
      CHATBOT_VIETQR_ACCOUNT_NAME: 'CONG TY TRO LY AO',
    });
    const memo = generateTransferMemo();
    const payload = buildVietQrPayload({ account, amountVnd: 250_000, memo });
    const decoded = new QRPay(payload);
    expect(decoded.isValid).toBe(true);
    expect(decoded.provider.guid).toBe('A000000727');
    expect(decoded.consumer.bankBin).toBe('970436');
    expect(decoded.consumer.bankNumber).toBe('0071000123456');
    expect(decoded.amount).toBe('250000');
    expect(decoded.additionalData.purpose).toBe(memo);
    expect(decoded.currency).toBe('704');
    expect(decoded.nation).toBe('VN');
    const fields = parseTlv(payload);
    expect(parseTlv(fields.get('38')!).get('02')).toBe('QRIBFTTA');
    expect(fields.get('63')).toBe(crc16CcittFalse(payload.slice(0, -4)));
  });

  it('makes unique memos that survive bank mangling', () => {
    const memos = new Set(Array.from({ length: 500 }, generateTransferMemo));
    expect(memos.size).toBe(500);
    const memo = [...memos][0]!;
    expect(findTransferMemo(`MBVCB.123.${memo.slice(0, 5)} ${memo.slice(5)}.CT tu 0123`)).toBe(memo);
    expect(findTransferMemo('chuyen tien')).toBeUndefined();
  });

  it('renders an SVG QR and rejects bad input with 400', async () => {
    const payload = buildVietQrPayload({ account: { bankBin: '970436', accountNumber: '123' }, amountVnd: 10_000, memo: 'NAPABCDEFGHJK' });
    expect(await vietQrSvg(payload)).toContain('<svg');
    expect(() => buildVietQrPayload({ account: { bankBin: '97', accountNumber: '123' }, amountVnd: 10_000, memo: 'x' })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => buildVietQrPayload({ account: { bankBin: '970436', accountNumber: '123' }, amountVnd: 10.5, memo: 'x' })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => vietQrAccountFromEnv({})).toThrow(expect.objectContaining({ status: 400, messageVi: expect.stringContaining('VietQR') }));
  });
});

import { randomBytes } from 'node:crypto';
import { ValidationError } from '@agent-chatbot/core';
import type * as QRCodeApi from 'qrcode';
import { z } from 'zod';
import { tlv, withCrc } from './emvco';

/** NAPAS's globally unique id for VietQR (EMVCo ID 38, sub-field 00). */
export const NAPAS_GUID = 'A000000727';
/** Service code for a transfer to an account (QR Inter-Bank Fund Transfer To Account). */
export const VIETQR_SERVICE_TO_ACCOUNT = 'QRIBFTTA';

/** The operator's receiving account. */
export const vietQrAccountSchema = z.object({
  bankBin: z.string().regex(/^\d{6}$/, 'bank BIN is 6 digits'),
  accountNumber: z.string().regex(/^[0-9A-Za-z]{1,19}$/, 'account number is 1–19 letters or digits'),
  accountName: z.string().min(1).max(25).optional(),
});
/** See {@link vietQrAccountSchema}. */
export type VietQrAccount = z.infer<typeof vietQrAccountSchema>;

function invalid(what: string, whatVi: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): ValidationError {
  return new ValidationError(what, whatVi, { details: { issues: issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })) } });
}

/**
 * Reads the operator account from `CHATBOT_VIETQR_BANK_BIN`, `CHATBOT_VIETQR_ACCOUNT_NUMBER` and
 * `CHATBOT_VIETQR_ACCOUNT_NAME`; explicit `overrides` win. Missing or malformed → 400.
 */
export function vietQrAccountFromEnv(env: Record<string, string | undefined> = process.env, overrides: Partial<VietQrAccount> = {}): VietQrAccount {
  const parsed = vietQrAccountSchema.safeParse({
    bankBin: overrides.bankBin ?? env.CHATBOT_VIETQR_BANK_BIN,
    accountNumber: overrides.accountNumber ?? env.CHATBOT_VIETQR_ACCOUNT_NUMBER,
    accountName: overrides.accountName ?? env.CHATBOT_VIETQR_ACCOUNT_NAME,
  });
  if (!parsed.success) throw invalid('VietQR account is not configured correctly', 'Tài khoản nhận VietQR chưa được cấu hình đúng', parsed.error.issues);
  return parsed.data;
}

/** A unique transfer memo: `NAP` + 10 upper-case letters/digits (no characters banks strip). */
export function generateTransferMemo(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return `NAP${[...randomBytes(10)].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

/** Finds our memo in a bank transaction description (banks add prefixes and suffixes). */
export function findTransferMemo(description: string): string | undefined {
  return /NAP[A-Z2-9]{10}/.exec(description.toUpperCase().replace(/[\s.-]/g, ''))?.[0];
}

const requestSchema = z.object({
  account: vietQrAccountSchema,
  amountVnd: z.number().int().positive().max(9_999_999_999_999),
  memo: z.string().regex(/^[A-Za-z0-9 ]{1,25}$/, 'memo is 1–25 letters, digits or spaces'),
});

/**
 * Builds a dynamic VietQR (EMVCo merchant-presented) payload: 00 format, 01 "12" (one-time),
 * 38 NAPAS GUID + beneficiary (BIN, account) + QRIBFTTA, 53 currency 704, 54 amount, 58 VN,
 * 62/08 the memo, 63 CRC-16/CCITT-FALSE.
 */
export function buildVietQrPayload(input: { account: VietQrAccount; amountVnd: number; memo: string }): string {
  const parsed = requestSchema.safeParse(input);
  if (!parsed.success) throw invalid('Invalid VietQR request', 'Yêu cầu tạo VietQR không hợp lệ', parsed.error.issues);
  const { account, amountVnd, memo } = parsed.data;
  const beneficiary = tlv('00', account.bankBin) + tlv('01', account.accountNumber);
  const merchantAccount = tlv('00', NAPAS_GUID) + tlv('01', beneficiary) + tlv('02', VIETQR_SERVICE_TO_ACCOUNT);
  return withCrc(
    tlv('00', '01') +
      tlv('01', '12') +
      tlv('38', merchantAccount) +
      tlv('53', '704') +
      tlv('54', String(amountVnd)) +
      tlv('58', 'VN') +
      tlv('62', tlv('08', memo)),
  );
}

/** `qrcode` is imported on the first QR rendered, not when the package is loaded. */
async function loadQrCode(): Promise<typeof QRCodeApi> {
  return (await import('qrcode')).default;
}

/** Renders a payload as an SVG QR image (medium error correction, as banking apps expect). */
export function vietQrSvg(payload: string): Promise<string> {
  return loadQrCode().then((QRCode) => QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
}

/** Renders a payload as a PNG data URL (for `<img src>` and email). */
export function vietQrPngDataUrl(payload: string): Promise<string> {
  return loadQrCode().then((QRCode) => QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 }));
}

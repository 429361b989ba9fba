import { SignatureError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { hmacHex, safeEqualHex } from './signatures';

/** Merchant settings from the VNPay portal. */
export interface VnpayConfig {
  /** VNPay merchant code (`vnp_TmnCode`). */
  readonly tmnCode: string;
  /** VNPay hash secret (HMAC-SHA512 `vnp_SecureHash`). */
  readonly hashSecret: string;
  /** e.g. https://sandbox.vnpayment.vn/paymentv2/vpcpay.html (a fake server in tests). */
  readonly paymentUrl: string;
}

/** VNPay's IPN answer codes (the IPN handler must reply `{ RspCode, Message }` as JSON). */
export const VNPAY_RSP = {
  success: { RspCode: '00', Message: 'Confirm Success' },
  orderNotFound: { RspCode: '01', Message: 'Order not found' },
  alreadyConfirmed: { RspCode: '02', Message: 'Order already confirmed' },
  invalidAmount: { RspCode: '04', Message: 'Invalid amount' },
  invalidChecksum: { RspCode: '97', Message: 'Invalid Checksum' },
  unknown: { RspCode: '99', Message: 'Unknown error' },
} as const;
/** One of {@link VNPAY_RSP}. */
export type VnpayIpnResponse = (typeof VNPAY_RSP)[keyof typeof VNPAY_RSP];

/**
 * VNPay's documented encoding (its Node sample's `sortObject`): keys sorted, keys and values
 * `encodeURIComponent`-ed with `%20` turned into `+`, joined as `k=v&…` without further encoding.
 * The same string is signed and used as the query string. Empty values are kept (VNPay signs every
 * `vnp_*` field it sends back); the creator simply does not add empty optional fields.
 */
export function vnpaySignData(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => params[key] !== undefined)
    .map((key) => [encodeURIComponent(key), encodeURIComponent(params[key]!).replace(/%20/g, '+')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** `vnp_CreateDate` format: yyyyMMddHHmmss in Vietnam time (GMT+7). */
export function vnpayDate(date: Date): string {
  const local = new Date(date.getTime() + 7 * 3_600_000);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${local.getUTCFullYear()}${pad(local.getUTCMonth() + 1)}${pad(local.getUTCDate())}${pad(local.getUTCHours())}${pad(local.getUTCMinutes())}${pad(local.getUTCSeconds())}`;
}

const createSchema = z.object({
  txnRef: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  amountVnd: z.number().int().min(5_000).max(999_999_999),
  orderInfo: z.string().min(1).max(255),
  returnUrl: z.string().url(),
  ipAddr: z.string().min(1).max(45),
  locale: z.enum(['vn', 'en']).default('vn'),
  bankCode: z.string().optional(),
  createdAt: z.date().optional(),
  expiresInMinutes: z.number().int().positive().default(15),
});

/**
 * Builds the signed VNPay payment URL (API 2.1.0): `vnp_Amount` is VND × 100, `vnp_SecureHash`
 * is HMAC-SHA512 (hex) of {@link vnpaySignData} with the hash secret.
 */
export function createVnpayPaymentUrl(config: VnpayConfig, input: z.input<typeof createSchema>): string {
  const parsed = createSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('Invalid VNPay payment request', 'Yêu cầu thanh toán VNPay không hợp lệ', {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    });
  }
  const request = parsed.data;
  const created = request.createdAt ?? new Date();
  const params: Record<string, string> = {
    vnp_Version: '2.1.0',
    vnp_Command: 'pay',
    vnp_TmnCode: config.tmnCode,
    vnp_Amount: String(request.amountVnd * 100),
    vnp_CurrCode: 'VND',
    vnp_TxnRef: request.txnRef,
    vnp_OrderInfo: request.orderInfo,
    vnp_OrderType: 'other',
    vnp_Locale: request.locale,
    vnp_ReturnUrl: request.returnUrl,
    vnp_IpAddr: request.ipAddr,
    vnp_CreateDate: vnpayDate(created),
    vnp_ExpireDate: vnpayDate(new Date(created.getTime() + request.expiresInMinutes * 60_000)),
  };
  if (request.bankCode) params.vnp_BankCode = request.bankCode;
  const signData = vnpaySignData(params);
  return `${config.paymentUrl}?${signData}&vnp_SecureHash=${hmacHex('sha512', config.hashSecret, signData)}`;
}

/** A verified VNPay return/IPN query. */
export interface VnpayResult {
  /** Our order reference (`vnp_TxnRef`). */
  readonly txnRef: string;
  /** Amount paid, integer VND. */
  readonly amountVnd: number;
  /** VNPay's transaction number. */
  readonly transactionNo: string;
  /** Whether VNPay reports success (`00`). */
  readonly succeeded: boolean;
  /** VNPay response code. */
  readonly responseCode: string;
  /** Every `vnp_` parameter received. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Verifies the return-URL or IPN query (`URLSearchParams` or a plain object of decoded values):
 * recomputes the hash over every `vnp_*` field except the hash fields. Throws
 * {@link SignatureError} (→ RspCode 97) when it does not match or the merchant code is not ours.
 */
export function verifyVnpayQuery(config: VnpayConfig, query: URLSearchParams | Readonly<Record<string, string>>): VnpayResult {
  const entries = query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query);
  const params: Record<string, string> = {};
  let secureHash = '';
  for (const [key, value] of entries) {
    if (key === 'vnp_SecureHash') secureHash = value;
    else if (key !== 'vnp_SecureHashType' && key.startsWith('vnp_')) params[key] = value;
  }
  const expected = hmacHex('sha512', config.hashSecret, vnpaySignData(params));
  if (!secureHash || !safeEqualHex(expected, secureHash)) throw new SignatureError('Invalid VNPay checksum', 'Chữ ký VNPay không hợp lệ');
  if (params.vnp_TmnCode !== config.tmnCode) throw new SignatureError('VNPay merchant code mismatch', 'Mã website VNPay không khớp');
  const amount = Number(params.vnp_Amount);
  if (!Number.isSafeInteger(amount) || amount % 100 !== 0 || !params.vnp_TxnRef) {
    throw new ValidationError('Malformed VNPay notification', 'Thông báo VNPay sai định dạng');
  }
  return {
    txnRef: params.vnp_TxnRef,
    amountVnd: amount / 100,
    transactionNo: params.vnp_TransactionNo ?? '',
    responseCode: params.vnp_ResponseCode ?? '',
    succeeded: params.vnp_ResponseCode === '00' && (params.vnp_TransactionStatus ?? '00') === '00',
    params,
  };
}

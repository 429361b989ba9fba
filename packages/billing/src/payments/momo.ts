import { ProviderError, SignatureError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { hmacHex, safeEqualHex } from './signatures';

/** MoMo merchant settings (partner code, access key, secret key, API base URL). */
export interface MomoConfig {
  /** MoMo partner code. */
  readonly partnerCode: string;
  /** MoMo access key. */
  readonly accessKey: string;
  /** MoMo secret key (HMAC-SHA256 signatures). */
  readonly secretKey: string;
  /** e.g. https://test-payment.momo.vn (a fake server in tests). */
  readonly endpoint: string;
  /** HTTP client (tests pass one pointed at a fake MoMo). */
  readonly fetch?: typeof fetch;
}

const createSchema = z.object({
  orderId: z.string().regex(/^[A-Za-z0-9_.:-]{1,50}$/),
  requestId: z.string().min(1).max(50),
  amountVnd: z.number().int().min(1_000).max(50_000_000),
  orderInfo: z.string().min(1).max(255),
  redirectUrl: z.string().url(),
  ipnUrl: z.string().url(),
  extraData: z.string().default(''),
  requestType: z.string().default('captureWallet'),
});

/** MoMo's create-payment raw signature string (fields in the documented alphabetical order). */
export function momoCreateRawSignature(config: MomoConfig, request: z.output<typeof createSchema>): string {
  return (
    `accessKey=${config.accessKey}&amount=${request.amountVnd}&extraData=${request.extraData}&ipnUrl=${request.ipnUrl}` +
    `&orderId=${request.orderId}&orderInfo=${request.orderInfo}&partnerCode=${config.partnerCode}` +
    `&redirectUrl=${request.redirectUrl}&requestId=${request.requestId}&requestType=${request.requestType}`
  );
}

/** Creates a MoMo payment (POST /v2/gateway/api/create, HMAC-SHA256 signature); resolves with the pay URL. */
export async function createMomoPayment(config: MomoConfig, input: z.input<typeof createSchema>): Promise<{ payUrl: string; raw: unknown }> {
  const parsed = createSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('Invalid MoMo payment request', 'Yêu cầu thanh toán MoMo không hợp lệ', {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    });
  }
  const request = parsed.data;
  const body = {
    partnerCode: config.partnerCode,
    requestId: request.requestId,
    amount: request.amountVnd,
    orderId: request.orderId,
    orderInfo: request.orderInfo,
    redirectUrl: request.redirectUrl,
    ipnUrl: request.ipnUrl,
    requestType: request.requestType,
    extraData: request.extraData,
    lang: 'vi',
    signature: hmacHex('sha256', config.secretKey, momoCreateRawSignature(config, request)),
  };
  const response = await (config.fetch ?? fetch)(`${config.endpoint.replace(/\/$/, '')}/v2/gateway/api/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as { resultCode?: number; payUrl?: string; message?: string };
  if (!response.ok || json.resultCode !== 0 || typeof json.payUrl !== 'string') {
    throw new ProviderError({
      provider: 'momo',
      message: `MoMo refused the payment: ${json.message ?? response.status}`,
      messageVi: 'MoMo từ chối tạo thanh toán',
      upstreamStatus: response.status,
    });
  }
  return { payUrl: json.payUrl, raw: json };
}

/** MoMo's IPN body (POST JSON to the ipnUrl). */
export const momoIpnSchema = z.object({
  partnerCode: z.string(),
  orderId: z.string(),
  requestId: z.string(),
  amount: z.number().int(),
  orderInfo: z.string(),
  orderType: z.string(),
  transId: z.union([z.number(), z.string()]),
  resultCode: z.number().int(),
  message: z.string(),
  payType: z.string(),
  responseTime: z.union([z.number(), z.string()]),
  extraData: z.string(),
  signature: z.string(),
});
/** See {@link momoIpnSchema}. */
export type MomoIpn = z.infer<typeof momoIpnSchema>;

/** The IPN's raw signature string (documented order). */
export function momoIpnRawSignature(accessKey: string, ipn: Omit<MomoIpn, 'signature'>): string {
  return (
    `accessKey=${accessKey}&amount=${ipn.amount}&extraData=${ipn.extraData}&message=${ipn.message}&orderId=${ipn.orderId}` +
    `&orderInfo=${ipn.orderInfo}&orderType=${ipn.orderType}&partnerCode=${ipn.partnerCode}&payType=${ipn.payType}` +
    `&requestId=${ipn.requestId}&responseTime=${ipn.responseTime}&resultCode=${ipn.resultCode}&transId=${ipn.transId}`
  );
}

/**
 * Verifies a MoMo IPN body (parsed JSON): schema, partner code and HMAC-SHA256 signature.
 * Throws {@link SignatureError} when forged; `succeeded` is resultCode 0 (or 9000, authorized).
 */
export function verifyMomoIpn(config: MomoConfig, body: unknown): { ipn: MomoIpn; succeeded: boolean } {
  const parsed = momoIpnSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('Malformed MoMo notification', 'Thông báo MoMo sai định dạng');
  const ipn = parsed.data;
  const expected = hmacHex('sha256', config.secretKey, momoIpnRawSignature(config.accessKey, ipn));
  if (!safeEqualHex(expected, ipn.signature) || ipn.partnerCode !== config.partnerCode) {
    throw new SignatureError('Invalid MoMo signature', 'Chữ ký MoMo không hợp lệ');
  }
  return { ipn, succeeded: ipn.resultCode === 0 || ipn.resultCode === 9000 };
}

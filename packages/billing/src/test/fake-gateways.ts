import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Test-only: a listening HTTP server on 127.0.0.1. */
export interface FakeServer {
  readonly url: string;
  readonly requests: Array<{ method: string; path: string; headers: IncomingMessage['headers']; body: string }>;
  close(): Promise<void>;
}

/** Starts a server whose handler gets the raw body. */
export async function startServer(
  handler: (request: IncomingMessage, body: string, response: ServerResponse) => void | Promise<void>,
): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      Promise.resolve(handler(request, body, response)).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Independent re-implementation of VNPay's sample `sortObject` + `querystring.stringify(encode: false)`. */
export function vnpaySign(secret: string, params: Record<string, string>): string {
  const sorted = Object.keys(params)
    .map((key) => encodeURIComponent(key))
    .sort();
  const data = sorted.map((key) => `${key}=${encodeURIComponent(params[key]!).replace(/%20/g, '+')}`).join('&');
  return createHmac('sha512', secret).update(Buffer.from(data, 'utf-8')).digest('hex');
}

/** What the fake VNPay "sends": signed result params for a payment URL it received. */
export function vnpayResultParams(secret: string, request: URLSearchParams, overrides: Record<string, string> = {}): URLSearchParams {
  const params: Record<string, string> = {
    vnp_Amount: request.get('vnp_Amount')!,
    vnp_BankCode: 'NCB',
    vnp_CardType: 'ATM',
    vnp_OrderInfo: request.get('vnp_OrderInfo')!,
    vnp_PayDate: '20261126120000',
    vnp_ResponseCode: '00',
    vnp_TmnCode: request.get('vnp_TmnCode')!,
    vnp_TransactionNo: String(14_000_000 + Math.floor(Math.random() * 1_000_000)),
    vnp_TransactionStatus: '00',
    vnp_TxnRef: request.get('vnp_TxnRef')!,
    ...overrides,
  };
  const result = new URLSearchParams(params);
  result.set('vnp_SecureHash', vnpaySign(secret, params));
  return result;
}

/** MoMo IPN raw signature, written independently from the package's. */
export function momoIpnSignature(accessKey: string, secretKey: string, ipn: Record<string, string | number>): string {
  const keys = ['amount', 'extraData', 'message', 'orderId', 'orderInfo', 'orderType', 'partnerCode', 'payType', 'requestId', 'responseTime', 'resultCode', 'transId'];
  const raw = [`accessKey=${accessKey}`, ...keys.map((key) => `${key}=${ipn[key]}`)].join('&');
  return createHmac('sha256', secretKey).update(raw).digest('hex');
}

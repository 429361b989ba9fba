/**
 * `POST /webhooks/:channel/:connectionId` (and GET for Messenger's `hub.challenge`): the one
 * inbound path. The tenant comes from the connection through the one-door lookup, never from
 * the payload; the channel checks the signature over the exact raw bytes and answers.
 */
import { Router, raw, type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import { uuidSchema } from '../auth/schemas';
import type { ChannelContext } from './channel-context';
import { isChannelType } from './channel-settings';

const jsonError = (res: ExpressResponse, status: number, code: string, message: string, messageVi: string) =>
  res.status(status).json({ error: { code, message, message_vi: messageVi } });

/** Headers that describe the hop, not the payload; the rest go to the channel unchanged. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'expect', 'upgrade']);

function toFetchRequest(req: ExpressRequest, publicUrl: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_HEADERS.has(name)) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`${publicUrl}${req.originalUrl}`, { method: req.method, headers, ...(hasBody ? { body: new Uint8Array(body) } : {}) });
}

/** The raw router of the channel feature (mounted before JSON parsing). */
export function createWebhookRouter(context: ChannelContext): Router {
  const { runtime } = context;
  const router = Router();
  const handle = async (req: ExpressRequest, res: ExpressResponse) => {
    const type = String(req.params.channel);
    const id = uuidSchema.safeParse(req.params.connectionId);
    if (!id.success) {
      return jsonError(res, 404, 'not_found', 'Unknown webhook', 'Không tìm thấy webhook');
    }
    const route = await context.routes.resolve(type, id.data);
    if (!route) return jsonError(res, 404, 'not_found', 'Unknown webhook', 'Không tìm thấy webhook');
    if (route.tenantStatus !== 'active') {
      return jsonError(res, 403, 'tenant_suspended', 'This shop is suspended', 'Cửa hàng đang bị tạm khoá');
    }
    const { connection } = route;
    let channel;
    try {
      channel = await context.channelFor(connection);
    } catch (error) {
      runtime.logger.error({ err: error, connectionId: connection.id, channel: type }, 'channel config unusable');
      return jsonError(res, 503, 'channel_misconfigured', 'The channel connection is misconfigured', 'Cấu hình kết nối kênh bị lỗi');
    }
    const response = await channel.handleWebhook(toFetchRequest(req, runtime.config.publicUrl));
    res.status(response.status);
    response.headers.forEach((value, name) => {
      if (!HOP_HEADERS.has(name)) res.setHeader(name, value);
    });
    res.send(Buffer.from(await response.arrayBuffer()));
  };
  const rawBody = raw({ type: '*/*', limit: '1mb' });
  // Other features own other `/webhooks/<name>/…` paths (payments, the web widget): only the four
  // provider channels are handled here, everything else passes on untouched (body not read).
  const ours = (req: ExpressRequest, _res: ExpressResponse, next: (route?: 'route') => void) => next(isChannelType(String(req.params.channel)) ? undefined : 'route');
  router.post('/webhooks/:channel/:connectionId', ours, rawBody, (req, res, next) => {
    handle(req, res).catch(next);
  });
  router.get('/webhooks/:channel/:connectionId', ours, (req, res, next) => {
    handle(req, res).catch(next);
  });
  return router;
}

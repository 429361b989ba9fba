/**
 * `GET /v1/tenant/inbox/stream?ticket=…`: the tenant's inbox events as server-sent events.
 *
 * Authentication: the browser's EventSource cannot send an Authorization header, so the dashboard
 * first asks `POST /v1/tenant/inbox/stream-ticket` (normal bearer auth) for a ticket — an HS256
 * token signed with the runtime's JWT secret, for this user and tenant, valid 60 s and usable once
 * — and opens the stream with it in the query string (the access log records paths only, never
 * query strings). Membership is checked when the stream opens and every 5 minutes while it is open
 * (a removed member's stream ends).
 *
 * Fan-out and resume: the stream keeps a cursor (the last event id it sent; `Last-Event-ID` — the
 * header, or `last_event_id` in the query for a client reconnecting with a fresh ticket — or the
 * newest id when it opens) and reads `inbox_events` after it whenever the runtime's pub/sub
 * (Redis across replicas when configured, in-memory otherwise) says the tenant has a new event,
 * and on every heartbeat (a comment line every 20 s, which also keeps proxies from closing an idle
 * stream). Events of one tenant are committed in id order (`withInboxEvents` serialises them), so
 * reading after the cursor misses nothing and sends nothing twice.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { SignJWT, jwtVerify } from 'jose';
import { z } from 'zod';
import type { Runtime } from '../runtime';
import { inboxChannel, inboxEventsAfter, latestInboxEventId } from './inbox-events';

/** Lifetime of a stream ticket (seconds). */
export const STREAM_TICKET_TTL_SECONDS = 60;
const AUDIENCE = 'agent-chatbot-inbox-stream';
const HEARTBEAT_MS = 20_000;
/** How often an open stream re-checks that its user is still a member (removal ends the stream). */
const RECHECK_MS = 5 * 60_000;

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** Signs a stream ticket for `userId` acting for `tenantId`. */
export async function issueStreamTicket(secret: string, who: { userId: string; tenantId: string }): Promise<string> {
  return new SignJWT({ tid: who.tenantId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(who.userId)
    .setAudience(AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${STREAM_TICKET_TTL_SECONDS}s`)
    .sign(keyOf(secret));
}

const claimsSchema = z.object({ sub: z.uuid(), tid: z.uuid(), jti: z.string().min(1) });

/** Verifies a ticket; undefined when forged, expired or for another purpose. */
export async function verifyStreamTicket(secret: string, ticket: string): Promise<z.infer<typeof claimsSchema> | undefined> {
  try {
    const { payload } = await jwtVerify(ticket, keyOf(secret), { audience: AUDIENCE, algorithms: ['HS256'] });
    const parsed = claimsSchema.safeParse(payload);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function deny(res: Response, status: 401 | 403, message: string, messageVi: string): void {
  res.status(status).json({ error: { code: status === 401 ? 'invalid_ticket' : 'forbidden', message, message_vi: messageVi } });
}

const lastEventIdOf = (req: Request): string => {
  const raw = req.get('last-event-id') ?? (typeof req.query['last_event_id'] === 'string' ? req.query['last_event_id'] : '');
  return /^\d{1,18}$/.test(raw) ? raw : '';
};

/** The raw router serving the stream (mounted before the JSON parser). */
export function inboxStreamRouter(runtime: Runtime, options: { heartbeatMs?: number; recheckMs?: number } = {}): Router {
  const router = Router();
  router.get('/v1/tenant/inbox/stream', async (req, res, next) => {
    try {
      const ticket = typeof req.query['ticket'] === 'string' ? req.query['ticket'] : '';
      const claims = ticket ? await verifyStreamTicket(runtime.config.jwtSecret, ticket) : undefined;
      if (!claims) return deny(res, 401, 'Missing, expired or invalid stream ticket', 'Vé mở luồng thiếu, hết hạn hoặc không hợp lệ');
      const fresh = await runtime.cache.setIfNotExists(`inbox-ticket:${claims.jti}`, 1, { ttlMs: (STREAM_TICKET_TTL_SECONDS + 5) * 1000 });
      if (!fresh) return deny(res, 401, 'This stream ticket was already used', 'Vé mở luồng này đã được dùng');
      const isMember = async () =>
        Boolean(await runtime.db.tenant(claims.tid, async (tx) => (await tx.query('SELECT 1 FROM memberships WHERE user_id = $1', [claims.sub])).rowCount));
      if (!(await isMember())) return deny(res, 403, 'Not a member of this shop', 'Không phải thành viên của cửa hàng');
      await stream(runtime, req, res, claims.tid, lastEventIdOf(req), {
        heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
        recheckMs: options.recheckMs ?? RECHECK_MS,
        isMember,
      });
    } catch (error) {
      if (res.headersSent) res.end();
      else next(error);
    }
  });
  return router;
}

interface StreamTimers {
  heartbeatMs: number;
  recheckMs: number;
  isMember: () => Promise<boolean>;
}

async function stream(runtime: Runtime, req: Request, res: Response, tenantId: string, lastEventId: string, timers: StreamTimers): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 3000\n\n');

  // The cursor: the last id sent. Without Last-Event-ID the stream starts from now.
  let cursor = lastEventId || (await latestInboxEventId(runtime.db, tenantId));
  let closed = false;
  let draining: Promise<void> | undefined;
  let again = false;
  // Reads everything after the cursor from the table, in id order (= commit order per tenant, see
  // withInboxEvents): nothing is missed or doubled, whatever order pub/sub delivered the pokes in.
  const drain = (): Promise<void> => {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      do {
        again = false;
        for (;;) {
          if (closed) return;
          const events = await inboxEventsAfter(runtime.db, tenantId, cursor, 200);
          for (const event of events) {
            res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
            cursor = event.id;
          }
          if (events.length < 200) break;
        }
      } while (again);
    })()
      .catch((error: unknown) => runtime.logger.warn({ err: error, tenantId }, 'inbox stream read failed'))
      .finally(() => {
        draining = undefined;
      });
    return draining;
  };
  const unsubscribe = await runtime.pubsub.subscribe(inboxChannel(tenantId), () => void drain());
  const heartbeat = setInterval(() => {
    res.write(': ping\n\n');
    // A lost pub/sub message only delays an event until the next heartbeat.
    void drain();
  }, timers.heartbeatMs);
  const recheck = setInterval(() => {
    void timers.isMember().then(
      (member) => {
        if (!member) res.end();
      },
      () => {},
    );
  }, timers.recheckMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearInterval(recheck);
    void unsubscribe().catch(() => {});
  };
  req.on('close', close);
  res.on('close', close);

  await drain();
  res.write('event: ready\ndata: {}\n\n');
}

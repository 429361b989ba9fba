/**
 * A running runtime for inbox tests: the real createRuntime over a test database (PGlite or
 * Postgres), the channels and inbox features with pg-boss working, fake Telegram and Messenger
 * servers (real HTTP on 127.0.0.1), a real SMTP capture server for the handoff mails, the Express
 * app on 127.0.0.1:0, and an SSE reader for the inbox stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannelsFeature } from '../../src/channels/index';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { RuntimeDb } from '../../src/db/index';
import { closeFeatures, createFeatures, registerFeatureJobs, type FeatureFactory } from '../../src/features/index';
import { createApp, type CreateAppOptions } from '../../src/http/app';
import { createInboxFeature, type InboxFeature } from '../../src/inbox/index';
import type { InboxEvent } from '../../src/inbox/inbox-events';
import { createMailer } from '../../src/mail/mailer';
import { createRuntime, type Runtime } from '../../src/runtime';
import { createLogger } from '../../src/secrets/logger';
import { messengerKit, telegramKit } from '../channels/provider-kits';
import { fixturePassword } from '../http/fixtures';
import { startSmtpCapture, type SmtpCapture } from '../http/smtp-capture';

/** A parsed response. */
export interface RigResponse {
  status: number;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
}

/** An open SSE connection to the inbox stream. */
export interface StreamReader {
  readonly events: InboxEvent[];
  readonly status: number;
  /** Resolves with the first received event matching `match` (waits up to `timeoutMs`). */
  next(match: (event: InboxEvent) => boolean, timeoutMs?: number): Promise<InboxEvent>;
  /** Resolves once the server said `ready` (replay done, live from now on). */
  ready(): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended(): Promise<void>;
  close(): void;
}

/** The running rig. */
export interface InboxRig {
  readonly runtime: Runtime;
  readonly inbox: InboxFeature;
  readonly baseUrl: string;
  readonly smtp: SmtpCapture;
  readonly telegram: Awaited<ReturnType<typeof telegramKit>>;
  readonly messenger: Awaited<ReturnType<typeof messengerKit>>;
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<RigResponse>;
  signup(label: string): Promise<{ tenantId: string; token: string; email: string }>;
  login(email: string): Promise<string>;
  /** Opens the inbox SSE stream with a fresh ticket. */
  stream(token: string, lastEventId?: string): Promise<StreamReader>;
  close(): Promise<void>;
}

/** Reads an SSE response body into events. */
export function readSse(res: Response, controller: AbortController): StreamReader {
  const events: InboxEvent[] = [];
  let readyResolve: () => void = () => {};
  const readyPromise = new Promise<void>((resolve) => (readyResolve = resolve));
  const endedPromise = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name === 'ready') readyResolve();
          else if (name && data) events.push(JSON.parse(data) as InboxEvent);
        }
      }
    } catch {
      // aborted
    }
  })();
  void endedPromise;
  return {
    events,
    status: res.status,
    async next(match, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching inbox event; got ${JSON.stringify(events.map((e) => [e.type, e.payload]))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    ready: () => readyPromise,
    ended: () => endedPromise,
    close: () => controller.abort(),
  };
}

/** Starts a rig over `db` (closed with the rig). */
export async function startInboxRig(
  db: RuntimeDb,
  options: { redisUrl?: string; extraFeatures?: readonly FeatureFactory[]; app?: CreateAppOptions } = {},
): Promise<InboxRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-inbox-'));
  const telegram = await telegramKit();
  const messenger = await messengerKit();
  const smtp = await startSmtpCapture();
  const logger = createLogger({ level: 'warn', destination: { write: () => {} } });
  // Listen first: the public URL is the real address (the widget loader and e-mailed links use it).
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({
    CHATBOT_DATA_DIR: dataDir,
    CHATBOT_JWT_SECRET: 'inbox-tests-secret-0123456789-0123456789-abcdef',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    CHATBOT_PUBLIC_URL: baseUrl,
    LOG_LEVEL: 'warn',
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
  });
  const runtime = await createRuntime(config, { db, migrate: false, logger });
  const providers = { ...telegram.providers, ...messenger.providers };
  const channels = createChannelsFeature(runtime, { providers, delivery: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollingIntervalSeconds: 0.5 });
  const mailer = createMailer({ smtpUrl: smtp.url, from: 'agent-chatbot <no-reply@example.test>' });
  const inbox = createInboxFeature(runtime, { mailer, channels: { providers }, pollingIntervalSeconds: 0.5, streamRecheckMs: 300 });
  const extra = createFeatures(runtime, options.extraFeatures ?? []);
  channels.registerJobs?.();
  inbox.registerJobs?.();
  registerFeatureJobs(extra);
  await runtime.jobs.start({ work: true });
  server.on('request', createApp(runtime, options.app ?? {}, [channels, ...extra, inbox]));
  const call: InboxRig['call'] = async (method, path, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, text, body };
  };
  const readers: StreamReader[] = [];
  let signups = 0;
  return {
    runtime,
    inbox,
    baseUrl,
    smtp,
    telegram,
    messenger,
    call,
    async signup(label) {
      signups += 1;
      const email = `${label}-${signups}-${Date.now()}@example.vn`;
      const res = await call('POST', '/v1/auth/signup', { body: { tenant_name: `Cửa hàng ${label}`, email, password: fixturePassword } });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
      return { tenantId: res.body.tenant.id as string, token: res.body.access_token as string, email };
    },
    async login(email) {
      const res = await call('POST', '/v1/auth/login', { body: { email, password: fixturePassword } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
      return res.body.access_token as string;
    },
    async stream(token, lastEventId) {
      const ticket = await call('POST', '/v1/tenant/inbox/stream-ticket', { token });
      if (ticket.status !== 201) throw new Error(`ticket failed: ${ticket.status} ${ticket.text}`);
      const controller = new AbortController();
      const res = await fetch(`${baseUrl}${ticket.body.url}`, {
        headers: lastEventId ? { 'last-event-id': lastEventId } : {},
        signal: controller.signal,
      });
      const reader = readSse(res, controller);
      readers.push(reader);
      return reader;
    },
    async close() {
      for (const reader of readers) reader.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await channels.close?.();
      await inbox.close?.();
      await closeFeatures(extra, () => {});
      await runtime.close();
      await Promise.all([telegram.close(), messenger.close(), smtp.close()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Decodes a captured mail's quoted-printable UTF-8 body. */
export function mailText(raw: string): string {
  const soft = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i += 1) {
    const hex = soft[i] === '=' ? /^[0-9A-F]{2}$/.exec(soft.slice(i + 1, i + 3))?.[0] : undefined;
    if (hex) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Starts the real Express app on 127.0.0.1:0 against a test database, with a logger whose every
 * line is captured (for the secrets canary), and small fetch helpers.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createMemoryRateLimiter, type RateLimiterV1 } from '@agent-chatbot/core';
import type { Db } from '../../src/db/types';
import { createApp, type CreateAppOptions } from '../../src/http/app';
import type { RuntimeFeature } from '../../src/features/index';
import type { AppRuntime } from '../../src/http/context';
import type { Mailer } from '../../src/mail/mailer';
import { createLogger, createSecretBox, createTenantSecretStore, type TenantSecretStore } from '../../src/secrets';
import { generateSecretKey } from '../../src/config';

/** A parsed HTTP response. */
export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body (undefined when the body is not JSON). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
}

/** Options of one call. */
export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent verbatim (for malformed JSON and oversized bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A running app. */
export interface TestApp {
  readonly baseUrl: string;
  readonly db: Db;
  /** Every log line the runtime wrote, as raw JSON text. */
  readonly logs: string[];
  call(method: string, path: string, options?: CallOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Settings for {@link startTestApp}. */
export interface StartOptions {
  app?: CreateAppOptions;
  mailer?: Mailer;
  secrets?: TenantSecretStore;
  rateLimiter?: RateLimiterV1;
  smtpUrl?: string;
  /** Feature routes to mount besides the core API (e.g. contacts, conversations). */
  features?: readonly RuntimeFeature[];
}

/** A fixed test JWT secret (48 chars). */
export const testJwtSecret = 'test-jwt-secret-0123456789abcdef0123456789abcdef';

/** Starts the app over `db`. */
export async function startTestApp(db: Db, options: StartOptions = {}): Promise<TestApp> {
  const logs: string[] = [];
  // The runtime's real logger (with its redaction), writing into `logs`.
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  const runtime: AppRuntime = {
    config: {
      jwtSecret: testJwtSecret,
      publicUrl: 'http://127.0.0.1:8000',
      smtpUrl: options.smtpUrl,
      mailFrom: 'agent-chatbot <no-reply@example.test>',
    },
    db,
    logger,
    rateLimiter: options.rateLimiter ?? createMemoryRateLimiter(),
    secrets: options.secrets ?? createTenantSecretStore(createSecretBox([generateSecretKey()])),
    ...(options.mailer ? { mailer: options.mailer } : {}),
  };
  const app = createApp(runtime, options.app, options.features);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    db,
    logs,
    async call(method, path, call = {}) {
      const headers: Record<string, string> = { ...call.headers };
      if (call.token) headers['authorization'] = `Bearer ${call.token}`;
      let payload: string | undefined = call.rawBody;
      if (payload === undefined && call.body !== undefined) payload = JSON.stringify(call.body);
      if (payload !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.status, headers: res.headers, text, body };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

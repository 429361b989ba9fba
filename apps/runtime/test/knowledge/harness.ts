/**
 * A full runtime (Postgres or PGlite) with the knowledge feature: HTTP app on 127.0.0.1:0, jobs
 * working, data folder in a temp dir. Helpers sign tenants up and upload files as multipart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';
import type { RuntimeDb } from '../../src/db/index';
import { closeFeatures, createFeatures, registerFeatureJobs, type RuntimeFeature } from '../../src/features/index';
import { createApp } from '../../src/http/app';
import { knowledgeFeature } from '../../src/knowledge/feature';
import { existingKnowledgeService, type KnowledgeService } from '../../src/knowledge/service';
import { createRuntime, type Runtime } from '../../src/runtime';

/** A parsed response. */
export interface Res {
  status: number;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON
}

/** A running knowledge app. */
export interface KnowledgeApp {
  readonly runtime: Runtime;
  readonly service: KnowledgeService;
  readonly baseUrl: string;
  readonly dataDir: string;
  call(method: string, path: string, options?: { token?: string; body?: unknown }): Promise<Res>;
  upload(path: string, token: string, files: ReadonlyArray<{ name: string; content: Uint8Array | string; type?: string }>): Promise<Res>;
  signup(label: string): Promise<{ token: string; tenantId: string }>;
  /** Polls the document until it is ready or failed. */
  settled(token: string, id: string, timeoutMs?: number): Promise<Res['body']>;
  close(): Promise<void>;
}

async function parse(res: Response): Promise<Res> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, text, body };
}

/** Starts the app over `db` (closed with the app). */
export async function startKnowledgeApp(db: RuntimeDb, env: Record<string, string> = {}): Promise<KnowledgeApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'acb-kb-'));
  const config = loadConfig({
    CHATBOT_DATA_DIR: dataDir,
    CHATBOT_JWT_SECRET: 'knowledge-test-secret-0123456789-0123456789-abcdef',
    CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const runtime = await createRuntime(config, { db });
  const features: RuntimeFeature[] = createFeatures(runtime, [knowledgeFeature]);
  registerFeatureJobs(features);
  await runtime.jobs.start({ work: true });
  const app = createApp(runtime, {}, features);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call: KnowledgeApp['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return parse(await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) }));
  };
  let counter = 0;
  return {
    runtime,
    service: existingKnowledgeService(runtime.db)!,
    baseUrl,
    dataDir,
    call,
    async upload(path, token, files) {
      const form = new FormData();
      for (const file of files) form.append('file', new Blob([file.content], { type: file.type ?? 'application/octet-stream' }), file.name);
      return parse(await fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }));
    },
    async signup(label) {
      counter += 1;
      const res = await call('POST', '/v1/auth/signup', {
        body: { tenant_name: `Cửa hàng ${label} ${counter}`, email: `${label}-${Date.now()}-${counter}@example.vn`, password: 'Mat-khau-rat-dai-2025!' },
      });
      if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
      return { token: res.body.access_token as string, tenantId: res.body.tenant.id as string };
    },
    async settled(token, id, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const res = await call('GET', `/v1/tenant/documents/${id}`, { token });
        if (res.body?.status === 'ready' || res.body?.status === 'failed') return res.body;
        if (Date.now() > until) throw new Error(`document ${id} did not settle: ${res.text}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeFeatures(features, () => undefined);
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

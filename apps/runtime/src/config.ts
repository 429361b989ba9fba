import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { resolveDataDir } from './data-dir';
import type { ChannelProviderSettings } from './channels/channel-settings';
import { otlpTracesUrl, parseOtlpHeaders } from './ops/otel-env';
import { readPlatformLlmConfig, type PlatformLlmConfig } from './llm/platform-llm';
import { readStorageSettings } from './storage/settings';
import type { StorageSettings } from './storage/types';
import { readKnowledgeSettings, type KnowledgeSettings } from './knowledge/settings';
import { readBillingSettings, type BillingSettings } from './billing/billing-settings';

/** One AES-256 key of the secrets keyring. */
export interface SecretKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The runtime's validated configuration (from the environment; see {@link loadConfig}). */
export interface RuntimeConfig {
  readonly nodeEnv: string;
  readonly production: boolean;
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data folder (`CHATBOT_DATA_DIR`, default `.chatbot` under cwd). */
  readonly dataDir: string;
  /** Postgres URL; absent → PGlite in `<dataDir>/pglite`. */
  readonly databaseUrl: string | undefined;
  /** PGlite's `shared_buffers` (`CHATBOT_PGLITE_SHARED_BUFFERS`, default `16MB`): its page cache, most of its memory. */
  readonly pgliteSharedBuffers: string;
  /** Redis URL; absent → in-memory cache, limiter and pub/sub. */
  readonly redisUrl: string | undefined;
  readonly publicUrl: string;
  readonly jwtSecret: string;
  /** The keyring; the first key is the current one (new ciphertexts use it). */
  readonly secretKeys: readonly SecretKey[];
  /** Where the JWT secret and keyring came from; `generated` means written just now. */
  readonly secretsSource: 'env' | 'file' | 'generated';
  readonly secretsFile: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Express `trust proxy` (`TRUST_PROXY`): `false` (default), `true`, a hop count, or addresses/
   * subnets. Behind Traefik or an ingress, set it so `req.ip` (login rate limits) is the client's.
   */
  readonly trustProxy: boolean | number | string;
  /**
   * Release the V8 heap's slack when the process turns quiet after work (`CHATBOT_IDLE_GC`, `on` by
   * default, `off` to leave it to V8's own memory reducer): see ops/idle-memory.ts and ADR 0014.
   */
  readonly idleGc: boolean;
  /** Bearer token `/metrics` requires (`CHATBOT_METRICS_TOKEN`); undefined = open (keep it off the ingress). */
  readonly metricsToken: string | undefined;
  /** OTLP/HTTP traces URL from `OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT`; undefined = tracing off. */
  readonly otlpTracesUrl: string | undefined;
  /** `OTEL_EXPORTER_OTLP_HEADERS` parsed (`k=v,k2=v2`). */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  /** Passphrase for `backup --encrypt` and encrypted `restore` (`CHATBOT_BACKUP_PASSPHRASE`). */
  readonly backupPassphrase: string | undefined;
  /**
   * The platform's LLM account (`CHATBOT_PLATFORM_LLM_PROVIDER`, `CHATBOT_PLATFORM_LLM_API_KEY`,
   * `CHATBOT_PLATFORM_LLM_BASE_URL`, `CHATBOT_PLATFORM_CHEAP_MODEL`, `CHATBOT_PLATFORM_PREMIUM_MODEL`);
   * undefined when no platform key is set.
   */
  readonly platformLlm?: PlatformLlmConfig;
  /**
   * Channel provider API bases and HTTP proxies (`CHATBOT_ZALO_API_BASE`, `CHATBOT_ZALO_OAUTH_BASE`,
   * `CHATBOT_GRAPH_API_BASE`, `CHATBOT_TELEGRAM_API_BASE`, `CHATBOT_LINE_API_BASE`,
   * `CHATBOT_LINE_DATA_API_BASE`, `CHATBOT_ZALO_PROXY`, `CHATBOT_MESSENGER_PROXY`,
   * `CHATBOT_TELEGRAM_PROXY`, `CHATBOT_LINE_PROXY`); unset entries use the providers' own hosts.
   */
  readonly channelProviders?: ChannelProviderSettings;
  /** Tenant file storage: S3-compatible when `CHATBOT_S3_*` is set, else `<dataDir>/files`. */
  readonly storage?: StorageSettings;
  /** Knowledge: LanceDB location (`CHATBOT_LANCEDB_URI`) and upload limit (`CHATBOT_UPLOAD_MAX_BYTES`). */
  readonly knowledge?: KnowledgeSettings;
  /** Billing: VietQR account, payment gateways, plans file, default cap (see `src/billing/billing-settings.ts`). */
  readonly billing?: BillingSettings;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses a keyring `keyid:base64key,keyid2:base64key2` (each key 32 bytes). Throws a bilingual
 * {@link ValidationError} naming the bad entry.
 */
export function parseKeyring(value: string): SecretKey[] {
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw configError('CHATBOT_SECRET_KEYS', 'is empty', 'đang để trống');
  const seen = new Set<string>();
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const key = Buffer.from(colon > 0 ? entry.slice(colon + 1) : '', 'base64');
    if (!KEY_ID.test(id)) {
      throw configError('CHATBOT_SECRET_KEYS', `entry "${id || entry.slice(0, 8)}…" needs a key id ([A-Za-z0-9_-], ≤ 32 chars) before ":"`,
        `mục "${id || entry.slice(0, 8)}…" cần mã khoá ([A-Za-z0-9_-], ≤ 32 ký tự) trước dấu ":"`);
    }
    if (key.length !== 32) {
      throw configError('CHATBOT_SECRET_KEYS', `key "${id}" must be 32 bytes in base64 (got ${key.length})`,
        `khoá "${id}" phải dài 32 byte dạng base64 (đang là ${key.length})`);
    }
    if (seen.has(id)) throw configError('CHATBOT_SECRET_KEYS', `key id "${id}" is repeated`, `mã khoá "${id}" bị lặp`);
    seen.add(id);
    return { id, key };
  });
}

/** Formats a keyring back to its environment form. */
export function formatKeyring(keys: readonly SecretKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

/** Generates a fresh keyring entry (`k<date>` id, random 32-byte key). */
export function generateSecretKey(): SecretKey {
  const id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}${randomBytes(2).toString('hex')}`;
  return { id, key: randomBytes(32) };
}

function configError(variable: string, en: string, vi: string): ValidationError {
  return new ValidationError(`Invalid configuration ${variable}: ${en}`, `Cấu hình ${variable} không hợp lệ: ${vi}`, {
    details: { variable },
  });
}

const optionalUrl = (protocols: readonly string[]) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .optional()
    .refine((v) => v === undefined || (URL.canParse(v) && protocols.includes(new URL(v).protocol)), {
      message: `must be a URL starting with ${protocols.join(' or ')}`,
    });

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  CHATBOT_DATA_DIR: z.string().trim().min(1).optional(),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  CHATBOT_PUBLIC_URL: optionalUrl(['http:', 'https:']),
  CHATBOT_JWT_SECRET: z.string().trim().min(32, 'must be at least 32 characters').optional(),
  CHATBOT_SECRET_KEYS: z.string().trim().min(1).optional(),
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  CHATBOT_MAIL_FROM: z.string().trim().min(3).default('agent-chatbot <no-reply@localhost>'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .trim()
    .optional()
    .transform((value): boolean | number | string => {
      if (value === undefined || value === '' || value === 'false') return false;
      if (value === 'true') return true;
      return /^\d+$/.test(value) ? Number(value) : value;
    }),
  CHATBOT_PGLITE_SHARED_BUFFERS: z
    .string()
    .trim()
    .regex(/^\d+(kB|MB|GB)$/, 'must be a size such as 16MB')
    .default('16MB'),
  CHATBOT_METRICS_TOKEN: z.string().trim().min(16, 'must be at least 16 characters').optional(),
  CHATBOT_IDLE_GC: z.enum(['on', 'off']).default('on'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(['http:', 'https:']),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl(['http:', 'https:']),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().trim().optional(),
  CHATBOT_BACKUP_PASSPHRASE: z.string().min(12, 'must be at least 12 characters').optional(),
  CHATBOT_ZALO_API_BASE: optionalUrl(['http:', 'https:']),
  CHATBOT_ZALO_OAUTH_BASE: optionalUrl(['http:', 'https:']),
  CHATBOT_GRAPH_API_BASE: optionalUrl(['http:', 'https:']),
  CHATBOT_TELEGRAM_API_BASE: optionalUrl(['http:', 'https:']),
  CHATBOT_LINE_API_BASE: optionalUrl(['http:', 'https:']),
  CHATBOT_LINE_DATA_API_BASE: optionalUrl(['http:', 'https:']),
  CHATBOT_ZALO_PROXY: optionalUrl(['http:', 'https:']),
  CHATBOT_MESSENGER_PROXY: optionalUrl(['http:', 'https:']),
  CHATBOT_TELEGRAM_PROXY: optionalUrl(['http:', 'https:']),
  CHATBOT_LINE_PROXY: optionalUrl(['http:', 'https:']),
});

const secretsFileSchema = z.object({ jwtSecret: z.string().min(32), secretKeys: z.string().min(1) });

/**
 * Reads and validates the configuration. Invalid values throw a {@link ValidationError} whose
 * Vietnamese and English messages name every bad variable. When the JWT secret or keyring is
 * absent outside production, they are generated once and kept in `<dataDir>/secrets.json`
 * (mode 0600); in production (`NODE_ENV=production` with `DATABASE_URL`) they are required.
 *
 * @example const config = loadConfig(); // process.env
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): RuntimeConfig {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`);
    throw new ValidationError(
      `Invalid configuration — ${lines.join('; ')}`,
      `Cấu hình không hợp lệ — ${lines.join('; ')}`,
      { details: { issues: lines } },
    );
  }
  const e = parsed.data;
  const dataDir = resolveDataDir(e.CHATBOT_DATA_DIR, cwd);
  const production = e.NODE_ENV === 'production' && e.DATABASE_URL !== undefined;
  const secretsFile = join(dataDir, 'secrets.json');

  let jwtSecret = e.CHATBOT_JWT_SECRET;
  let keyring = e.CHATBOT_SECRET_KEYS;
  let secretsSource: RuntimeConfig['secretsSource'] = 'env';
  if (jwtSecret === undefined || keyring === undefined) {
    if (production) {
      const missing = [jwtSecret === undefined ? 'CHATBOT_JWT_SECRET' : '', keyring === undefined ? 'CHATBOT_SECRET_KEYS' : '']
        .filter(Boolean)
        .join(', ');
      throw new ValidationError(
        `Invalid configuration: ${missing} required in production (NODE_ENV=production with DATABASE_URL)`,
        `Cấu hình không hợp lệ: cần đặt ${missing} khi chạy production (NODE_ENV=production và có DATABASE_URL)`,
        { details: { missing } },
      );
    }
    const stored = readOrCreateSecretsFile(secretsFile);
    secretsSource = stored.created ? 'generated' : 'file';
    jwtSecret ??= stored.jwtSecret;
    keyring ??= stored.secretKeys;
  }

  return {
    nodeEnv: e.NODE_ENV,
    production,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    pgliteSharedBuffers: e.CHATBOT_PGLITE_SHARED_BUFFERS,
    redisUrl: e.REDIS_URL,
    publicUrl: (e.CHATBOT_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`).replace(/\/+$/, ''),
    jwtSecret,
    secretKeys: parseKeyring(keyring),
    secretsSource,
    secretsFile,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.CHATBOT_MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.CHATBOT_METRICS_TOKEN,
    idleGc: e.CHATBOT_IDLE_GC === 'on',
    otlpTracesUrl: otlpTracesUrl({
      OTEL_EXPORTER_OTLP_ENDPOINT: e.OTEL_EXPORTER_OTLP_ENDPOINT,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    }),
    otlpHeaders: parseOtlpHeaders(e.OTEL_EXPORTER_OTLP_HEADERS),
    backupPassphrase: e.CHATBOT_BACKUP_PASSPHRASE,
    platformLlm: readPlatformLlmConfig(env),
    storage: readStorageSettings(env),
    knowledge: readKnowledgeSettings(env),
    billing: readBillingSettings(env),
    channelProviders: Object.fromEntries(
      Object.entries({
        zaloApiBase: e.CHATBOT_ZALO_API_BASE,
        zaloOauthBase: e.CHATBOT_ZALO_OAUTH_BASE,
        graphApiBase: e.CHATBOT_GRAPH_API_BASE,
        telegramApiBase: e.CHATBOT_TELEGRAM_API_BASE,
        lineApiBase: e.CHATBOT_LINE_API_BASE,
        lineDataApiBase: e.CHATBOT_LINE_DATA_API_BASE,
        zaloProxy: e.CHATBOT_ZALO_PROXY,
        messengerProxy: e.CHATBOT_MESSENGER_PROXY,
        telegramProxy: e.CHATBOT_TELEGRAM_PROXY,
        lineProxy: e.CHATBOT_LINE_PROXY,
      }).filter(([, v]) => v !== undefined),
    ),
  };
}

function readOrCreateSecretsFile(file: string): { jwtSecret: string; secretKeys: string; created: boolean } {
  if (existsSync(file)) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      raw = undefined;
    }
    const stored = secretsFileSchema.safeParse(raw);
    if (!stored.success) {
      throw new ValidationError(
        `Invalid configuration: ${file} is not a valid secrets file (delete it only if nothing was encrypted with it)`,
        `Cấu hình không hợp lệ: ${file} không phải tệp bí mật hợp lệ (chỉ xoá nếu chưa có gì được mã hoá bằng nó)`,
      );
    }
    return { ...stored.data, created: false };
  }
  mkdirSync(resolve(file, '..'), { recursive: true });
  const value = { jwtSecret: randomBytes(48).toString('base64url'), secretKeys: formatKeyring([generateSecretKey()]) };
  // Written once, readable by this user only: it protects every tenant secret at rest.
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { ...value, created: true };
}

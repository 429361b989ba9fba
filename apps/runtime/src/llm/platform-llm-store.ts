/**
 * The platform LLM account as a runtime setting: a platform admin saves provider, base URL, key,
 * models and an optional failover account (`PUT /v1/admin/platform-llm`); they live in
 * `platform_settings` (name `llm`, the keys AES-256-GCM encrypted with the keyring) and win over
 * `CHATBOT_PLATFORM_LLM_*`; deleting them reverts to the environment.
 *
 * Every process picks a change up without a restart: {@link platformLlmSource} caches the setting
 * and re-reads its `version` at most every {@link PLATFORM_LLM_RELOAD_MS} (10 s), and at once when
 * the change is announced on `runtime.pubsub` (Redis in production reaches every process). The
 * tenant bots key their cached engines on that version, so their model chains are rebuilt.
 */
import type { PubSubV1 } from '@agent-chatbot/core';
import { UnprocessableError } from '@agent-chatbot/core';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { RuntimeConfig } from '../config';
import type { Db, Tx } from '../db/types';
import { maskSecret, platformSettingAad, type SecretBox } from '../secrets/secret-box';
import { llmBaseUrlSchema } from './llm-service';
import { defaultModels, llmProviders, type PlatformLlmAccount, type PlatformLlmConfig } from './platform-llm';
import { validateProviderKey } from './providers';

/** The `platform_settings` row of the platform LLM account. */
export const PLATFORM_LLM_SETTING = 'llm';
/** Pub/sub channel announcing a change of the platform LLM settings. */
export const PLATFORM_LLM_CHANNEL = 'platform:llm:changed';
/** How long a process trusts its cached copy before re-reading the version (ms). */
export const PLATFORM_LLM_RELOAD_MS = 10_000;
const AAD = platformSettingAad(PLATFORM_LLM_SETTING);

const modelId = z.string().trim().min(1).max(200);
const apiKey = z.string().trim().min(1).max(8192);

/** One account of a PUT body; omitted `api_key` keeps the stored key of the same provider. */
export const platformLlmAccountInputSchema = z
  .object({
    provider: z.enum(llmProviders),
    base_url: llmBaseUrlSchema.nullable().optional(),
    /** Write-only; never returned (only its mask). */
    api_key: apiKey.optional(),
    cheap_model: modelId.nullable().optional(),
    premium_model: modelId.nullable().optional(),
  })
  .strict();

/** Body of `PUT /v1/admin/platform-llm`. `failover: null` removes the failover account. */
export const platformLlmInputSchema = platformLlmAccountInputSchema
  .extend({ failover: platformLlmAccountInputSchema.nullable().optional() })
  .strict();

/** Input of {@link savePlatformLlm}. */
export type PlatformLlmInput = z.output<typeof platformLlmInputSchema>;

/** Where the platform LLM account in effect comes from. */
export type PlatformLlmSourceKind = 'database' | 'environment' | 'none';

/** The account in effect, as a process sees it. */
export interface PlatformLlmSnapshot {
  /** Changes whenever the setting changes (`db:<version>`, `env`). Keys the tenant bots' engines. */
  readonly version: string;
  readonly source: PlatformLlmSourceKind;
  readonly config: PlatformLlmConfig | undefined;
  readonly updatedAt?: Date;
}

/** What {@link platformLlmSource} needs from the runtime. */
export interface PlatformLlmRuntime {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly logger: Pick<Logger, 'warn' | 'error'>;
  readonly config: Partial<Pick<RuntimeConfig, 'platformLlm'>>;
  readonly pubsub?: PubSubV1;
}

/** The per-process cached platform LLM setting. */
export interface PlatformLlmSource {
  /** The account in effect (cached; re-read after the reload interval or an announced change). */
  current(): Promise<PlatformLlmSnapshot>;
  /** Forgets the cached copy (the next `current()` reads the database). */
  invalidate(): void;
  /** Stops listening for change announcements. */
  close(): Promise<void>;
}

interface StoredAccount {
  provider: (typeof llmProviders)[number];
  base_url?: string;
  cheap_model?: string;
  premium_model?: string;
  hint?: string;
}
interface StoredValue extends StoredAccount {
  failover?: StoredAccount | null;
}
interface StoredSecrets {
  api_key?: string;
  failover_api_key?: string;
}
interface Row {
  value: StoredValue;
  ciphertext: string | null;
  version: string | number;
  updated_at: Date;
}

async function readRow(tx: Tx): Promise<Row | undefined> {
  const { rows } = await tx.query<Row>('SELECT value, ciphertext, version, updated_at FROM platform_settings WHERE name = $1', [PLATFORM_LLM_SETTING]);
  return rows[0];
}

function openSecrets(box: SecretBox, row: Row): StoredSecrets {
  return row.ciphertext ? (JSON.parse(box.decrypt(row.ciphertext, AAD)) as StoredSecrets) : {};
}

function account(stored: StoredAccount, key: string | undefined): PlatformLlmAccount | undefined {
  const resolved = key ?? (stored.provider === 'ollama' && stored.base_url ? 'ollama' : undefined);
  if (!resolved) return undefined;
  const defaults = defaultModels[stored.provider];
  return {
    provider: stored.provider,
    apiKey: resolved,
    ...(stored.base_url ? { baseUrl: stored.base_url } : {}),
    cheapModel: stored.cheap_model ?? defaults.cheap,
    premiumModel: stored.premium_model ?? stored.cheap_model ?? defaults.premium,
  };
}

function configOf(box: SecretBox, row: Row): PlatformLlmConfig | undefined {
  const secrets = openSecrets(box, row);
  const primary = account(row.value, secrets.api_key);
  if (!primary) return undefined;
  const failover = row.value.failover ? account(row.value.failover, secrets.failover_api_key) : undefined;
  return { ...primary, ...(failover ? { failover } : {}) };
}

function envSnapshot(runtime: PlatformLlmRuntime): PlatformLlmSnapshot {
  const config = runtime.config.platformLlm;
  return { version: 'env', source: config ? 'environment' : 'none', config };
}

const sources = new WeakMap<object, PlatformLlmSource>();

/**
 * The runtime's platform LLM source (one per runtime; `options` apply when it is first created —
 * tests shorten the reload interval).
 *
 * @example const { config } = await platformLlmSource(runtime).current();
 */
export function platformLlmSource(runtime: PlatformLlmRuntime, options: { reloadMs?: number } = {}): PlatformLlmSource {
  const existing = sources.get(runtime);
  if (existing) return existing;
  const reloadMs = options.reloadMs ?? PLATFORM_LLM_RELOAD_MS;
  let cached: { snapshot: PlatformLlmSnapshot; dbVersion: string | undefined; checkedAt: number } | undefined;
  let loading: Promise<PlatformLlmSnapshot> | undefined;
  let unsubscribe: Promise<(() => Promise<void>) | undefined> | undefined;
  let closed = false;

  const load = async (): Promise<PlatformLlmSnapshot> => {
    try {
      const row = await runtime.db.platform(readRow);
      const dbVersion = row ? String(row.version) : undefined;
      if (cached && cached.dbVersion === dbVersion) {
        cached = { ...cached, checkedAt: Date.now() };
        return cached.snapshot;
      }
      const snapshot: PlatformLlmSnapshot = row
        ? { version: `db:${dbVersion}`, source: 'database', config: configOf(runtime.secretBox, row), updatedAt: new Date(row.updated_at) }
        : envSnapshot(runtime);
      cached = { snapshot, dbVersion, checkedAt: Date.now() };
      return snapshot;
    } catch (error) {
      // A database hiccup or an unreadable row (e.g. a keyring without its key): keep what we had
      // (or the environment) and try again after the reload interval, not on every message.
      runtime.logger.error({ err: error }, 'Không đọc được cấu hình khoá AI nền tảng / platform LLM settings unreadable');
      const snapshot = cached?.snapshot ?? envSnapshot(runtime);
      cached = { snapshot, dbVersion: cached?.dbVersion ?? 'unreadable', checkedAt: Date.now() };
      return snapshot;
    }
  };

  const source: PlatformLlmSource = {
    async current() {
      if (!unsubscribe && runtime.pubsub && !closed) {
        unsubscribe = runtime.pubsub.subscribe(PLATFORM_LLM_CHANNEL, () => source.invalidate()).catch((error: unknown) => {
          runtime.logger.warn({ err: error }, 'platform LLM change subscription failed; relying on the reload interval');
          return undefined;
        });
        await unsubscribe;
      }
      if (cached && Date.now() - cached.checkedAt < reloadMs) return cached.snapshot;
      loading ??= load().finally(() => {
        loading = undefined;
      });
      return loading;
    },
    invalidate() {
      if (cached) cached = { ...cached, checkedAt: 0 };
    },
    async close() {
      closed = true;
      const off = await unsubscribe;
      unsubscribe = undefined;
      await off?.();
    },
  };
  sources.set(runtime, source);
  return source;
}

/** What the API shows of one account (the key only masked). */
export interface PlatformLlmAccountView {
  readonly provider: (typeof llmProviders)[number];
  readonly base_url: string | null;
  readonly cheap_model: string;
  readonly premium_model: string;
  readonly api_key_hint: string | null;
}

/** What `GET /v1/admin/platform-llm` shows. */
export interface PlatformLlmView {
  readonly configured: boolean;
  readonly source: PlatformLlmSourceKind;
  readonly provider: (typeof llmProviders)[number] | null;
  readonly base_url: string | null;
  readonly cheap_model: string | null;
  readonly premium_model: string | null;
  readonly api_key_hint: string | null;
  readonly failover: PlatformLlmAccountView | null;
  readonly updated_at: string | null;
}

function accountView(a: PlatformLlmAccount): PlatformLlmAccountView {
  return {
    provider: a.provider,
    base_url: a.baseUrl ?? null,
    cheap_model: a.cheapModel,
    premium_model: a.premiumModel,
    // A keyless Ollama account has no key to mask.
    api_key_hint: a.provider === 'ollama' && a.apiKey === 'ollama' ? null : maskSecret(a.apiKey),
  };
}

/** The view of a snapshot (never a key, only masks). */
export function platformLlmView(snapshot: PlatformLlmSnapshot): PlatformLlmView {
  const c = snapshot.config;
  const primary = c ? accountView(c) : undefined;
  return {
    configured: c !== undefined,
    source: snapshot.source,
    provider: primary?.provider ?? null,
    base_url: primary?.base_url ?? null,
    cheap_model: primary?.cheap_model ?? null,
    premium_model: primary?.premium_model ?? null,
    api_key_hint: primary?.api_key_hint ?? null,
    failover: c?.failover ? accountView(c.failover) : null,
    updated_at: snapshot.updatedAt?.toISOString() ?? null,
  };
}

/** Who changed the setting, for `audit_log` (a platform row: `tenant_id` NULL). */
export interface PlatformAuditActor {
  readonly userId: string;
  readonly ip?: string | undefined;
}

async function audit(tx: Tx, actor: PlatformAuditActor, action: string, details: Record<string, unknown>): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_kind, action, target_type, target_id, details, ip)
     VALUES (NULL, $1, 'user', $2, 'platform_setting', $3, $4::jsonb, $5)`,
    [actor.userId, action, PLATFORM_LLM_SETTING, JSON.stringify(details), actor.ip ?? null],
  );
}

/** Resolves one input account against the stored one: the key to use (new or kept). */
function keyFor(input: z.output<typeof platformLlmAccountInputSchema>, stored: StoredAccount | undefined | null, storedKey: string | undefined, field: string): string | undefined {
  if (input.api_key !== undefined) return input.api_key;
  if (stored && stored.provider === input.provider && storedKey) return storedKey;
  if (input.provider === 'ollama') return undefined;
  throw new UnprocessableError(
    `An API key is needed for this provider (${field})`,
    `Cần nhập khoá API cho nhà cung cấp này (${field})`,
    { code: 'llm_key_required', details: { field } },
  );
}

function storedAccount(input: z.output<typeof platformLlmAccountInputSchema>, key: string | undefined): StoredAccount {
  return {
    provider: input.provider,
    ...(input.base_url ? { base_url: input.base_url } : {}),
    ...(input.cheap_model ? { cheap_model: input.cheap_model } : {}),
    ...(input.premium_model ? { premium_model: input.premium_model } : {}),
    ...(key ? { hint: maskSecret(key) } : {}),
  };
}

/**
 * Validates and stores the platform LLM settings. Each account's key (new, or the stored one when
 * omitted for the same provider) is checked with the provider first — one cheap call, outside any
 * transaction; a refused key is a bilingual 422 and nothing is stored. Then one platform
 * transaction writes the row (new version), the audit entry, and the change is announced.
 */
export async function savePlatformLlm(runtime: PlatformLlmRuntime, input: PlatformLlmInput, actor: PlatformAuditActor): Promise<PlatformLlmView> {
  const row = await runtime.db.platform(readRow);
  let storedSecrets: StoredSecrets = {};
  try {
    storedSecrets = row ? openSecrets(runtime.secretBox, row) : {};
  } catch (error) {
    // A saved key this keyring cannot open cannot be kept: the admin must enter the key again.
    runtime.logger.warn({ err: error }, 'saved platform LLM key unreadable; a new key is required');
  }
  const key = keyFor(input, row?.value, storedSecrets.api_key, 'api_key');
  const failoverInput = input.failover === undefined ? undefined : input.failover;
  let failoverKey: string | undefined;
  let failover: StoredAccount | null | undefined;
  if (failoverInput) {
    failoverKey = keyFor(failoverInput, row?.value.failover, storedSecrets.failover_api_key, 'failover.api_key');
    failover = storedAccount(failoverInput, failoverKey);
  } else if (failoverInput === undefined && row?.value.failover) {
    // Omitted: keep the stored failover account and its key.
    failover = row.value.failover;
    failoverKey = storedSecrets.failover_api_key;
  } else {
    failover = null;
  }
  if (input.provider === 'ollama' && !input.base_url && !key) {
    throw new UnprocessableError('Ollama needs its base URL (base_url)', 'Ollama cần địa chỉ máy chủ (base_url)', { code: 'llm_base_url_required' });
  }
  await validateProviderKey({ provider: input.provider, ...(key ? { apiKey: key } : {}), ...(input.base_url ? { baseUrl: input.base_url } : {}) });
  if (failoverInput) {
    await validateProviderKey({
      provider: failoverInput.provider,
      ...(failoverKey ? { apiKey: failoverKey } : {}),
      ...(failoverInput.base_url ? { baseUrl: failoverInput.base_url } : {}),
    });
  }
  const value: StoredValue = { ...storedAccount(input, key), failover: failover ?? null };
  const secrets: StoredSecrets = { ...(key ? { api_key: key } : {}), ...(failover && failoverKey ? { failover_api_key: failoverKey } : {}) };
  const ciphertext = Object.keys(secrets).length ? runtime.secretBox.encrypt(JSON.stringify(secrets), AAD) : null;
  await runtime.db.platform(async (tx) => {
    await tx.query(
      `INSERT INTO platform_settings (name, value, ciphertext, key_id, hint, updated_by) VALUES ($1, $2::jsonb, $3, $4, $5, $6)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, ciphertext = EXCLUDED.ciphertext, key_id = EXCLUDED.key_id,
         hint = EXCLUDED.hint, updated_by = EXCLUDED.updated_by, updated_at = now(), version = nextval('platform_settings_version_seq')`,
      [PLATFORM_LLM_SETTING, JSON.stringify(value), ciphertext, ciphertext ? runtime.secretBox.currentKeyId : null, value.hint ?? null, actor.userId],
    );
    await audit(tx, actor, 'platform.llm.update', {
      provider: value.provider,
      key: input.api_key !== undefined ? 'set' : key ? 'kept' : 'none',
      ...(value.hint ? { mask: value.hint } : {}),
      failover: failover ? { provider: failover.provider, ...(failover.hint ? { mask: failover.hint } : {}) } : null,
    });
  });
  return platformLlmView(await announce(runtime));
}

/**
 * Deletes the saved settings: the environment's account (or none) applies again. Audit-logged and
 * announced; false when nothing was saved.
 */
export async function deletePlatformLlm(runtime: PlatformLlmRuntime, actor: PlatformAuditActor): Promise<{ deleted: boolean; view: PlatformLlmView }> {
  const deleted = await runtime.db.platform(async (tx) => {
    const { rowCount } = await tx.query('DELETE FROM platform_settings WHERE name = $1', [PLATFORM_LLM_SETTING]);
    if (rowCount > 0) await audit(tx, actor, 'platform.llm.delete', { reverted_to: runtime.config.platformLlm ? 'environment' : 'none' });
    return rowCount > 0;
  });
  return { deleted, view: platformLlmView(await announce(runtime)) };
}

/** Drops this process's copy, tells the others, and returns the fresh snapshot. */
async function announce(runtime: PlatformLlmRuntime): Promise<PlatformLlmSnapshot> {
  const source = platformLlmSource(runtime);
  source.invalidate();
  await runtime.pubsub?.publish(PLATFORM_LLM_CHANNEL, { at: Date.now() }).catch((error: unknown) => {
    runtime.logger.warn({ err: error }, 'platform LLM change announcement failed; other processes reload within the interval');
  });
  return source.current();
}

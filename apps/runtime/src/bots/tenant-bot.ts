/**
 * The tenant bot factory: builds the engine configuration of one tenant from its settings
 * (persona, limits, LLM settings and key mode) and keys, cached per tenant and `config_version`
 * (every settings change bumps it) and the platform LLM setting's version (a platform admin's
 * change rebuilds the model chains). Each turn gets the cached configuration with the turn's own
 * conversation store (bound to the channel connection), delivery mode and knowledge version.
 */
import { BotEventEmitter, NotFoundError, type EngineConfig, type MeterV1 } from '@agent-chatbot/core';
import { DEFAULT_BILLING_CONFIG, platformPriceTable } from '@agent-chatbot/billing';
import { createPgConversationStore } from '../conversations/pg-conversation-store';
import { createRowsCache, type RowsCache } from '../db/rows-cache';
import { LLM_KEY_SECRET, llmSettingsOf } from '../llm/llm-settings';
import type { PlatformLlmConfig } from '../llm/platform-llm';
import type { RuntimeConfig } from '../config';
import type { Db } from '../db/types';
import type { Runtime } from '../runtime';
import { attachAnswerCacheMetrics, instrumentModelChains } from '../ops/bot-metrics';
import { buildModelChains } from './model-chains';
import { limitsOf, personaOf } from './tenant-profile';
import { recordUsageEvent } from './usage-recorder';
import type { InboundTurn } from './answer-for-tenant';
import type { TenantBotHooks } from './hooks';

/** Channels whose replies a delivery job sends (the reply is stored `pending`). */
const DELIVERING_CHANNELS = new Set(['zalo', 'messenger', 'telegram', 'line', 'web']);
const MAX_CACHED_TENANTS = 2_000;

interface TenantRow {
  name: string;
  settings: Record<string, unknown>;
  config_version: number;
  knowledge_version: number;
}

interface CachedEngine {
  readonly configVersion: number;
  /** The platform LLM setting's version the engine was built with. */
  readonly platformVersion: string;
  readonly config: EngineConfig;
}

interface Registry {
  hooks: TenantBotHooks;
  readonly engines: Map<string, CachedEngine>;
  /** Each tenant's row (settings and versions), kept while it is unchanged (embedded database only, ADR 0017). */
  readonly tenantRows: RowsCache<TenantRow | undefined>;
  readonly pending: Set<Promise<unknown>>;
}

/** The parts of the runtime the bots use (the CLI builds one without jobs or pub/sub). */
export interface BotRuntime extends Pick<Runtime, 'secrets' | 'cache' | 'logger'> {
  readonly config: Pick<RuntimeConfig, 'platformLlm'>;
  readonly db: Db;
}

const registries = new WeakMap<object, Registry>();

function registryOf(runtime: BotRuntime): Registry {
  let registry = registries.get(runtime);
  if (!registry) {
    registry = { hooks: {}, engines: new Map(), tenantRows: createRowsCache(runtime.db, MAX_CACHED_TENANTS), pending: new Set() };
    registries.set(runtime, registry);
  }
  return registry;
}

/**
 * Plugs hooks into the runtime's tenant bots (merged with earlier calls): the knowledge feature
 * provides `retrieverForTenant`, billing `meterForTenant` and `prices`. Call it from a feature
 * factory, before the first message. Clears cached engines so the hooks apply at once.
 *
 * @example configureTenantBots(runtime, { retrieverForTenant: (tenantId) => knowledge.retriever(tenantId) });
 */
export function configureTenantBots(runtime: BotRuntime, hooks: TenantBotHooks): void {
  const registry = registryOf(runtime);
  // `onEmitter`, `onMessageStored` and `lockBeforeMessageStored` compose instead of replacing:
  // billing, the inbox and other features each add theirs.
  const earlier = registry.hooks;
  registry.hooks = { ...registry.hooks, ...hooks };
  if (earlier.onEmitter && hooks.onEmitter) {
    const [first, second] = [earlier.onEmitter, hooks.onEmitter];
    registry.hooks.onEmitter = (tenantId, emitter) => {
      first(tenantId, emitter);
      second(tenantId, emitter);
    };
  }
  if (earlier.onMessageStored && hooks.onMessageStored) {
    const [first, second] = [earlier.onMessageStored, hooks.onMessageStored];
    // Both run at once (their statements are independent): PGlite sends them in one round trip,
    // in this order; the Postgres driver queues them on the connection in the same order.
    registry.hooks.onMessageStored = async (tx, stored) => {
      const [afterFirst, afterSecond] = await Promise.all([first(tx, stored), second(tx, stored)]);
      if (!afterFirst || !afterSecond) return afterFirst ?? afterSecond;
      return async () => {
        await afterFirst();
        await afterSecond();
      };
    };
  }
  if (earlier.lockBeforeMessageStored && hooks.lockBeforeMessageStored) {
    const [first, second] = [earlier.lockBeforeMessageStored, hooks.lockBeforeMessageStored];
    registry.hooks.lockBeforeMessageStored = async (tx, tenantId) => {
      await first(tx, tenantId);
      await second(tx, tenantId);
    };
  }
  registry.engines.clear();
}

/** Drops a tenant's cached engine (the next message rebuilds it). */
export function forgetTenantBot(runtime: BotRuntime, tenantId: string): void {
  registryOf(runtime).engines.delete(tenantId);
}

/** Resolves when work started after answers (usage rows, summary refreshes) has finished. */
export async function tenantBotsIdle(runtime: BotRuntime): Promise<void> {
  const registry = registryOf(runtime);
  while (registry.pending.size > 0) await Promise.allSettled([...registry.pending]);
}

/**
 * The platform LLM account and its version: the override hook's (tests), the platform admin's
 * setting through `platformLlmSource` (cached per process, reloaded on change), or the configuration's.
 */
async function platformLlmOf(runtime: BotRuntime, hooks: TenantBotHooks): Promise<{ version: string; config: PlatformLlmConfig | undefined }> {
  if (hooks.platformLlm !== undefined) return { version: 'override', config: hooks.platformLlm ?? undefined };
  if (hooks.platformLlmSource) return hooks.platformLlmSource();
  return { version: 'env', config: runtime.config.platformLlm };
}

/**
 * The engine configuration for one inbound turn. One statement reads the tenant's settings and
 * versions (and, when the cached engine is stale, one more transaction its key); no transaction is
 * open when this returns.
 */
export async function engineForTurn(runtime: BotRuntime, turn: Pick<InboundTurn, 'tenantId' | 'channel' | 'connectionId'>): Promise<EngineConfig> {
  const registry = registryOf(runtime);
  const { tenantId } = turn;
  const cached = registry.engines.get(tenantId);
  // Outside the tenant transaction: usually a cache hit, at most one short platform read.
  const platform = await platformLlmOf(runtime, registry.hooks);
  const fresh = (configVersion: number) => cached?.configVersion === configVersion && cached.platformVersion === platform.version;
  // Usually the cached engine is current: one statement reads the versions (on the embedded
  // database a copy kept until the tenants table changes, ADR 0017). When it is stale, the key is
  // revealed in a second transaction (a key saved in between bumps config_version again, so the
  // next turn rebuilds).
  const row = await registry.tenantRows.read(tenantId, async () => {
    const { rows } = await runtime.db.statement<TenantRow>(
      { kind: 'tenant', tenantId },
      'SELECT name, settings, config_version, knowledge_version FROM tenants WHERE id = $1',
      [tenantId],
    );
    return rows[0];
  });
  if (!row) throw new NotFoundError('Tenant not found', 'Không tìm thấy cửa hàng');
  const ownKey =
    fresh(row.config_version) || llmSettingsOf(row.settings).key_mode === 'platform'
      ? undefined
      : await runtime.db.tenant(tenantId, (tx) => runtime.secrets.reveal(tx, tenantId, LLM_KEY_SECRET));
  let base = cached && fresh(row.config_version) ? cached.config : undefined;
  if (!base) {
    base = await buildEngine(runtime, registry, tenantId, row, ownKey, platform.config);
    if (registry.engines.size >= MAX_CACHED_TENANTS) registry.engines.delete(registry.engines.keys().next().value ?? '');
    registry.engines.set(tenantId, { configVersion: row.config_version, platformVersion: platform.version, config: base });
  }
  return {
    ...base,
    store: createPgConversationStore(runtime.db, {
      ...(turn.connectionId ? { connectionId: turn.connectionId } : {}),
      ...(registry.hooks.onMessageStored ? { onMessageStored: registry.hooks.onMessageStored } : {}),
      ...(registry.hooks.lockBeforeMessageStored ? { lockBeforeStore: registry.hooks.lockBeforeMessageStored } : {}),
    }),
    knowledgeVersion: row.knowledge_version,
    // Channels deliver through a queued job: the reply stays `pending` until that job reports.
    deliver: DELIVERING_CHANNELS.has(turn.channel) ? async () => undefined : undefined,
  } satisfies EngineConfig;
}

async function buildEngine(
  runtime: BotRuntime,
  registry: Registry,
  tenantId: string,
  row: TenantRow,
  ownKey: string | undefined,
  platform: PlatformLlmConfig | undefined,
): Promise<EngineConfig> {
  const { hooks } = registry;
  const llm = llmSettingsOf(row.settings);
  const { models, secrets } = await buildModelChains(llm, ownKey, platform);
  const meter: MeterV1 | undefined = hooks.meterForTenant?.(tenantId);
  const retriever = (await hooks.retrieverForTenant?.(tenantId)) ?? undefined;
  const emitter = new BotEventEmitter();
  const track = (task: Promise<unknown>) => {
    registry.pending.add(task);
    void task.finally(() => registry.pending.delete(task));
  };
  emitter.on('usage.recorded', (event) => {
    // A billing meter records usage_events itself (same ids); writing first would hide them from it.
    if (meter) return;
    track(recordUsageEvent(runtime.db, event.usage, event.costVnd).catch((error: unknown) => runtime.logger.error({ err: error, tenantId }, 'usage_events write failed')));
  });
  emitter.on('error', ({ stage, error }) => runtime.logger.warn({ err: error, tenantId, stage }, 'Lỗi khi trả lời / answering error'));
  // Metrics: answer-cache lookups from the engine's events, model calls through a middleware.
  attachAnswerCacheMetrics(emitter);
  if (hooks.onEmitter) hooks.onEmitter(tenantId, emitter);
  return {
    tenantId,
    models: instrumentModelChains(models),
    ...(retriever ? { retriever } : {}),
    store: createPgConversationStore(runtime.db),
    cache: runtime.cache,
    ...(meter ? { meter } : {}),
    prices: hooks.prices ?? defaultPrices,
    persona: personaOf(row.settings, row.name),
    limits: limitsOf(row.settings),
    emitter,
    secrets,
    waitUntil: track,
  };
}

const defaultPrices = platformPriceTable(DEFAULT_BILLING_CONFIG);

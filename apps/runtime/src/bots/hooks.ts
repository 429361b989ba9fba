/** Extension points other features plug into the tenant bots (see `configureTenantBots`). */
import type { BotEventEmitter, MeterV1, ModelPriceTableVnd, RetrieverV1 } from '@agent-chatbot/core';
import type { MessageStoredHook } from '../conversations/pg-conversation-store';
import type { Tx } from '../db/types';
import type { PlatformLlmConfig } from '../llm/platform-llm';

/**
 * The tenant's knowledge retriever (LanceDB + BM25, provided by src/knowledge/**), or undefined
 * when the tenant has no knowledge yet. Called when a tenant's engine is (re)built; the retriever
 * it returns must read the tenant's current knowledge on each call (knowledge changes bump
 * `tenants.knowledge_version`, which keys the answer cache, not the engine).
 */
export type RetrieverForTenant = (tenantId: string) => RetrieverV1 | undefined | Promise<RetrieverV1 | undefined>;

/** Hooks of the tenant bots. Every member is optional. */
export interface TenantBotHooks {
  retrieverForTenant?: RetrieverForTenant;
  /**
   * Budget reservation and metering (billing). With a meter, the meter records `usage_events`;
   * without one, the bots write them (own-key usage as non-billable).
   */
  meterForTenant?: (tenantId: string) => MeterV1 | undefined;
  /** Prices for the cost on each reply, keyed `'provider:modelId'` (default: the billing defaults). */
  prices?: ModelPriceTableVnd;
  /** Overrides the configured platform LLM (`null`: none). For tests and the CLI. */
  platformLlm?: PlatformLlmConfig | null;
  /**
   * The platform LLM account in effect and its version (the platform admin's saved setting, else
   * the environment's; see `llm/platform-llm-store.ts`). Engines are rebuilt when the version
   * changes. Without it the bots use `config.platformLlm`.
   */
  platformLlmSource?: () => Promise<{ readonly version: string; readonly config: PlatformLlmConfig | undefined }>;
  /** Sees each tenant engine's event emitter when it is built (analytics, notifications). */
  onEmitter?: (tenantId: string, emitter: BotEventEmitter) => void;
  /**
   * Runs in the transaction that stores each new customer message and bot reply (inbox events,
   * usage meters), so they commit together; may return work for after the commit.
   */
  onMessageStored?: MessageStoredHook;
  /** Runs first in that transaction (locks other writers take before row locks; see `lockBeforeStore`). */
  lockBeforeMessageStored?: (tx: Tx, tenantId: string) => Promise<void>;
}

/**
 * The runtime's knowledge service: one per process (per database), shared by the HTTP routes,
 * the jobs, the bots' retriever and the CLI. It owns the LanceDB knowledge base (one namespace —
 * one table pair — per tenant), the file storage and the progress channel on pub/sub.
 */
import { readdirSync } from 'node:fs';
import { createMemoryPubSub, type EmbeddingModelV1, type PubSubV1 } from '@agent-chatbot/core';
import { DEFAULT_BILLING_CONFIG, platformPriceTable } from '@agent-chatbot/billing';
import { createKnowledgeBase, isLocalUri, LEXICAL_SOURCE_SUFFIX, type KnowledgeBase } from '@agent-chatbot/rag';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config';
import type { Db } from '../db/types';
import { recordUsageEvent } from '../bots/usage-recorder';
import type { TenantSecretStore } from '../secrets/tenant-secret-store';
import { usageCostVnd } from '@agent-chatbot/core';
import { createStorage, type ObjectStorage } from '../storage/index';
import { bumpKnowledgeVersion } from './document-rows';
import { DEFAULT_MAX_UPLOAD_BYTES } from './settings';
import { lancedbDir, localChunkTables } from '../ops/data-layout';
import {
  effectiveIdentity,
  loadTenantEmbedding,
  meteredEmbeddingModel,
  resolveEmbedding,
  type EffectiveEmbedding,
  type EmbeddingUsageRecorder,
  type PlatformEmbeddingConfig,
} from './embedding-settings';

/** What the service is built from (a runtime, or what a CLI command opened). */
export interface KnowledgeServiceDeps {
  readonly config: Pick<RuntimeConfig, 'dataDir'> & Partial<Pick<RuntimeConfig, 'storage' | 'knowledge'>>;
  readonly db: Db;
  readonly pubsub?: PubSubV1;
  readonly logger?: Logger;
  readonly storage?: ObjectStorage;
  /**
   * One dense arm for every tenant (tests, embedding); overrides the per-tenant resolution from
   * `config.knowledge.embedding` and tenant settings.
   */
  readonly embeddingModel?: EmbeddingModelV1;
  /** Reads tenants' own embedding keys; without it only the platform model is used. */
  readonly secrets?: TenantSecretStore;
  /** Where embedding usage goes (the billing meter); default: `usage_events` rows directly. */
  readonly recordUsage?: EmbeddingUsageRecorder;
}

/** How long a tenant's resolved embedding model is reused before settings are read again. */
const EMBEDDING_CACHE_MS = 5_000;

/** A progress or change event on `knowledge:<tenantId>`. */
export type KnowledgeEvent =
  | {
      readonly type: 'document.progress';
      readonly documentId: string;
      readonly name: string;
      readonly status: 'pending' | 'processing' | 'ready' | 'failed';
      readonly stage: string;
      readonly percent: number;
      readonly chunkCount?: number;
      readonly error?: { code: string; message: string; message_vi: string };
    }
  | { readonly type: 'document.deleted'; readonly documentId: string }
  | { readonly type: 'knowledge.changed'; readonly knowledgeVersion: number };

/** The pub/sub channel of a tenant's knowledge events. */
export const knowledgeChannel = (tenantId: string): string => `knowledge:${tenantId}`;

/** The knowledge service (see the module comment). */
export class KnowledgeService {
  readonly kb: KnowledgeBase;
  readonly storage: ObjectStorage;
  readonly pubsub: PubSubV1;
  readonly db: Db;
  readonly maxUploadBytes: number;
  readonly logger: Logger | undefined;
  /** Tenants' own embedding keys (absent: platform model only). */
  readonly secrets: TenantSecretStore | undefined;
  /** The platform embedding model (`CHATBOT_EMBEDDING_*`), if configured. */
  readonly platformEmbedding: PlatformEmbeddingConfig | undefined;
  private closed = false;
  private readonly deps: KnowledgeServiceDeps;
  private readonly embeddings = new Map<string, { at: number; effective: EffectiveEmbedding | undefined; model: EmbeddingModelV1 | undefined }>();

  constructor(deps: KnowledgeServiceDeps) {
    this.db = deps.db;
    this.deps = deps;
    this.secrets = deps.secrets;
    this.platformEmbedding = deps.config.knowledge?.embedding;
    this.logger = deps.logger;
    this.pubsub = deps.pubsub ?? createMemoryPubSub();
    this.storage = deps.storage ?? createStorage(deps.config);
    this.maxUploadBytes = deps.config.knowledge?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    const lanceUri = lancedbDir(deps.config);
    // LanceDB's native library is imported on first use (~50-120 MiB of RSS). Keyword search
    // needs it only to build a tenant's index when no current lexical source file sits beside
    // its table; when the first questions after a restart will need it, load it now in the background.
    if (needsLanceDbSoon(lanceUri, this.platformEmbedding !== undefined)) void import('@lancedb/lancedb').catch(() => undefined);
    this.kb = createKnowledgeBase({
      storage: { uri: lanceUri },
      limits: { maxFileBytes: this.maxUploadBytes },
      ...(deps.embeddingModel ? { embeddingModel: deps.embeddingModel } : { embeddingModelFor: (tenantId: string) => this.embeddingModelFor(tenantId) }),
      ...(deps.config.knowledge?.vectorIndexMinRows ? { vectorIndexMinRows: deps.config.knowledge.vectorIndexMinRows } : {}),
    });
  }

  /**
   * The tenant's embedding model (metered), or undefined for keyword search only: its own
   * settings and key or the platform's (see `resolveEmbedding`). Cached a few seconds per tenant;
   * saving the settings in this process drops the cache at once.
   */
  async embeddingModelFor(tenantId: string): Promise<EmbeddingModelV1 | undefined> {
    return (await this.embeddingOf(tenantId)).model;
  }

  /** The tenant's effective embedding setting (no secret in it is ever returned by an API). */
  async effectiveEmbedding(tenantId: string): Promise<EffectiveEmbedding | undefined> {
    return (await this.embeddingOf(tenantId)).effective;
  }

  /** Forgets a tenant's cached embedding model (after its settings changed). */
  forgetEmbedding(tenantId: string): void {
    this.embeddings.delete(tenantId);
    this.kb.retriever.resumeDense(tenantId);
  }

  private async embeddingOf(tenantId: string): Promise<{ effective: EffectiveEmbedding | undefined; model: EmbeddingModelV1 | undefined }> {
    if (this.deps.embeddingModel) return { effective: undefined, model: this.deps.embeddingModel };
    const cached = this.embeddings.get(tenantId);
    if (cached && Date.now() - cached.at < EMBEDDING_CACHE_MS) return cached;
    const platform = this.deps.config.knowledge?.embedding;
    const loaded = await this.db.tenant(tenantId, (tx) => loadTenantEmbedding(tx, this.deps.secrets, tenantId));
    const effective = resolveEmbedding(loaded.settings, loaded.ownKey, platform, loaded.llmKey);
    const model = effective
      ? meteredEmbeddingModel(tenantId, effective, this.deps.recordUsage ?? this.defaultRecorder, {
          onRecordError: (error) => this.logger?.error({ err: error, tenantId }, 'embedding usage write failed'),
        })
      : undefined;
    const entry = { at: Date.now(), effective, model };
    if (this.embeddings.size >= 5_000) this.embeddings.delete(this.embeddings.keys().next().value ?? '');
    this.embeddings.set(tenantId, entry);
    return entry;
  }

  private readonly defaultRecorder: EmbeddingUsageRecorder = (event) =>
    recordUsageEvent(this.db, event, usageCostVnd(DEFAULT_PRICES, event));

  /** `provider:model:dimensions` the tenant's knowledge should be embedded with (null: none). */
  async embeddingIdentity(tenantId: string): Promise<string | null> {
    return effectiveIdentity(await this.effectiveEmbedding(tenantId));
  }

  /** Publishes an event to the tenant's subscribers (best effort: never fails the work). */
  async publish(tenantId: string, event: KnowledgeEvent): Promise<void> {
    await this.pubsub.publish(knowledgeChannel(tenantId), event).catch((error: unknown) =>
      this.logger?.warn({ err: error, tenantId }, 'knowledge event publish failed'),
    );
  }

  /** Bumps `tenants.knowledge_version` and tells subscribers. */
  async knowledgeChanged(tenantId: string): Promise<number> {
    const version = await this.db.tenant(tenantId, (tx) => bumpKnowledgeVersion(tx, tenantId));
    await this.publish(tenantId, { type: 'knowledge.changed', knowledgeVersion: version });
    return version;
  }

  /** Removes every chunk of these sources (documents `doc:<id>`, `faq:<id>`, `product:<id>`). */
  async removeSources(tenantId: string, sourceIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const sourceId of sourceIds) removed += await this.kb.store.deleteBySource({ namespace: tenantId, sourceId });
    if (sourceIds.length > 0) this.kb.retriever.lexical.invalidate(tenantId);
    return removed;
  }

  /** Chunks stored for a tenant (or one source): used by tests and `kb list` to prove no orphans. */
  countChunks(tenantId: string, sourceId?: string): Promise<number> {
    return this.kb.store.countChunks(tenantId, sourceId);
  }

  /** Releases LanceDB and storage clients. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    services.delete(this.db);
    await this.kb.close().catch(() => undefined);
    await this.storage.close().catch(() => undefined);
  }
}

/** Source id of an uploaded document's chunks. */
export const documentSource = (documentId: string): string => `doc:${documentId}`;
/** Source id of a FAQ entry's chunk. */
export const faqSource = (faqId: string): string => `faq:${faqId}`;
/** Source id of a product's card. */
export const productSource = (productId: string): string => `product:${productId}`;

const DEFAULT_PRICES = platformPriceTable(DEFAULT_BILLING_CONFIG);
const services = new Map<Db, KnowledgeService>();

/**
 * The process's knowledge service for this database: created on first use, then shared (the
 * feature, the bots and CLI commands run inside `serve` all get the same one).
 */
export function knowledgeServiceFor(deps: KnowledgeServiceDeps): KnowledgeService {
  let service = services.get(deps.db);
  if (!service) {
    service = new KnowledgeService(deps);
    services.set(deps.db, service);
  }
  return service;
}

/** The service already opened for this database, if any. */
export function existingKnowledgeService(db: Db): KnowledgeService | undefined {
  return services.get(db);
}

/**
 * Whether the first questions after a start will need LanceDB: a remote store (every read goes
 * through it), a platform embedding model (the dense arm searches the table), or a local chunk
 * table without its lexical source file (`<table>.lexical.json`, written by `@agent-chatbot/rag`
 * after each index build), whose first keyword search reads the table.
 */
export function needsLanceDbSoon(uri: string, platformEmbedding: boolean): boolean {
  if (!isLocalUri(uri)) return true;
  let names: string[];
  try {
    names = readdirSync(uri);
  } catch {
    return false;
  }
  const chunkTables = localChunkTables(names);
  if (chunkTables.length === 0) return false;
  return platformEmbedding || chunkTables.some((table) => !names.includes(`${table}${LEXICAL_SOURCE_SUFFIX}`));
}

/**
 * The runtime's knowledge service: one per process (per database), shared by the HTTP routes,
 * the jobs, the bots' retriever and the CLI. It owns the LanceDB knowledge base (one namespace —
 * one table pair — per tenant), the file storage and the progress channel on pub/sub.
 */
import { join } from 'node:path';
import { createMemoryPubSub, type EmbeddingModelV1, type PubSubV1 } from '@agent-chatbot/core';
import { createKnowledgeBase, type KnowledgeBase } from '@agent-chatbot/rag';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config';
import type { Db } from '../db/types';
import { createStorage, type ObjectStorage } from '../storage/index';
import { bumpKnowledgeVersion } from './document-rows';
import { DEFAULT_MAX_UPLOAD_BYTES } from './settings';

/** What the service is built from (a runtime, or what a CLI command opened). */
export interface KnowledgeServiceDeps {
  readonly config: Pick<RuntimeConfig, 'dataDir'> & Partial<Pick<RuntimeConfig, 'storage' | 'knowledge'>>;
  readonly db: Db;
  readonly pubsub?: PubSubV1;
  readonly logger?: Logger;
  readonly storage?: ObjectStorage;
  /** Dense arm for every tenant; without it retrieval is BM25 only. */
  readonly embeddingModel?: EmbeddingModelV1;
}

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
  private closed = false;

  constructor(deps: KnowledgeServiceDeps) {
    this.db = deps.db;
    this.logger = deps.logger;
    this.pubsub = deps.pubsub ?? createMemoryPubSub();
    this.storage = deps.storage ?? createStorage(deps.config);
    this.maxUploadBytes = deps.config.knowledge?.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
    this.kb = createKnowledgeBase({
      storage: { uri: deps.config.knowledge?.lancedbUri ?? join(deps.config.dataDir, 'lancedb') },
      limits: { maxFileBytes: this.maxUploadBytes },
      ...(deps.embeddingModel ? { embeddingModel: deps.embeddingModel } : {}),
    });
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

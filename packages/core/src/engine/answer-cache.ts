import type { CacheV1 } from '../cache/v1';
import type { EmbeddingModelV1 } from '../embedding-model/v1';
import type { AnswerRoute, AnswerSource } from './conversation-store';
import { canonicalText, cosine, differsInVariant, hashText, jaccard, topicTokens } from './text-similarity';

/** A cached answer. */
export interface CachedAnswer {
  /** The canonical question it answered (checked on exact hits against hash collisions). */
  readonly question: string;
  /** The cached answer text. */
  readonly text: string;
  /** The route that produced it originally. */
  readonly route: AnswerRoute;
  /** Model that produced the answer, if a model did. */
  readonly model?: string;
  /** Knowledge chunks the answer relied on. */
  readonly sources: ReadonlyArray<AnswerSource>;
}

interface IndexEntry {
  readonly key: string;
  readonly tokens: string[];
  readonly embedding?: number[];
}

/** Options of {@link createAnswerCache}. */
export interface AnswerCacheOptions {
  /** Where entries live (per-tenant key prefix). */
  readonly cache: CacheV1;
  /** How long an entry lives. */
  readonly ttlMs: number;
  /** Token-set (Jaccard) similarity for a semantic hit. */
  readonly threshold: number;
  /** With an embedding model, cosine similarity also gives semantic hits at this level. */
  readonly embeddingModel?: EmbeddingModelV1;
  /** Cosine similarity above which a differently worded question reuses an answer. */
  readonly embeddingThreshold?: number;
  /** Recent questions kept per tenant and knowledge version for semantic matching (200; 64 with embeddings). */
  readonly indexSize?: number;
}

/** Where a question's answer lives in the cache, computed once per lookup. */
export interface AnswerCacheKey {
  /** The tenant (entries are never shared across tenants). */
  readonly tenantId: string;
  /** Knowledge version the answer was cached under. */
  readonly knowledgeVersion: string;
  /** The question normalised (accents folded, abbreviations expanded): the exact-match key. */
  readonly canonical: string;
  /** Content tokens of the question, for the semantic match. */
  readonly tokens: ReadonlySet<string>;
  /** The question's embedding, computed at most once per lookup when a model is configured. */
  embedding?: number[];
}

/** The answer cache: exact and semantic, per tenant and knowledge version. */
export interface AnswerCache {
  /** The cache key of a question for a tenant and knowledge version. */
  key(tenantId: string, knowledgeVersion: string | number, question: string): AnswerCacheKey;
  /** Finds an exact or semantic hit for a key. */
  lookup(key: AnswerCacheKey): Promise<{ answer: CachedAnswer; kind: 'exact' | 'semantic' } | undefined>;
  /** Stores an answer under a key. */
  store(key: AnswerCacheKey, answer: Omit<CachedAnswer, 'question'>): Promise<void>;
  /** Drops every cached answer of a tenant (knowledge changed). Returns how many keys went. */
  invalidate(tenantId: string): Promise<number>;
}

/** Prefix of every answer-cache key of one tenant; tenant ids are encoded so no prefix spans two tenants. */
export function answerCachePrefix(tenantId: string): string {
  return `answer-cache:v1:${encodeURIComponent(tenantId)}:`;
}

/**
 * Creates the answer cache. Keys start with the tenant and the knowledge version, so tenants never
 * share answers and new knowledge never serves old ones. A lookup tries, in order: the exact
 * normalised question; the same topic-word set (accents, abbreviations, synonyms and fillers
 * ignored); then recent questions by token-set similarity (and embedding similarity when an
 * embedding model is given), never across a differing number or size.
 */
export function createAnswerCache(options: AnswerCacheOptions): AnswerCache {
  const { cache } = options;
  // Embeddings make index entries large: keep fewer of them, rounded, so one read stays small.
  const indexSize = options.indexSize ?? (options.embeddingModel ? 64 : 200);
  const base = (key: AnswerCacheKey) => `${answerCachePrefix(key.tenantId)}${encodeURIComponent(key.knowledgeVersion)}:`;
  const exactKey = (key: AnswerCacheKey) => `${base(key)}q:${hashText(key.canonical)}`;
  const tokenKey = (key: AnswerCacheKey) => `${base(key)}t:${hashText([...key.tokens].sort().join(' '))}`;
  const indexKey = (key: AnswerCacheKey) => `${base(key)}index`;

  async function embed(key: AnswerCacheKey): Promise<number[] | undefined> {
    if (!options.embeddingModel) return undefined;
    if (!key.embedding) {
      const vector = (await options.embeddingModel.doEmbed({ values: [key.canonical] })).embeddings[0];
      key.embedding = vector?.map((value) => Math.round(value * 10_000) / 10_000);
    }
    return key.embedding;
  }

  return {
    key(tenantId, knowledgeVersion, question) {
      return { tenantId, knowledgeVersion: String(knowledgeVersion), canonical: canonicalText(question), tokens: topicTokens(question) };
    },

    async lookup(key) {
      const exact = await cache.get<CachedAnswer>(exactKey(key));
      if (exact && exact.question === key.canonical) return { answer: exact, kind: 'exact' };
      if (key.tokens.size === 0) return undefined;
      const sameTopic = await cache.get<CachedAnswer>(tokenKey(key));
      if (sameTopic) return { answer: sameTopic, kind: 'semantic' };
      const index = (await cache.get<IndexEntry[]>(indexKey(key))) ?? [];
      let best: { entry: IndexEntry; score: number } | undefined;
      const embedding = index.some((entry) => entry.embedding) ? await embed(key) : undefined;
      for (const entry of index) {
        const tokens = new Set(entry.tokens);
        if (differsInVariant(key.tokens, tokens)) continue;
        const lexical = jaccard(key.tokens, tokens);
        const dense = embedding && entry.embedding ? cosine(embedding, entry.embedding) : 0;
        const hit = lexical >= options.threshold || dense >= (options.embeddingThreshold ?? 0.95);
        const score = Math.max(lexical, dense);
        if (hit && (!best || score > best.score)) best = { entry, score };
      }
      if (!best) return undefined;
      const answer = await cache.get<CachedAnswer>(best.entry.key);
      return answer ? { answer, kind: 'semantic' } : undefined;
    },

    async store(key, answer) {
      const value: CachedAnswer = { ...answer, question: key.canonical };
      const ttl = { ttlMs: options.ttlMs };
      await cache.set(exactKey(key), value, ttl);
      if (key.tokens.size === 0) return;
      await cache.set(tokenKey(key), value, ttl);
      // Read-modify-write: a lost update under concurrency only costs a cache miss later.
      const index = (await cache.get<IndexEntry[]>(indexKey(key))) ?? [];
      const entry: IndexEntry = { key: exactKey(key), tokens: [...key.tokens], embedding: await embed(key) };
      const next = [entry, ...index.filter((existing) => existing.key !== entry.key)].slice(0, indexSize);
      await cache.set(indexKey(key), next, ttl);
    },

    invalidate(tenantId) {
      return cache.deleteByPrefix(answerCachePrefix(tenantId));
    },
  };
}

import { analyzeDocumentTokens } from '../lexical/analyzer';
import { Bm25Index, type Bm25Params } from '../lexical/bm25-index';
import { isLive, type LanceKnowledgeStore, type StoredChunk } from '../store/knowledge-store';

/** A namespace's live chunks and their BM25 index. */
export interface LexicalSnapshot {
  readonly index: Bm25Index;
  /** Live chunks; position = BM25 document number. */
  readonly chunks: readonly StoredChunk[];
}

interface Entry {
  snapshot: Promise<LexicalSnapshot>;
  revision: number;
  tableVersion: number;
  checkedAt: number;
  size: number;
  usedAt: number;
}

/** Options for {@link LexicalCache}. */
export interface LexicalCacheOptions {
  readonly bm25?: Partial<Bm25Params>;
  /** How long a snapshot is trusted before checking for other processes' writes (default 1000 ms). */
  readonly refreshMs?: number;
  /** Evict least-recently-used namespaces beyond this many cached chunks (default 2,000,000). */
  readonly maxCachedChunks?: number;
}

/**
 * Keeps each namespace's BM25 index in memory, built from the chunk table's stored tokens. The
 * table is the source of truth: a write in this process invalidates at once, a write elsewhere
 * is noticed through LanceDB's table version within `refreshMs`.
 */
export class LexicalCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: LanceKnowledgeStore,
    private readonly options: LexicalCacheOptions = {},
  ) {}

  /** The current snapshot of a namespace, rebuilt when stale. */
  async get(namespace: string): Promise<LexicalSnapshot> {
    const now = Date.now();
    const revision = this.store.revision(namespace);
    let entry = this.entries.get(namespace);
    // A build in progress (tableVersion -1) is not checked: it already reads the latest data.
    if (entry && entry.tableVersion >= 0 && entry.revision === revision && now - entry.checkedAt > (this.options.refreshMs ?? 1000)) {
      const version = await this.store.tableVersion(namespace);
      entry.checkedAt = now;
      if (version !== entry.tableVersion) entry = undefined;
    }
    if (!entry || entry.revision !== revision) entry = this.rebuild(namespace, revision);
    entry.usedAt = now;
    return entry.snapshot;
  }

  /** Forgets a namespace (after dropping it, or to free memory). */
  invalidate(namespace: string): void {
    this.entries.delete(namespace);
  }

  /** Starts a rebuild and registers it at once, so concurrent callers share it. */
  private rebuild(namespace: string, revision: number): Entry {
    const now = Date.now();
    const entry: Entry = { snapshot: Promise.resolve({} as LexicalSnapshot), revision, tableVersion: -1, checkedAt: now, size: 0, usedAt: now };
    entry.snapshot = (async () => {
      entry.tableVersion = await this.store.tableVersion(namespace);
      const snapshot = await this.build(namespace);
      entry.size = snapshot.chunks.length;
      this.evict(namespace);
      return snapshot;
    })();
    entry.snapshot.catch(() => {
      if (this.entries.get(namespace) === entry) this.entries.delete(namespace);
    });
    this.entries.set(namespace, entry);
    return entry;
  }

  private async build(namespace: string): Promise<LexicalSnapshot> {
    const [rows, live] = await Promise.all([this.store.readChunks(namespace), this.store.liveVersions(namespace, { fresh: true })]);
    const chunks = rows.filter((row) => isLive(live, row.sourceId, row.version));
    // Stable order (by id) keeps tie-breaking deterministic across rebuilds.
    chunks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const docs = chunks.map((chunk) => analyzeDocumentTokens(chunk.tokens === '' ? [] : chunk.tokens.split(' ')));
    return { index: new Bm25Index(docs, this.options.bm25), chunks };
  }

  private evict(keep: string): void {
    const limit = this.options.maxCachedChunks ?? 2_000_000;
    let total = [...this.entries.values()].reduce((sum, entry) => sum + entry.size, 0);
    const byAge = [...this.entries].sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [namespace, entry] of byAge) {
      if (total <= limit) break;
      if (namespace === keep) continue;
      this.entries.delete(namespace);
      total -= entry.size;
    }
  }
}

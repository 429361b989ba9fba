import { decodeBm25IndexSteps, encodeBm25IndexSteps } from '../lexical/bm25-file';
import { buildIndexFromStoredTokens, type Bm25Index, type Bm25Params } from '../lexical/bm25-index';
import { runSliced } from '../sliced';
import type { LanceKnowledgeStore, LiveChunks, StoredChunk } from '../store/knowledge-store';

/** A namespace's live chunks and their BM25 index. */
export interface LexicalSnapshot {
  readonly index: Bm25Index;
  /** Chunks live when the snapshot was built; position = BM25 document number. */
  readonly chunks: readonly StoredChunk[];
  /** `file`: the index was loaded from the lexical source file; `built`: indexed from the chunks. */
  readonly origin: 'built' | 'file';
}

/** What {@link LexicalCache.get} returns. */
export interface LexicalView {
  readonly snapshot: LexicalSnapshot;
  /**
   * The knowledge changed since the snapshot was built and a rebuild is running: callers must
   * drop chunks that are no longer live (deleted or replaced documents). New documents appear
   * when the rebuild finishes.
   */
  readonly stale: boolean;
}

interface Entry {
  current: LexicalSnapshot | undefined;
  pending: Promise<LexicalSnapshot> | undefined;
  /** Local write counter and LanceDB table version `current` reflects. */
  revision: number;
  tableVersion: number;
  checkedAt: number;
  usedAt: number;
}

/** Options for {@link LexicalCache}. */
export interface LexicalCacheOptions {
  readonly bm25?: Partial<Bm25Params>;
  /** How long a snapshot is trusted before checking for other processes' writes (default 1000 ms). */
  readonly refreshMs?: number;
  /** Evict least-recently-used namespaces beyond this many cached chunks (default 2,000,000). */
  readonly maxCachedChunks?: number;
  /**
   * Keep each namespace's live chunks and its built index in a file beside a local store's tables
   * after a build (default `true`), so a restarted process loads its indexes without opening
   * LanceDB or indexing again while the tables have not changed. Ignored for object stores.
   */
  readonly persistSource?: boolean;
  /**
   * How long after a build the source file is written (default 10,000 ms); a newer build of the
   * same namespace within that time replaces the pending write, so a burst of uploads writes once
   * (a namespace that keeps changing is written at least every six delays). A process stopped
   * before the write leaves a stale file, which the next process ignores; `close()` writes at once.
   */
  readonly persistDelayMs?: number;
}

/**
 * Keeps each namespace's BM25 index in memory, built from the chunk table's stored tokens. The
 * table is the source of truth; on a local store the live chunks and the built index are also
 * kept in a file beside it, which a new process reads instead of the table while the table's
 * version is unchanged (LanceDB's native library is then not loaded for keyword search, and the
 * index is loaded rather than built: ADR 0023). After a change (a write in
 * this process at once, another process's write through the table's version within `refreshMs`)
 * the index is rebuilt in the background while queries keep using the previous one, filtered to
 * live chunks, so a large tenant never waits seconds for a rebuild (stale-while-revalidate).
 */
export class LexicalCache {
  private readonly entries = new Map<string, Entry>();
  /** Per namespace: the source and its index waiting to be written, its timer, and the write in progress. */
  private readonly persisting = new Map<string, { waiting?: { source: LiveChunks; index: Bm25Index }; timer?: NodeJS.Timeout; since?: number; writing: Promise<void> }>();

  constructor(
    private readonly store: LanceKnowledgeStore,
    private readonly options: LexicalCacheOptions = {},
  ) {}

  /** The namespace's snapshot; the first call for a namespace waits for the build. */
  async get(namespace: string): Promise<LexicalView> {
    const now = Date.now();
    let entry = this.entries.get(namespace);
    if (!entry) {
      entry = { current: undefined, pending: undefined, revision: -1, tableVersion: -1, checkedAt: now, usedAt: now };
      this.entries.set(namespace, entry);
    }
    entry.usedAt = now;
    let changed = entry.revision !== this.store.revision(namespace);
    if (!changed && !entry.pending && now - entry.checkedAt > (this.options.refreshMs ?? 1000)) {
      entry.checkedAt = now;
      changed = (await this.store.tableVersion(namespace)) !== entry.tableVersion;
    }
    if (changed && !entry.pending) this.rebuild(namespace, entry);
    if (entry.current) return { snapshot: entry.current, stale: entry.pending !== undefined };
    return { snapshot: await entry.pending!, stale: false };
  }

  /** Waits until the namespace's index reflects every write made so far in this process. */
  async refresh(namespace: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const entry = this.entries.get(namespace);
      if (entry?.pending) await entry.pending.catch(() => undefined);
      const view = await this.get(namespace);
      const settled = this.entries.get(namespace);
      if (!view.stale && settled?.revision === this.store.revision(namespace) && !settled.pending) return;
    }
  }

  /** Forgets a namespace (after dropping it, or to free memory). */
  invalidate(namespace: string): void {
    this.entries.delete(namespace);
    // A write already under way finds the tables gone and discards itself (writeLexicalSource).
    clearTimeout(this.persisting.get(namespace)?.timer);
    this.persisting.delete(namespace);
  }

  /** Starts one background rebuild for the entry; it replaces `current` when done. */
  private rebuild(namespace: string, entry: Entry): void {
    const revision = this.store.revision(namespace);
    const first = entry.tableVersion === -1;
    const persist = this.options.persistSource !== false;
    const pending = (async () => {
      // First build in this process: the persisted live chunks, when they match the tables, with
      // the index built from them, when this code would build the same one (ADR 0023).
      const persisted = first && persist ? await this.store.readLexicalSourceWithIndex(namespace) : undefined;
      const loaded = persisted?.lexicalIndex.length === 1
        ? await runSliced(decodeBm25IndexSteps(persisted.lexicalIndex[0]!, persisted.chunks.length, this.options.bm25))
        : undefined;
      let source: LiveChunks;
      let snapshot: LexicalSnapshot;
      if (persisted && loaded) {
        source = persisted;
        snapshot = { index: loaded, chunks: persisted.chunks, origin: 'file' };
      } else {
        // Built: from the file's chunks with their tokens (when it has no index, or none this
        // code can use), from the tables otherwise.
        source = (first && persist ? await this.store.readLexicalSource(namespace) : undefined) ?? (await this.store.readLiveChunks(namespace));
        snapshot = await this.build(source.chunks);
      }
      if (this.entries.get(namespace) === entry) {
        entry.current = snapshot;
        entry.revision = revision;
        entry.tableVersion = source.version;
        entry.checkedAt = Date.now();
        this.evict(namespace);
      }
      // Written (again) unless the file's index was loaded: a file of older code is replaced.
      if (!loaded && persist && this.entries.get(namespace) === entry) {
        this.schedulePersist(namespace, { version: source.version, lineage: source.lineage, chunks: source.chunks }, snapshot.index);
      }
      return snapshot;
    })();
    entry.pending = pending;
    pending.then(
      () => {
        if (entry.pending === pending) entry.pending = undefined;
      },
      () => {
        if (entry.pending === pending) entry.pending = undefined;
        if (!entry.current && this.entries.get(namespace) === entry) this.entries.delete(namespace);
      },
    );
  }

  /**
   * Writes every pending source file now and waits for the writes (before closing the store, so
   * the next process starts from current files).
   */
  async flush(): Promise<void> {
    for (const [namespace, state] of this.persisting) {
      if (state.timer) this.writePending(namespace);
    }
    await Promise.all([...this.persisting.values()].map((state) => state.writing));
  }

  /** Writes `source` and `index` after `persistDelayMs`, replacing a write of the namespace still waiting. */
  private schedulePersist(namespace: string, source: LiveChunks, index: Bm25Index): void {
    const state = this.persisting.get(namespace) ?? { writing: Promise.resolve() };
    this.persisting.set(namespace, state);
    state.waiting = { source, index };
    if (state.timer) clearTimeout(state.timer);
    const now = Date.now();
    state.since ??= now;
    const delay = this.options.persistDelayMs ?? 10_000;
    state.timer = setTimeout(() => this.writePending(namespace), Math.max(0, Math.min(delay, state.since + 6 * delay - now)));
    state.timer.unref();
  }

  /**
   * Starts the namespace's pending write after the previous one (so an older source never lands
   * last). A cache for the next process: a failed write costs that process one LanceDB read.
   */
  private writePending(namespace: string): void {
    const state = this.persisting.get(namespace);
    if (!state?.waiting) return;
    const { source, index } = state.waiting;
    if (state.timer) clearTimeout(state.timer);
    state.waiting = undefined;
    state.timer = undefined;
    state.since = undefined;
    const writing = state.writing
      .then(async () => this.store.writeLexicalSource(namespace, { ...source, lexicalIndex: await runSliced(encodeBm25IndexSteps(index)) }))
      .catch(() => undefined);
    state.writing = writing;
    void writing.then(() => {
      if (this.persisting.get(namespace) === state && state.writing === writing && !state.timer) this.persisting.delete(namespace);
    });
  }

  /** Analyses and indexes in slices: other requests are served meanwhile (see sliced.ts). */
  private async build(chunks: readonly StoredChunk[]): Promise<LexicalSnapshot> {
    return { index: await buildIndexFromStoredTokens(chunks.map((chunk) => chunk.tokens), this.options.bm25), chunks, origin: 'built' };
  }

  private evict(keep: string): void {
    const limit = this.options.maxCachedChunks ?? 2_000_000;
    const size = (entry: Entry): number => entry.current?.chunks.length ?? 0;
    let total = [...this.entries.values()].reduce((sum, entry) => sum + size(entry), 0);
    const byAge = [...this.entries].sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [namespace, entry] of byAge) {
      if (total <= limit) break;
      if (namespace === keep || entry.pending) continue;
      this.entries.delete(namespace);
      total -= size(entry);
    }
  }
}

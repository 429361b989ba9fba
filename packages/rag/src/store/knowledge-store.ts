import type { MetadataFilterV1, VectorRecordV1, VectorStoreV1, VectorStoreV1Hit } from '@agent-chatbot/core';
import type { Table } from '@lancedb/lancedb';
import { tokenizeSyllables } from '@agent-chatbot/core';
import { randomUUID } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { sliceTurns } from '../sliced';
import { chunkTableName, documentTableName, sourceKey, sqlHex } from './keys';
import { isLocalUri, LanceTables, lanceDb, localTableState, type LanceTablesOptions } from './lance-tables';
import { chunkSchema, documentSchema, type ChunkRow, type DocumentRow } from './schema';
import { matchesFilter } from './metadata-filter';

/** A stored chunk as read back (no vector). */
export type StoredChunk = Omit<ChunkRow, 'embedding'>;

/**
 * A namespace's live chunks (sorted by id) and the table versions they were read at: what the
 * BM25 index is built from, and what {@link LanceKnowledgeStore.writeLexicalSource} keeps on disk.
 */
export interface LiveChunks {
  /** {@link LanceKnowledgeStore.tableVersion} the chunks reflect. */
  readonly version: number;
  /** The local tables' identity (inode and birth time of each table folder); empty for a remote store. */
  readonly lineage: string;
  /** Live chunks only (the live version of each document, plus direct upserts), sorted by id. */
  readonly chunks: readonly StoredChunk[];
  /**
   * The BM25 index built over `chunks` in this order, as bytes the store does not read: written
   * after the chunks by {@link LanceKnowledgeStore.writeLexicalSource} and returned as one part by
   * {@link LanceKnowledgeStore.readLexicalSource}, so a restarted process loads it instead of
   * building it again (ADR 0023).
   */
  readonly lexicalIndex?: readonly Uint8Array[];
}

/**
 * Suffix of a namespace's lexical source file beside its chunk table (`kb_<hash>.lexical.json`):
 * whoever deletes a tenant's data or looks for the file outside this class uses it.
 */
export const LEXICAL_SOURCE_SUFFIX = '.lexical.json';

/**
 * Format tag of the lexical source file: JSON lines (this header, one chunk per line without its
 * tokens, then one line per chunk with its tokens as a JSON string), then the BM25 index's bytes
 * when the header counts some (`index`). The tokens only matter when the index is built again,
 * so a reader that loads the index skips them (half the bytes to read and parse).
 */
const LEXICAL_SOURCE_FORMAT = 'agent-chatbot.lexical-source/3';

/** The lexical source file's first line, checked when read: it is a file on disk. */
const lexicalSourceHeaderSchema = z.object({
  format: z.literal(LEXICAL_SOURCE_FORMAT),
  version: z.number(),
  lineage: z.string(),
  /** How many chunk lines follow (a file cut short is not used). */
  chunks: z.number().int().nonnegative(),
  /** Bytes of the token lines after the chunk lines (each chunk's `tokens`, as a JSON string). */
  tokens: z.number().int().nonnegative(),
  /** Bytes of the BM25 index after the token lines (none when absent). */
  index: z.number().int().nonnegative().optional(),
});

/** One chunk line of the lexical source file (its tokens are on a token line of their own). */
const lexicalSourceChunkSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  version: z.string(),
  text: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

/** Options for {@link LanceKnowledgeStore}. */
export interface LanceKnowledgeStoreOptions extends LanceTablesOptions {
  /**
   * Rows a namespace's chunk table needs before an approximate-nearest-neighbour vector index
   * (IVF_PQ, cosine) is built; below it the dense arm scans every vector (exact). Default 10,000.
   */
  readonly vectorIndexMinRows?: number;
  /**
   * When {@link LanceKnowledgeStore.maintain} compacts a table and deletes its old versions, or
   * `false` to never do it (then call LanceDB's `optimize` yourself). Default
   * {@link DEFAULT_TABLE_MAINTENANCE}.
   */
  readonly maintenance?: Partial<TableMaintenanceOptions> | false;
}

/**
 * Every LanceDB write (an upload, an FAQ entry, a deletion) commits a new table version and
 * leaves its own small data files; none is ever removed unless the table is optimized. These
 * settings bound that growth.
 */
export interface TableMaintenanceOptions {
  /**
   * Versions a table may keep beyond the grace period before it is compacted and they are
   * deleted (default 20).
   */
  readonly maxOldVersions: number;
  /**
   * How long a version stays readable after a newer one replaced it (ms, default 60,000): another
   * process still reading it (LanceDB re-checks for new versions every
   * `readConsistencyIntervalSeconds`) must not lose its files.
   */
  readonly graceMs: number;
}

/** Default {@link LanceKnowledgeStoreOptions.maintenance}. */
export const DEFAULT_TABLE_MAINTENANCE: TableMaintenanceOptions = { maxOldVersions: 20, graceMs: 60_000 };

/** What {@link LanceKnowledgeStore.maintain} did to one table (absent when it had nothing to do). */
export interface TableMaintenanceResult {
  /** LanceDB table name (`kb_<hash>` or `kb_<hash>_docs`). */
  readonly table: string;
  /** Versions the table had before. */
  readonly versionsBefore: number;
  /** Versions it has after (the latest, those within the grace period, the compaction's own). */
  readonly versionsAfter: number;
  /** Data fragments merged away by compaction. */
  readonly fragmentsRemoved: number;
  /** Bytes of old versions' files deleted. */
  readonly bytesRemoved: number;
}

/** Default {@link LanceKnowledgeStoreOptions.vectorIndexMinRows}. */
export const DEFAULT_VECTOR_INDEX_MIN_ROWS = 10_000;

/** What {@link LanceKnowledgeStore.ensureVectorIndex} did. */
export interface VectorIndexStatus {
  /** `created` now, `exists` already, or why not: too few rows, no vector column. */
  readonly state: 'created' | 'exists' | 'below_threshold' | 'no_vectors';
  /** Rows with vectors in the table. */
  readonly rows: number;
  /** Row count from which an ANN index is built. */
  readonly threshold: number;
}

function vectorDimensionsOf(fields: ReadonlyArray<{ name: string; type: unknown }>): number | undefined {
  const field = fields.find((candidate) => candidate.name === 'vector');
  return field ? (field.type as { listSize: number }).listSize : undefined;
}

/** The lock a namespace's lexical source file is written and removed under. */
const lexicalLockKey = (namespace: string) => `${chunkTableName(namespace)}${LEXICAL_SOURCE_SUFFIX}`;

/**
 * Per-tenant knowledge storage on LanceDB: one chunk table and one document-manifest table per
 * namespace. Implements {@link VectorStoreV1} and adds what ingestion and BM25 need. Upserts use
 * `mergeInsert` on `id`; filters only ever contain hashes this class computed.
 */
export class LanceKnowledgeStore implements VectorStoreV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 'lancedb';
  private readonly tables: LanceTables;
  /** Bumped on every write in this process, so caches (the BM25 index) know to reload. */
  private readonly revisions = new Map<string, number>();

  private readonly vectorIndexMinRows: number;
  private readonly maintenance: TableMaintenanceOptions | false;
  /** The folder of a local store; `undefined` for an object store. */
  private readonly localDir: string | undefined;

  constructor(options: LanceKnowledgeStoreOptions) {
    this.tables = new LanceTables(options);
    this.vectorIndexMinRows = options.vectorIndexMinRows ?? DEFAULT_VECTOR_INDEX_MIN_ROWS;
    this.maintenance = options.maintenance === false ? false : { ...DEFAULT_TABLE_MAINTENANCE, ...options.maintenance };
    this.localDir = isLocalUri(options.uri) ? options.uri : undefined;
  }

  /** In-process write counter of a namespace (see {@link LanceKnowledgeStore.tableVersion}). */
  revision(namespace: string): number {
    return this.revisions.get(namespace) ?? 0;
  }

  /**
   * LanceDB's version of the chunk and manifest tables, which also moves when another process
   * writes. A local store reads it from the tables' folders (no LanceDB call, so a process that
   * only answers from a persisted lexical source never loads the native library).
   */
  async tableVersion(namespace: string): Promise<number> {
    return (await this.localState(namespace))?.version ?? this.handleVersion(namespace);
  }

  /** Version and identity of a local namespace's tables from disk; `undefined` when remote or unreadable. */
  private async localState(namespace: string): Promise<{ version: number; lineage: string } | undefined> {
    if (this.localDir === undefined) return undefined;
    const [chunks, documents] = await Promise.all([
      localTableState(this.localDir, chunkTableName(namespace)),
      localTableState(this.localDir, documentTableName(namespace)),
    ]);
    if (!chunks || !documents) return undefined;
    if (chunks.version === 0) return { version: 0, lineage: '' };
    return { version: chunks.version * 1_000_000 + documents.version, lineage: `${chunks.lineage}.${documents.lineage}` };
  }

  /** {@link LanceKnowledgeStore.tableVersion} as LanceDB's open table handles see it. */
  private async handleVersion(namespace: string): Promise<number> {
    const table = await this.tables.open(chunkTableName(namespace));
    if (!table) return 0;
    const documents = await this.tables.open(documentTableName(namespace));
    return (await table.version()) * 1_000_000 + (documents ? await documents.version() : 0);
  }

  private bump(namespace: string): void {
    this.revisions.set(namespace, this.revision(namespace) + 1);
  }

  /** {@link VectorStoreV1.upsert}: records become always-live chunks (no document version). */
  async upsert(options: { namespace: string; records: VectorRecordV1[] }): Promise<void> {
    const rows: ChunkRow[] = options.records.map((record) => ({
      id: record.id,
      sourceId: record.sourceId,
      version: '',
      text: record.text,
      tokens: tokenizeSyllables(record.text).join(' '),
      metadata: record.metadata,
      embedding: record.embedding,
    }));
    await this.writeChunks(options.namespace, rows);
  }

  /** Inserts or replaces chunk rows by id. */
  async writeChunks(namespace: string, rows: readonly ChunkRow[]): Promise<void> {
    if (rows.length === 0) return;
    const unique = [...new Map(rows.map((row) => [row.id, row])).values()];
    const dimensions = unique.find((row) => row.embedding)?.embedding?.length;
    const name = chunkTableName(namespace);
    await this.tables.exclusive(name, async () => {
      const table = await this.tables.openOrCreate(name, await chunkSchema(dimensions));
      let tableDimensions = vectorDimensionsOf((await table.schema()).fields);
      if (dimensions !== undefined && dimensions !== tableDimensions) {
        // A new embedding model (or the first one): the vector column is replaced by an empty one
        // of the new size. Vectors of the old model cannot be compared with the new ones; the
        // dense arm finds only re-embedded chunks until the re-index finishes (BM25 is unaffected).
        if (tableDimensions !== undefined) {
          for (const index of await table.listIndices()) if (index.columns.includes('vector')) await table.dropIndex(index.name);
          await table.dropColumns(['vector']);
        }
        // A SQL cast, not an arrow Field: LanceDB checks Fields with instanceof against its own
        // (CommonJS) copy of apache-arrow, which our ESM Field is not.
        await table.addColumns([{ name: 'vector', valueSql: `arrow_cast(NULL, 'FixedSizeList(${Math.trunc(dimensions)}, Float32)')` }]);
        tableDimensions = dimensions;
      }
      const schema = await table.schema();
      const data = unique.map((row) => ({
        id: row.id,
        source_id: row.sourceId,
        source_key: sourceKey(row.sourceId),
        version: row.version,
        text: row.text,
        tokens: row.tokens,
        metadata: JSON.stringify(row.metadata ?? {}),
        ...(tableDimensions !== undefined ? { vector: row.embedding ?? null } : {}),
      }));
      await table
        .mergeInsert('id')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute((await lanceDb()).makeArrowTable(data, { schema }));
    });
    this.bump(namespace);
  }

  /** {@link VectorStoreV1.deleteBySource}: removes every chunk and the manifest row of a source. */
  async deleteBySource(options: { namespace: string; sourceId: string }): Promise<number> {
    const removed = await this.deleteChunks(options.namespace, options.sourceId);
    await this.deleteDocument(options.namespace, options.sourceId);
    return removed;
  }

  /** Deletes a source's chunks, all versions or all but `keepVersion`; returns how many. */
  async deleteChunks(namespace: string, sourceId: string, keepVersion?: string): Promise<number> {
    const name = chunkTableName(namespace);
    const removed = await this.tables.exclusive(name, async () => {
      const table = await this.tables.open(name);
      if (!table) return 0;
      let predicate = `source_key = ${sqlHex(sourceKey(sourceId))}`;
      if (keepVersion !== undefined) predicate += ` AND version <> ${keepVersion === '' ? "''" : sqlHex(keepVersion)}`;
      const count = await table.countRows(predicate);
      if (count > 0) await table.delete(predicate);
      return count;
    });
    this.bump(namespace);
    return removed;
  }

  /** Number of chunk rows of a namespace, or of one source (any version). */
  async countChunks(namespace: string, sourceId?: string): Promise<number> {
    const table = await this.tables.open(chunkTableName(namespace));
    if (!table) return 0;
    return sourceId === undefined ? table.countRows() : table.countRows(`source_key = ${sqlHex(sourceKey(sourceId))}`);
  }

  /** Every chunk of a namespace without vectors (BM25 loads from this). */
  async readChunks(namespace: string): Promise<StoredChunk[]> {
    const table = await this.tables.open(chunkTableName(namespace));
    if (!table) return [];
    // Batch by batch, column by column: `toArray()` built a row proxy per chunk (~0.3 s for 10,000
    // chunks in one synchronous run); each batch is awaited, so other requests run in between.
    const chunks: StoredChunk[] = [];
    for await (const batch of table.query().select(['id', 'source_id', 'version', 'text', 'tokens', 'metadata'])) {
      const column = (name: string) => batch.getChild(name)!;
      const [id, sourceId, version, text, tokens, metadata] = ['id', 'source_id', 'version', 'text', 'tokens', 'metadata'].map(column);
      for (let row = 0; row < batch.numRows; row += 1) {
        chunks.push({
          id: String(id!.get(row)),
          sourceId: String(sourceId!.get(row)),
          version: String(version!.get(row)),
          text: String(text!.get(row)),
          tokens: String(tokens!.get(row)),
          metadata: JSON.parse(String(metadata!.get(row))) as Record<string, unknown>,
        });
      }
    }
    return chunks;
  }

  /**
   * The namespace's live chunks, sorted by id, with the version they were read at. When the
   * tables moved during the read (or LanceDB's handles still lag another process's write), the
   * older version is reported, so the next {@link LanceKnowledgeStore.tableVersion} check differs
   * and the caller reads again: a result is never labelled newer than its rows.
   */
  async readLiveChunks(namespace: string): Promise<LiveChunks> {
    const disk = await this.localState(namespace);
    const before = await this.handleVersion(namespace);
    const [rows, live] = await Promise.all([this.readChunks(namespace), this.liveVersions(namespace, { fresh: true })]);
    const after = await this.handleVersion(namespace);
    const chunks = rows.filter((row) => isLive(live, row.sourceId, row.version));
    // Stable order (by id) keeps BM25 tie-breaking deterministic across rebuilds.
    chunks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { version: Math.min(before, after), lineage: disk?.lineage ?? '', chunks };
  }

  private lexicalSourcePath(namespace: string): string | undefined {
    return this.localDir === undefined ? undefined : join(this.localDir, `${chunkTableName(namespace)}${LEXICAL_SOURCE_SUFFIX}`);
  }

  /**
   * Keeps `live` beside a local store's tables (`<table>.lexical.json`, written atomically), so
   * the next process builds the namespace's BM25 index from it without opening LanceDB. A cache:
   * it is only read while the tables are at the same version and identity. Nothing is written
   * when the store is remote or the tables were dropped or replaced since `live` was read.
   */
  async writeLexicalSource(namespace: string, live: LiveChunks): Promise<void> {
    const path = this.lexicalSourcePath(namespace);
    if (!path || live.lineage === '') return;
    const temporary = `${path}.${randomUUID()}.tmp`;
    try {
      await writeLinesInSlices(temporary, live);
      // Tables dropped meanwhile (tenant deleted, namespace dropped): their text must not come back.
      // The check and the rename hold the file's lock, as dropNamespace's removal does: a drop
      // between the two would otherwise remove nothing and the rename would bring the text back.
      const kept = await this.tables.exclusive(lexicalLockKey(namespace), async () => {
        if ((await this.localState(namespace))?.lineage !== live.lineage) return false;
        await rename(temporary, path);
        return true;
      });
      if (!kept) await rm(temporary, { force: true });
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  /**
   * The namespace's persisted live chunks when they match its tables' current version and
   * identity on disk; `undefined` otherwise (missing, stale, unreadable or remote).
   */
  async readLexicalSource(namespace: string): Promise<LiveChunks | undefined> {
    return this.readSourceFile(namespace, true);
  }

  /**
   * Like {@link LanceKnowledgeStore.readLexicalSource} for a caller that loads the BM25 index the
   * file holds: `undefined` as well when it holds none, and the chunks come without their tokens
   * (`''`), which only building the index again needs (half the file not read).
   */
  async readLexicalSourceWithIndex(namespace: string): Promise<(LiveChunks & { readonly lexicalIndex: readonly Uint8Array[] }) | undefined> {
    const live = await this.readSourceFile(namespace, false);
    return live?.lexicalIndex ? { ...live, lexicalIndex: live.lexicalIndex } : undefined;
  }

  private async readSourceFile(namespace: string, withTokens: boolean): Promise<LiveChunks | undefined> {
    const path = this.lexicalSourcePath(namespace);
    if (!path) return undefined;
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch {
      return undefined;
    }
    try {
      const state = await this.localState(namespace);
      if (!state || state.lineage === '') return undefined;
      const { size } = await handle.stat();
      const head = await readAt(handle, 0, Math.min(size, MAX_HEADER_BYTES));
      // Another format (an older file: one JSON document) is a cache miss, found without parsing it.
      if (!head.subarray(0, 64).toString('latin1').startsWith(`{"format":"${LEXICAL_SOURCE_FORMAT}"`)) return undefined;
      const headerEnd = head.indexOf(10);
      if (headerEnd < 0) return undefined;
      const header = lexicalSourceHeaderSchema.safeParse(JSON.parse(head.toString('utf8', 0, headerEnd)));
      if (!header.success || header.data.version !== state.version || header.data.lineage !== state.lineage) return undefined;
      const { chunks: count, tokens: tokenBytes, index: indexBytes = 0 } = header.data;
      const tokensStart = size - indexBytes - tokenBytes;
      if (tokensStart < headerEnd + 1) return undefined;
      const lines = await readAt(handle, headerEnd + 1, tokensStart - headerEnd - 1);
      const tokenLines = withTokens ? await readAt(handle, tokensStart, tokenBytes) : undefined;
      // The index in a buffer of its own, which the index decoded from it keeps as its memory.
      const index = indexBytes > 0 ? await readAt(handle, size - indexBytes, indexBytes) : undefined;
      // The tokens first (when wanted), so each chunk is made once, with them.
      const tokens: string[] = [];
      const tokensRead = !tokenLines || (await eachLine(tokenLines, count, (text) => {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'string') return false;
        tokens.push(parsed);
        return true;
      }));
      if (!tokensRead) return undefined;
      const chunks: StoredChunk[] = [];
      const complete = await eachLine(lines, count, (text) => {
        const chunk = lexicalSourceChunkSchema.safeParse(JSON.parse(text));
        if (!chunk.success) return false;
        chunks.push({ ...chunk.data, tokens: tokens[chunks.length] ?? '' });
        return true;
      });
      if (!complete) return undefined;
      return { version: state.version, lineage: state.lineage, chunks, ...(index ? { lexicalIndex: [index] } : {}) };
    } catch {
      return undefined;
    } finally {
      await handle.close();
    }
  }

  /**
   * {@link VectorStoreV1.doQuery}: cosine nearest neighbours among live chunks. Metadata filters
   * are applied in code on an over-fetched candidate list, so no value enters a filter string.
   */
  async doQuery(options: {
    namespace: string;
    embedding: number[];
    topK: number;
    filter?: MetadataFilterV1;
  }): Promise<VectorStoreV1Hit[]> {
    const table = await this.tables.open(chunkTableName(options.namespace));
    if (!table || options.topK <= 0) return [];
    const dimensions = vectorDimensionsOf((await table.schema()).fields);
    // No vectors yet, or vectors of another model (a re-index is pending): nothing comparable.
    if (dimensions === undefined || dimensions !== options.embedding.length) return [];
    const live = await this.liveVersions(options.namespace);
    const fetch = Math.max(options.topK * 4, options.filter ? 200 : 40);
    const rows = (await table
      .vectorSearch(options.embedding)
      .distanceType('cosine')
      // Used only when an ANN index exists: more partitions probed and exact re-ranking of the
      // candidates keep recall close to the exact scan.
      .nprobes(20)
      .refineFactor(5)
      .select(['id', 'source_id', 'version', 'text', 'metadata', '_distance'])
      .limit(fetch)
      .toArray()) as Array<Record<string, unknown>>;
    const hits: VectorStoreV1Hit[] = [];
    for (const row of rows) {
      const sourceId = String(row.source_id);
      if (!isLive(live, sourceId, String(row.version))) continue;
      const metadata = JSON.parse(String(row.metadata)) as Record<string, unknown>;
      if (options.filter && !matchesFilter(metadata, options.filter)) continue;
      const distance = Number(row._distance);
      if (!Number.isFinite(distance)) continue;
      hits.push({ id: String(row.id), sourceId, text: String(row.text), metadata, score: 1 - distance });
      if (hits.length >= options.topK) break;
    }
    return hits;
  }

  /** Vector length of a namespace's chunk table, `undefined` when it holds no vector column. */
  async vectorDimensions(namespace: string): Promise<number | undefined> {
    const table = await this.tables.open(chunkTableName(namespace));
    return table ? vectorDimensionsOf((await table.schema()).fields) : undefined;
  }

  /**
   * Builds the namespace's ANN vector index (IVF_PQ, cosine) once its chunk table has
   * `vectorIndexMinRows` rows with vectors; below that (or when it exists) nothing happens.
   * When the index exists, rows written since it was built are folded in (`optimize`); LanceDB
   * scans rows not yet indexed exactly, so results never miss new chunks.
   */
  async ensureVectorIndex(namespace: string, options: { minRows?: number } = {}): Promise<VectorIndexStatus> {
    const threshold = options.minRows ?? this.vectorIndexMinRows;
    const name = chunkTableName(namespace);
    return this.tables.exclusive(name, async () => {
      const table = await this.tables.open(name);
      if (!table) return { state: 'no_vectors', rows: 0, threshold };
      const dimensions = vectorDimensionsOf((await table.schema()).fields);
      if (dimensions === undefined) return { state: 'no_vectors', rows: 0, threshold };
      const rows = await table.countRows('vector IS NOT NULL');
      const existing = (await table.listIndices()).find((index) => index.columns.includes('vector'));
      if (existing) {
        const stats = await table.indexStats(existing.name);
        if (stats && stats.numUnindexedRows > 0) await table.optimize();
        return { state: 'exists', rows, threshold };
      }
      if (rows < threshold || rows < 256) return { state: rows === 0 ? 'no_vectors' : 'below_threshold', rows, threshold };
      // √rows partitions (LanceDB's guidance), sub-vectors of 8 dimensions (or fewer when they do not divide).
      const numPartitions = Math.max(1, Math.min(Math.round(Math.sqrt(rows)), Math.floor(rows / 256)));
      const numSubVectors = [dimensions / 8, dimensions / 4, dimensions / 2, 1].find((n) => Number.isInteger(n) && n >= 1) ?? 1;
      await table.createIndex('vector', {
        config: (await lanceDb()).Index.ivfPq({ distanceType: 'cosine', numPartitions, numSubVectors }),
        replace: true,
      });
      return { state: 'created', rows, threshold };
    });
  }

  /**
   * Compacts a namespace's tables and deletes their old versions once more than
   * `maxOldVersions` of them are past the grace period (see {@link TableMaintenanceOptions}):
   * without it every change leaves a version and small files behind forever, and the disk and
   * each full read of the table grow with the number of changes, not with the knowledge.
   * {@link KnowledgeBase} calls it after every change; a version replaced less than `graceMs`
   * ago is always kept, so readers in other processes never lose the files under them.
   */
  async maintain(namespace: string, options: { now?: Date } = {}): Promise<TableMaintenanceResult[]> {
    const settings = this.maintenance;
    if (!settings) return [];
    const done: TableMaintenanceResult[] = [];
    for (const name of [chunkTableName(namespace), documentTableName(namespace)]) {
      const result = await this.tables.exclusive(name, async (): Promise<TableMaintenanceResult | undefined> => {
        const table = await this.tables.open(name);
        if (!table) return undefined;
        const versions = (await table.listVersions()).sort((a, b) => a.version - b.version);
        // Lance deletes the versions made before a cutoff (never the latest). The cutoff is the
        // newest version made before the grace period: every version older than it was replaced
        // (by the next one) before the grace period began.
        const graceStart = (options.now ?? new Date()).getTime() - settings.graceMs;
        const cutoff = versions.findLastIndex((version) => version.timestamp.getTime() < graceStart);
        // `cutoff` versions are older than the cutoff version: act when there are more than allowed.
        if (cutoff <= settings.maxOldVersions) return undefined;
        const stats = await table.optimize({ cleanupOlderThan: versions[cutoff]!.timestamp });
        return {
          table: name,
          versionsBefore: versions.length,
          versionsAfter: (await table.listVersions()).length,
          fragmentsRemoved: stats.compaction.fragmentsRemoved,
          bytesRemoved: stats.prune.bytesRemoved,
        };
      });
      if (result) done.push(result);
    }
    // Compaction commits a new version: caches built at the old one reload.
    if (done.length > 0) this.bump(namespace);
    return done;
  }

  /** The namespace's vector index (type and column) if one exists. */
  async vectorIndex(namespace: string): Promise<{ name: string; indexType: string } | undefined> {
    const table = await this.tables.open(chunkTableName(namespace));
    const index = table ? (await table.listIndices()).find((candidate) => candidate.columns.includes('vector')) : undefined;
    return index ? { name: index.name, indexType: index.indexType } : undefined;
  }

  /** {@link VectorStoreV1.dropNamespace}: drops the tenant's tables. */
  async dropNamespace(options: { namespace: string }): Promise<void> {
    await this.tables.drop(chunkTableName(options.namespace));
    await this.tables.drop(documentTableName(options.namespace));
    const lexical = this.lexicalSourcePath(options.namespace);
    if (lexical) await this.tables.exclusive(lexicalLockKey(options.namespace), () => rm(lexical, { force: true }));
    this.bump(options.namespace);
  }

  /**
   * Source id → live version, for every document with a manifest row. Unless `fresh`, a copy up
   * to one second old may be returned (dropped on any local write): dense queries need it on
   * every call, and another process's switch becomes visible within that second.
   */
  async liveVersions(namespace: string, options: { fresh?: boolean } = {}): Promise<Map<string, string>> {
    const cached = this.liveCache.get(namespace);
    if (!options.fresh && cached && cached.revision === this.revision(namespace) && Date.now() - cached.at < 1000) return cached.map;
    const revision = this.revision(namespace);
    const documents = await this.listDocuments(namespace);
    const map = new Map(documents.map((doc) => [doc.sourceId, doc.liveVersion]));
    this.liveCache.set(namespace, { revision, at: Date.now(), map });
    return map;
  }

  private readonly liveCache = new Map<string, { revision: number; at: number; map: Map<string, string> }>();

  /** Writes (inserts or replaces) a document's manifest row. */
  async putDocument(namespace: string, document: DocumentRow): Promise<void> {
    await this.putDocuments(namespace, [document]);
  }

  /** Writes (inserts or replaces) many manifest rows in one commit. */
  async putDocuments(namespace: string, documents: readonly DocumentRow[]): Promise<void> {
    if (documents.length === 0) return;
    const name = documentTableName(namespace);
    await this.tables.exclusive(name, async () => {
      const schema = await documentSchema();
      const table = await this.tables.openOrCreate(name, schema);
      const rows = [...new Map(documents.map((document) => [document.sourceId, document])).values()].map((document) => ({
        source_id: document.sourceId,
        source_key: sourceKey(document.sourceId),
        live_version: document.liveVersion,
        pending_version: document.pendingVersion,
        name: document.name,
        status: document.status,
        error: document.error,
        chunk_count: document.chunkCount,
        updated_at: document.updatedAt,
        metadata: JSON.stringify(document.metadata),
      }));
      await table
        .mergeInsert('source_key')
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute((await lanceDb()).makeArrowTable(rows, { schema }));
    });
    this.bump(namespace);
  }

  /** Every document's manifest row in a namespace. */
  async listDocuments(namespace: string): Promise<DocumentRow[]> {
    const table = await this.tables.open(documentTableName(namespace));
    if (!table) return [];
    return ((await table.query().toArray()) as Array<Record<string, unknown>>).map(toDocumentRow);
  }

  /** One document's manifest row, or `undefined`. */
  async getDocument(namespace: string, sourceId: string): Promise<DocumentRow | undefined> {
    const table = await this.tables.open(documentTableName(namespace));
    if (!table) return undefined;
    const rows = (await table
      .query()
      .where(`source_key = ${sqlHex(sourceKey(sourceId))}`)
      .toArray()) as Array<Record<string, unknown>>;
    return rows[0] ? toDocumentRow(rows[0]) : undefined;
  }

  /** Removes a document's manifest row. */
  async deleteDocument(namespace: string, sourceId: string): Promise<void> {
    const name = documentTableName(namespace);
    await this.tables.exclusive(name, async () => {
      const table: Table | undefined = await this.tables.open(name);
      if (table) await table.delete(`source_key = ${sqlHex(sourceKey(sourceId))}`);
    });
    this.bump(namespace);
  }

  /** Closes LanceDB handles. */
  async close(): Promise<void> {
    await this.tables.close();
  }
}

/** Whether a chunk is served: direct upserts always; document chunks only in their live version. */
export function isLive(live: ReadonlyMap<string, string>, sourceId: string, version: string): boolean {
  return version === '' || live.get(sourceId) === version;
}

function toDocumentRow(row: Record<string, unknown>): DocumentRow {
  return {
    sourceId: String(row.source_id),
    liveVersion: String(row.live_version),
    pendingVersion: String(row.pending_version),
    name: String(row.name),
    status: String(row.status) as DocumentRow['status'],
    error: String(row.error),
    chunkCount: Number(row.chunk_count),
    updatedAt: String(row.updated_at),
    metadata: JSON.parse(String(row.metadata)) as Record<string, unknown>,
  };
}

/** Chunks serialised per write of a lexical source file (see {@link writeLinesInSlices}). */
const CHUNKS_PER_SLICE = 200;

/** The longest header line a lexical source file is read with (a longer one is not ours). */
const MAX_HEADER_BYTES = 4096;

/** `length` bytes of the file from `position`, in a buffer of their own (not a pooled slice). */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafeSlow(length);
  for (let read = 0; read < length; ) {
    const { bytesRead } = await handle.read(buffer, read, length - read, position + read);
    if (bytesRead === 0) throw new Error('lexical source file shorter than its header says');
    read += bytesRead;
  }
  return buffer;
}

/**
 * Writes `live` as the lexical source file — a header line, one chunk's JSON per line (without its
 * tokens), one line per chunk with its tokens, then the index's bytes — a slice of chunks at a
 * time, each slice's write awaited: a 10,000-chunk tenant's file is tens of megabytes, and one
 * `JSON.stringify` of it held the event loop — every tenant's requests — for ~0.5 s on a 2-core
 * machine. Lines let the reader parse it a chunk at a time too.
 */
async function writeLinesInSlices(file: string, live: LiveChunks): Promise<void> {
  const index = live.lexicalIndex ?? [];
  const indexBytes = index.reduce((sum, part) => sum + part.byteLength, 0);
  const header = (tokens: number): z.input<typeof lexicalSourceHeaderSchema> => ({
    format: LEXICAL_SOURCE_FORMAT, version: live.version, lineage: live.lineage, chunks: live.chunks.length, tokens, ...(indexBytes > 0 ? { index: indexBytes } : {}),
  });
  // The header is written first with room for the token lines' size, known once they are written,
  // then again in place (JSON allows the spaces that pad it).
  const width = JSON.stringify(header(Number.MAX_SAFE_INTEGER)).length;
  const headerLine = (tokens: number): Buffer => Buffer.from(`${JSON.stringify(header(tokens)).padEnd(width)}\n`);
  const handle = await open(file, 'w');
  try {
    /** One line per chunk, a slice of chunks per awaited write; the bytes written. */
    const writeLines = async (line: (chunk: StoredChunk) => string): Promise<number> => {
      let bytes = 0;
      for (let start = 0; start < live.chunks.length; start += CHUNKS_PER_SLICE) {
        bytes += (await handle.write(`${live.chunks.slice(start, start + CHUNKS_PER_SLICE).map(line).join('\n')}\n`)).bytesWritten;
      }
      return bytes;
    };
    await handle.write(headerLine(0));
    await writeLines(({ tokens: _tokens, ...chunk }) => JSON.stringify(chunk satisfies z.input<typeof lexicalSourceChunkSchema>));
    const tokenBytes = await writeLines((chunk) => JSON.stringify(chunk.tokens));
    // The index's large arrays are written from the index's own memory, one awaited write each.
    for (const part of index) {
      for (let written = 0; written < part.byteLength; ) written += (await handle.write(part, written)).bytesWritten;
    }
    const final = headerLine(tokenBytes);
    await handle.write(final, 0, final.length, 0);
  } finally {
    await handle.close();
  }
}

/**
 * Calls `line` for each of the first `count` non-empty lines of `bytes` (stopping at the first
 * `false`), giving the event loop its turns between lines; true when all `count` were there and
 * accepted. One JSON.parse of a 10,000-chunk tenant's file (tens of MB) held the event loop —
 * every tenant's requests — for ~0.15 s, plus the collection after.
 */
async function eachLine(bytes: Buffer, count: number, line: (text: string) => boolean): Promise<boolean> {
  const turn = sliceTurns();
  let seen = 0;
  for (let start = 0; seen < count && start < bytes.length; ) {
    const end = bytes.indexOf(10, start);
    const stop = end < 0 ? bytes.length : end;
    if (stop > start) {
      if (!line(bytes.toString('utf8', start, stop))) return false;
      seen += 1;
      await turn();
    }
    start = stop + 1;
  }
  return seen === count;
}


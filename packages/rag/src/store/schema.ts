import type { Schema } from 'apache-arrow';

// apache-arrow is imported on first use (the module loader keeps it after that): only writes to
// LanceDB need the schemas, and a process that only answers from a persisted lexical source never
// loads it (~0.6 MiB of JavaScript).

/** A chunk row as stored in a tenant's LanceDB table. */
export interface ChunkRow {
  /** Chunk id. */
  readonly id: string;
  /** Document the chunk came from. */
  readonly sourceId: string;
  /** Version of the document this chunk belongs to ('' for records upserted directly). */
  readonly version: string;
  /** Chunk text. */
  readonly text: string;
  /** Normalised syllables, space-separated: BM25 loads them without re-normalising. */
  readonly tokens: string;
  /** Chunk metadata. */
  readonly metadata: Record<string, unknown>;
  /** Vector, when an embedding model is configured. */
  readonly embedding?: number[] | undefined;
}

/** The chunk table's schema; `vector` exists only when the table was created with embeddings. */
export async function chunkSchema(dimensions: number | undefined): Promise<Schema> {
  const { Field, FixedSizeList, Float32, Schema, Utf8 } = await import('apache-arrow');
  const fields: Array<InstanceType<typeof Field>> = [
    new Field('id', new Utf8(), false),
    new Field('source_id', new Utf8(), false),
    new Field('source_key', new Utf8(), false),
    new Field('version', new Utf8(), false),
    new Field('text', new Utf8(), false),
    new Field('tokens', new Utf8(), false),
    new Field('metadata', new Utf8(), false),
  ];
  if (dimensions !== undefined) {
    fields.push(new Field('vector', new FixedSizeList(dimensions, new Field('item', new Float32(), true)), true));
  }
  return new Schema(fields);
}

/** A document's manifest row: its live version and ingestion status. */
export interface DocumentRow {
  /** Document id. */
  readonly sourceId: string;
  /** The version retrieval serves; '' before the first version completes. */
  readonly liveVersion: string;
  /** The version being ingested, '' when idle. */
  readonly pendingVersion: string;
  /** Document name. */
  readonly name: string;
  /** Ingestion status. */
  readonly status: 'processing' | 'ready' | 'failed';
  /** Error message when it failed. */
  readonly error: string;
  /** Chunks indexed. */
  readonly chunkCount: number;
  /** Last change (ISO time). */
  readonly updatedAt: string;
  /** Document metadata. */
  readonly metadata: Record<string, unknown>;
}

/** The document manifest table's schema. */
export async function documentSchema(): Promise<Schema> {
  const { Field, Int32, Schema, Utf8 } = await import('apache-arrow');
  return new Schema([
    new Field('source_id', new Utf8(), false),
    new Field('source_key', new Utf8(), false),
    new Field('live_version', new Utf8(), false),
    new Field('pending_version', new Utf8(), false),
    new Field('name', new Utf8(), false),
    new Field('status', new Utf8(), false),
    new Field('error', new Utf8(), false),
    new Field('chunk_count', new Int32(), false),
    new Field('updated_at', new Utf8(), false),
    new Field('metadata', new Utf8(), false),
  ]);
}

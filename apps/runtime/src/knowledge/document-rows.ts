/** SQL for the `documents` table (always inside a tenant transaction: RLS scopes every row). */
import type { Tx } from '../db/types';

/** A document as the API shows it. */
export interface DocumentRecord {
  readonly id: string;
  readonly kind: 'file' | 'faq' | 'catalog' | 'text';
  readonly name: string;
  readonly mimeType: string | null;
  readonly sizeBytes: number;
  readonly storageKey: string | null;
  readonly encoding: string | null;
  readonly status: 'pending' | 'processing' | 'ready' | 'failed' | 'deleting';
  readonly stage: string | null;
  readonly progress: number;
  readonly error: { code: string; message: string; messageVi: string } | null;
  readonly chunkCount: number;
  readonly version: number;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface Row {
  id: string;
  kind: DocumentRecord['kind'];
  name: string;
  mime_type: string | null;
  size_bytes: string | number;
  storage_key: string | null;
  encoding: string | null;
  status: DocumentRecord['status'];
  stage: string | null;
  progress: number;
  error_code: string | null;
  error_message: string | null;
  error_message_vi: string | null;
  chunk_count: number;
  version: number;
  metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, kind, name, mime_type, size_bytes, storage_key, encoding, status, stage, progress, error_code,
  error_message, error_message_vi, chunk_count, version, metadata, created_at, updated_at`;

function toRecord(row: Row): DocumentRecord {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    mimeType: row.mime_type,
    sizeBytes: Number(row.size_bytes),
    storageKey: row.storage_key,
    encoding: row.encoding,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '', messageVi: row.error_message_vi ?? '' } : null,
    chunkCount: row.chunk_count,
    version: row.version,
    metadata: row.metadata ?? {},
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** A new uploaded document, stored and waiting for its ingestion job. */
export interface NewDocument {
  readonly id: string;
  readonly name: string;
  readonly kind?: DocumentRecord['kind'];
  readonly mimeType?: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly storageKey: string;
  readonly createdBy?: string;
}

/** Inserts a `pending` document row. */
export async function insertDocument(tx: Tx, tenantId: string, doc: NewDocument): Promise<DocumentRecord> {
  const { rows } = await tx.query<Row>(
    `INSERT INTO documents (id, tenant_id, kind, name, mime_type, size_bytes, sha256, storage_key, status, stage, progress, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 'queued', 0, $9) RETURNING ${COLUMNS}`,
    [doc.id, tenantId, doc.kind ?? 'file', doc.name, doc.mimeType ?? null, doc.sizeBytes, doc.sha256, doc.storageKey, doc.createdBy ?? null],
  );
  return toRecord(rows[0]!);
}

/** One document, or undefined (also for another tenant's id: RLS hides it). */
export async function findDocument(tx: Tx, id: string): Promise<DocumentRecord | undefined> {
  const { rows } = await tx.query<Row>(`SELECT ${COLUMNS} FROM documents WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Documents, newest first. */
export async function listDocumentRows(tx: Tx, options: { limit: number; offset: number; status?: string }): Promise<{ items: DocumentRecord[]; total: number }> {
  const where = options.status ? 'WHERE status = $3' : '';
  const params: unknown[] = [options.limit, options.offset];
  if (options.status) params.push(options.status);
  const { rows } = await tx.query<Row>(`SELECT ${COLUMNS} FROM documents ${where} ORDER BY created_at DESC, id LIMIT $1 OFFSET $2`, params);
  const count = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM documents ${options.status ? 'WHERE status = $1' : ''}`, options.status ? [options.status] : []);
  return { items: rows.map(toRecord), total: Number(count.rows[0]?.n ?? 0) };
}

/** Every document id of the tenant (re-index). */
export async function allDocumentIds(tx: Tx): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM documents WHERE status <> 'deleting' ORDER BY created_at`);
  return rows.map((row) => row.id);
}

/** Progress of a running ingestion. Returns false when the row is gone (deleted meanwhile). */
export async function updateDocumentProgress(
  tx: Tx,
  id: string,
  change: { status: DocumentRecord['status']; stage: string; progress: number },
): Promise<boolean> {
  const result = await tx.query(
    `UPDATE documents SET status = $2, stage = $3, progress = $4, updated_at = now() WHERE id = $1 AND status <> 'deleting'`,
    [id, change.status, change.stage, Math.max(0, Math.min(100, Math.round(change.progress)))],
  );
  return result.rowCount > 0;
}

/** The outcome of an ingestion. */
export async function finishDocument(
  tx: Tx,
  id: string,
  outcome: {
    status: 'ready' | 'failed';
    chunkCount?: number;
    encoding?: string | undefined;
    error?: { code: string; message: string; messageVi: string } | undefined;
    metadata?: Record<string, unknown>;
  },
): Promise<boolean> {
  const result = await tx.query(
    `UPDATE documents SET status = $2, stage = $3, progress = 100,
       chunk_count = COALESCE($4, chunk_count), encoding = COALESCE($5, encoding),
       error_code = $6, error_message = $7, error_message_vi = $8,
       metadata = metadata || $9::jsonb,
       version = CASE WHEN $2 = 'ready' THEN version + 1 ELSE version END,
       live_version = CASE WHEN $2 = 'ready' THEN version + 1 ELSE live_version END,
       updated_at = now()
     WHERE id = $1 AND status <> 'deleting'`,
    [
      id,
      outcome.status,
      outcome.status === 'ready' ? 'done' : 'failed',
      outcome.chunkCount ?? null,
      outcome.encoding ?? null,
      outcome.error?.code ?? null,
      outcome.error?.message ?? null,
      outcome.error?.messageVi ?? null,
      JSON.stringify(outcome.metadata ?? {}),
    ],
  );
  return result.rowCount > 0;
}

/** Marks a document as being deleted (ingestion stops writing to it); false when absent. */
export async function markDeleting(tx: Tx, id: string): Promise<DocumentRecord | undefined> {
  const { rows } = await tx.query<Row>(`UPDATE documents SET status = 'deleting', updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Removes the row (its FAQ entries and products go with it: ON DELETE CASCADE). */
export async function deleteDocumentRow(tx: Tx, id: string): Promise<void> {
  await tx.query('DELETE FROM documents WHERE id = $1', [id]);
}

/** Bumps `tenants.knowledge_version` (the answer caches key on it) and returns the new value. */
export async function bumpKnowledgeVersion(tx: Tx, tenantId: string): Promise<number> {
  const { rows } = await tx.query<{ knowledge_version: number }>(
    'UPDATE tenants SET knowledge_version = knowledge_version + 1, updated_at = now() WHERE id = $1 RETURNING knowledge_version',
    [tenantId],
  );
  return rows[0]?.knowledge_version ?? 0;
}

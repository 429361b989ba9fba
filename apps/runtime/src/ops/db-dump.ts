/**
 * A portable logical dump of the application database: every table of the application schemas
 * (not pg-boss's queue, not `app.schema_migrations`, which `migrate` rebuilds) as JSON lines, one
 * file per table, in foreign-key dependency order. The same dump restores into Postgres or PGlite
 * (so a PGlite installation can move to Postgres), into the schema the migrations create.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { ConflictError } from '@agent-chatbot/core';
import pg from 'pg';
import type { Db, Tx } from '../db/types';

/** One dumped table. */
export interface DumpedTable {
  /** Schema-qualified, quoted as needed (`public.tenants`). */
  name: string;
  /** File under the dump folder (`0001-public.tenants.jsonl`). */
  file: string;
  rows: number;
  columns: string[];
}

/** Schemas whose tables are not application data. */
const SKIPPED_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast', 'pgboss'];
const SKIPPED_TABLES = ['app.schema_migrations'];
const BATCH = 1000;

/** The application tables in an order where every table comes after the tables it references. */
export async function applicationTables(tx: Tx): Promise<string[]> {
  const { rows: tables } = await tx.query<{ name: string }>(
    `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname <> ALL($1::text[]) AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
    [SKIPPED_SCHEMAS],
  );
  const { rows: edges } = await tx.query<{ child: string; parent: string }>(
    `SELECT quote_ident(cn.nspname) || '.' || quote_ident(c.relname) AS child, quote_ident(pn.nspname) || '.' || quote_ident(p.relname) AS parent
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace
     JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
     WHERE k.contype = 'f' AND k.conrelid <> k.confrelid`,
  );
  const names = tables.map((t) => t.name).filter((n) => !SKIPPED_TABLES.includes(n));
  const parents = new Map(names.map((n) => [n, new Set<string>()]));
  for (const e of edges) if (parents.has(e.child) && parents.has(e.parent)) parents.get(e.child)!.add(e.parent);
  const ordered: string[] = [];
  const done = new Set<string>();
  // Kahn's algorithm, alphabetical among ready tables so dumps are stable; a cycle is appended as is.
  while (ordered.length < names.length) {
    const ready = names.filter((n) => !done.has(n) && [...parents.get(n)!].every((p) => done.has(p)));
    const next = ready.length ? ready : names.filter((n) => !done.has(n));
    for (const n of ready.length ? ready : next.slice(0, 1)) {
      ordered.push(n);
      done.add(n);
    }
  }
  return ordered;
}

/**
 * Runs `fn` in one read-only snapshot of the whole database with platform scope: on Postgres a
 * dedicated REPEATABLE READ connection (so every table is read at the same instant while the
 * service keeps writing); on PGlite the platform transaction (it has one connection anyway).
 */
export async function withSnapshot<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const url = (db as { url?: unknown }).url;
  if (db.kind === 'pglite' || typeof url !== 'string') return db.platform(fn);
  const client = new pg.Client({ connectionString: url, application_name: 'agent-chatbot-backup' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SELECT set_config('app.platform', 'on', true)`);
    const tx: Tx = {
      query: async <R>(sql: string, params?: readonly unknown[]) => {
        const r = await client.query(sql, params ? [...params] : []);
        return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
      },
      exec: async (sql: string) => {
        await client.query(sql);
      },
    };
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Column names of a table (not dropped, not generated), in table order. */
async function insertableColumns(tx: Tx, table: string): Promise<{ name: string; identity: boolean }[]> {
  const { rows } = await tx.query<{ name: string; identity: boolean }>(
    `SELECT a.attname AS name, a.attidentity <> '' AS identity FROM pg_attribute a
     WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum`,
    [table],
  );
  return rows;
}

/**
 * Writes every application table (optionally only rows where `where` holds, e.g. one tenant's)
 * as JSON lines into `dir`, and returns what it wrote.
 */
export async function dumpTables(tx: Tx, dir: string, options: { tables?: readonly string[]; filter?: (table: string, columns: string[]) => { sql: string; params: unknown[]; omit?: string[] } | null | undefined } = {}): Promise<DumpedTable[]> {
  const tables = options.tables ?? (await applicationTables(tx));
  const dumped: DumpedTable[] = [];
  for (const [index, table] of tables.entries()) {
    const columns = (await insertableColumns(tx, table)).map((c) => c.name);
    const filter = options.filter ? options.filter(table, columns) : undefined;
    if (filter === null) continue;
    const file = `${String(index + 1).padStart(4, '0')}-${table.replaceAll('"', '')}.jsonl`;
    const omit = filter?.omit?.filter((c) => columns.includes(c)) ?? [];
    const kept = columns.filter((c) => !omit.includes(c));
    // Omitted columns (password hashes in a tenant export) never leave the database.
    const json = omit.length ? `to_jsonb(t) - ARRAY[${omit.map((c) => `'${c.replaceAll("'", "''")}'`).join(', ')}]::text[]` : 'to_jsonb(t)';
    const out = createWriteStream(join(dir, file));
    let rows = 0;
    // Keyset pages on ctid: stable inside the snapshot, no sort on big tables.
    let after = '(0,0)';
    for (;;) {
      const { rows: page } = await tx.query<{ r: unknown; c: string }>(
        `SELECT ${json} AS r, t.ctid::text AS c FROM ${table} t WHERE t.ctid > $1::tid${filter ? ` AND (${filter.sql})` : ''} ORDER BY t.ctid LIMIT ${BATCH}`,
        [after, ...(filter?.params ?? [])],
      );
      for (const row of page) if (!out.write(`${JSON.stringify(row.r)}\n`)) await once(out, 'drain');
      rows += page.length;
      if (page.length < BATCH) break;
      after = page.at(-1)!.c;
    }
    out.end();
    await once(out, 'finish');
    dumped.push({ name: table, file, rows, columns: kept });
  }
  return dumped;
}

/** Row counts of the application tables (what `restore` checks against the manifest). */
export async function tableCounts(tx: Tx, tables?: readonly string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables ?? (await applicationTables(tx))) {
    const { rows } = await tx.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`);
    counts[table] = Number(rows[0]!.n);
  }
  return counts;
}

/** Refuses (409) when any application table has a row. */
export async function assertEmpty(tx: Tx): Promise<void> {
  const counts = await tableCounts(tx);
  const busy = Object.entries(counts).filter(([, n]) => n > 0).map(([t, n]) => `${t} (${n})`);
  if (busy.length) {
    throw new ConflictError(
      `The configured database is not empty (${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', …' : ''}); restore only writes into an empty database`,
      `Cơ sở dữ liệu đang cấu hình không trống (${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', …' : ''}); chỉ khôi phục vào cơ sở dữ liệu trống`,
      { details: { tables: busy } },
    );
  }
}

/**
 * Loads a dump written by {@link dumpTables} into the current (migrated, empty) schema, in the
 * dump's order. Columns missing from the dump (added by newer migrations) take their defaults;
 * columns the schema no longer has are ignored. Identity sequences are moved past the restored
 * values. As a superuser, triggers and foreign-key checks are paused (`session_replication_role`).
 */
export async function loadTables(tx: Tx, dir: string, tables: readonly DumpedTable[]): Promise<Record<string, number>> {
  const { rows: su } = await tx.query<{ s: boolean }>('SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user');
  if (su[0]?.s) await tx.query(`SET LOCAL session_replication_role = replica`);
  const loaded: Record<string, number> = {};
  for (const table of tables) {
    const current = await insertableColumns(tx, table.name).catch(() => undefined);
    if (!current) continue; // a table a later migration removed
    const columns = current.filter((c) => table.columns.includes(c.name));
    const list = columns.map((c) => `"${c.name.replaceAll('"', '""')}"`).join(', ');
    const overriding = columns.some((c) => c.identity) ? ' OVERRIDING SYSTEM VALUE' : '';
    const lines = table.rows ? readFileSync(join(dir, table.file), 'utf8').split('\n').filter(Boolean) : [];
    for (let i = 0; i < lines.length; i += BATCH) {
      const batch = `[${lines.slice(i, i + BATCH).join(',')}]`;
      await tx.query(`INSERT INTO ${table.name} (${list})${overriding} SELECT ${list} FROM jsonb_populate_recordset(NULL::${table.name}, $1::jsonb)`, [batch]);
    }
    loaded[table.name] = lines.length;
    for (const c of columns.filter((col) => col.identity)) {
      await tx.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT max("${c.name.replaceAll('"', '""')}") FROM ${table.name}), 1), (SELECT count(*) > 0 FROM ${table.name}))`,
        [table.name, c.name],
      );
    }
  }
  return loaded;
}

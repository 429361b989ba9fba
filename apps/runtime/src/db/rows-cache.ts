/**
 * Per-process copies of the hot path's small, rarely changing reads (the caller's identity check,
 * a tenant's settings row), kept only where the database can say at once that they are stale:
 * {@link Db.rowsVersion} (the embedded driver, ADR 0017). Elsewhere every read goes to the database.
 */
import type { Db } from './types';

/** Keyed copies of one read; see {@link createRowsCache}. */
export interface RowsCache<T> {
  /**
   * The value `load` returned for `key` while nothing watched has changed since, or `load()`'s
   * value now (remembered when the driver can tell staleness). Callers must not mutate it.
   */
  read(key: string, load: () => Promise<T>): Promise<T>;
}

/**
 * A {@link RowsCache} over `db`, holding at most `max` keys (the least recently stored go first).
 * A copy is tagged with the version read *before* its load: a change committed while the load was
 * in flight makes it stale at once, so it is never served after the change.
 *
 * @example const checks = createRowsCache<Row[]>(db); const rows = await checks.read(userId, () => read(userId));
 */
export function createRowsCache<T>(db: Pick<Db, 'rowsVersion'>, max = 10_000): RowsCache<T> {
  const entries = new Map<string, { readonly version: number; readonly value: T }>();
  return {
    async read(key, load) {
      const version = db.rowsVersion?.();
      if (version === undefined) return load();
      const copy = entries.get(key);
      if (copy?.version === version) return copy.value;
      const value = await load();
      entries.delete(key);
      if (entries.size >= max) entries.delete(entries.keys().next().value as string);
      entries.set(key, { version, value });
      return value;
    },
  };
}

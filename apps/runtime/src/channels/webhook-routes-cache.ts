/**
 * Where a webhook goes: connection id → tenant (through the one-door lookup) and the decrypted
 * connection, kept for a few seconds so a burst of webhooks (a provider sends hundreds per
 * second for a busy shop) costs one transaction each instead of three. Edits in this process
 * evict at once; other processes see a disable, delete or suspension within the TTL.
 */
import type { Db } from '../db/types';
import type { SecretBox } from '../secrets/secret-box';
import { loadConnection, type LoadedConnection } from './connection-store';

/** A resolved webhook route. */
export interface WebhookRoute {
  tenantStatus: string;
  connection: LoadedConnection;
}

/** The cache of {@link WebhookRoute}s. */
export interface WebhookRoutes {
  /** The route of a connection of `type`, or undefined when none is active. */
  resolve(type: string, connectionId: string): Promise<WebhookRoute | undefined>;
  evict(connectionId: string): void;
}

/** Default time a resolved route is reused. */
export const WEBHOOK_ROUTE_TTL_MS = 5_000;

/** Creates a {@link WebhookRoutes} cache over the database. */
export function createWebhookRoutes(db: Db, secretBox: SecretBox, ttlMs: number = WEBHOOK_ROUTE_TTL_MS): WebhookRoutes {
  const entries = new Map<string, { expires: number; route: Promise<WebhookRoute | undefined> }>();
  const load = async (type: string, connectionId: string): Promise<WebhookRoute | undefined> => {
    // The one door: the connection names its tenant (SECURITY DEFINER lookup, no tenant data read).
    const found = await db.anonymous((tx) =>
      tx.query<{ tenant_id: string; tenant_status: string }>('SELECT tenant_id, tenant_status FROM app.tenant_for_connection($1, $2)', [connectionId, type]),
    );
    const owner = found.rows[0];
    if (!owner) return undefined;
    const connection = await db.tenant(owner.tenant_id, (tx) => loadConnection(tx, secretBox, connectionId)).catch(() => undefined);
    return connection ? { tenantStatus: owner.tenant_status, connection } : undefined;
  };
  return {
    resolve(type, connectionId) {
      const key = `${type}:${connectionId}`;
      const now = Date.now();
      const hit = entries.get(key);
      if (hit && hit.expires > now) return hit.route;
      const route = load(type, connectionId);
      entries.set(key, { expires: now + ttlMs, route });
      // Failures are not cached (a database blip must not hide a connection for the TTL).
      route.catch(() => entries.delete(key));
      if (entries.size > 10_000) for (const [k, v] of entries) if (v.expires <= now) entries.delete(k);
      return route;
    },
    evict(connectionId) {
      for (const key of entries.keys()) if (key.endsWith(`:${connectionId}`)) entries.delete(key);
    },
  };
}

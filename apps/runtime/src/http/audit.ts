/**
 * Audit trail: who did what to which tenant resource, written in the same transaction as the
 * change itself (so there is no change without its record, and no record without its change).
 */
import type { Tx } from '../db/types';
import { actorOf, type Caller } from '../auth/caller';

/** One audit entry. `details` must never carry secret values (names and masks only). */
export interface AuditEntry {
  tenantId: string;
  caller: Caller | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string | undefined;
}

/** Appends an entry to `audit_log` inside `tx`. */
export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const actor = entry.caller ? actorOf(entry.caller) : { actorUserId: null, actorKind: 'system' as const };
  await tx.query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_kind, action, target_type, target_id, details, ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
    [entry.tenantId, actor.actorUserId, actor.actorKind, entry.action, entry.targetType ?? null, entry.targetId ?? null,
      JSON.stringify(entry.details ?? {}), entry.ip ?? null],
  );
}

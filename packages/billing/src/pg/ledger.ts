import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { assertVnd } from '../money';
import { type BillingDb, type BillingTx, toInt } from './db';

/** Ledger entry kinds this package writes (the runtime's CHECK allows these and more). */
export type LedgerKind = 'topup' | 'usage' | 'refund' | 'adjustment' | 'subscription' | 'overage';

/** Sign rules: credits to the tenant are positive, charges negative; adjustments either way. */
const SIGN: Record<LedgerKind, 1 | -1 | 0> = { topup: 1, refund: 1, usage: -1, subscription: -1, overage: -1, adjustment: 0 };

/** A new ledger entry. `idempotencyKey` makes the append happen at most once per tenant. */
export const ledgerEntryInputSchema = z.object({
  tenantId: z.string().uuid(),
  kind: z.enum(['topup', 'usage', 'refund', 'adjustment', 'subscription', 'overage']),
  amountVnd: z.number().int().refine((value) => value !== 0 && Number.isSafeInteger(value), 'must be a non-zero whole VND amount'),
  idempotencyKey: z.string().min(1).max(200),
  reference: z.string().max(500).optional(),
  description: z.string().max(1000).optional(),
  createdBy: z.string().uuid().optional(),
});
/** Input of {@link appendLedgerEntry}. */
export type LedgerEntryInput = z.infer<typeof ledgerEntryInputSchema>;

/**
 * Appends one entry (inside the caller's transaction). The ledger is append-only (a trigger
 * refuses UPDATE/DELETE) and a trigger adds the amount to `billing_wallets` in the same
 * transaction. Returns `inserted: false` when the idempotency key was already used.
 */
export async function appendLedgerEntry(tx: BillingTx, input: LedgerEntryInput): Promise<{ inserted: boolean; id?: string }> {
  const parsed = ledgerEntryInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('Invalid ledger entry', 'Bút toán không hợp lệ', {
      details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) },
    });
  }
  const entry = parsed.data;
  assertVnd(entry.amountVnd, 'amountVnd', true);
  const sign = SIGN[entry.kind];
  if (sign !== 0 && Math.sign(entry.amountVnd) !== sign) {
    throw new ValidationError(
      `A ${entry.kind} entry must be ${sign > 0 ? 'positive' : 'negative'}`,
      `Bút toán loại ${entry.kind} phải ${sign > 0 ? 'dương' : 'âm'}`,
      { details: { kind: entry.kind, amountVnd: entry.amountVnd } },
    );
  }
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO ledger_entries (tenant_id, kind, amount_vnd, idempotency_key, reference, description, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id`,
    [entry.tenantId, entry.kind, entry.amountVnd, entry.idempotencyKey, entry.reference ?? null, entry.description ?? null, entry.createdBy ?? null],
  );
  return rows[0] ? { inserted: true, id: rows[0].id } : { inserted: false };
}

/** A tenant's wallet: the cached balance and the ledger sum it must equal. */
export interface WalletBalance {
  /** Balance stored on the wallet. */
  readonly balanceVnd: number;
  /** Sum of the ledger entries (must equal the balance). */
  readonly ledgerSumVnd: number;
}

/** Reads the wallet balance and recomputes it from the ledger (they must be equal). */
export async function walletBalance(tx: BillingTx, tenantId: string): Promise<WalletBalance> {
  const { rows } = await tx.query<{ balance_vnd: unknown; ledger_sum: unknown }>(
    `SELECT (SELECT balance_vnd FROM billing_wallets WHERE tenant_id = $1) AS balance_vnd,
            (SELECT coalesce(sum(amount_vnd), 0)::bigint FROM ledger_entries WHERE tenant_id = $1) AS ledger_sum`,
    [tenantId],
  );
  return { balanceVnd: toInt(rows[0]?.balance_vnd), ledgerSumVnd: toInt(rows[0]?.ledger_sum) };
}

/** One ledger line for the dashboard. */
export interface LedgerEntry {
  /** Entry id. */
  readonly id: string;
  /** Top-up, usage charge, refund or adjustment. */
  readonly kind: string;
  /** Signed amount, integer VND. */
  readonly amountVnd: number;
  /** Idempotency reference (payment, usage event). */
  readonly reference: string | null;
  /** Human-readable description. */
  readonly description: string | null;
  /** When it was written. */
  readonly createdAt: Date;
}

/** The newest ledger entries of a tenant (default 50). */
export async function listLedgerEntries(db: BillingDb, tenantId: string, limit = 50): Promise<LedgerEntry[]> {
  return db.tenant(tenantId, async (tx) => {
    const { rows } = await tx.query<{ id: string; kind: string; amount_vnd: unknown; reference: string | null; description: string | null; created_at: Date }>(
      `SELECT id, kind, amount_vnd, reference, description, created_at FROM ledger_entries
       WHERE tenant_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [tenantId, Math.min(Math.max(1, Math.trunc(limit)), 500)],
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      amountVnd: toInt(row.amount_vnd),
      reference: row.reference,
      description: row.description,
      createdAt: row.created_at,
    }));
  });
}

/**
 * A platform admin's manual correction (positive credits the tenant); recorded as an
 * `adjustment`, idempotent on `idempotencyKey`.
 */
export async function adjustWallet(
  db: BillingDb,
  input: { tenantId: string; amountVnd: number; reason: string; adminUserId?: string; idempotencyKey: string },
): Promise<{ inserted: boolean }> {
  return db.tenant(input.tenantId, (tx) =>
    appendLedgerEntry(tx, {
      tenantId: input.tenantId,
      kind: 'adjustment',
      amountVnd: input.amountVnd,
      idempotencyKey: `adjustment:${input.idempotencyKey}`,
      description: input.reason,
      createdBy: input.adminUserId,
    }),
  );
}

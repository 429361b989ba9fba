import {
  BudgetExceededError,
  estimateCostVnd,
  eventCostVnd,
  meterAuthorizeRequestSchema,
  parseMeterInput,
  priceOf,
  usageEventSchema,
  type MeterAuthorizationV1,
  type MeterV1,
  type ModelPriceTableVnd,
  type UsageEventV1,
} from '@agent-chatbot/core';
import { cycleIdOf } from '../cycle';
import { type BillingAlert, insertBudgetAlerts } from './alerts';
import { type BillingDb, type BillingTx, requireUuid, toInt } from './db';

/** Options for {@link createPgMeter}. */
export interface PgMeterOptions {
  /** The database the meter reserves and records in. */
  readonly db: BillingDb;
  /** Tenant prices (provider cost + margin), e.g. `platformPriceTable(config)`. */
  readonly prices: ModelPriceTableVnd;
  /** Cap for tenants whose `billing_accounts.monthly_cap_vnd` is NULL or missing. Default 0 (fail closed). */
  readonly defaultCapVnd?: number;
  /** Also refuse reservations the prepaid wallet cannot cover (pay-as-you-go credits). Default false. */
  readonly enforceCredits?: boolean;
  /** Budget alert thresholds in percent. Default [80, 100]. */
  readonly alertThresholdsPercent?: readonly number[];
  /** Called after commit with alerts that fired for the first time (email / dashboard). */
  readonly onAlert?: (alert: BillingAlert) => void | Promise<void>;
}

/** A tenant's budget position in one cycle. */
export interface PgMeterSummary {
  /** Cycle, `YYYY-MM`. */
  readonly cycle: string;
  /** Monthly hard cap. */
  readonly capVnd: number;
  /** Spent this cycle. */
  readonly spentVnd: number;
  /** Reserved by calls in flight. */
  readonly reservedVnd: number;
  /** Credit balance. */
  readonly balanceVnd: number;
}

/** The Postgres meter: {@link MeterV1} plus a read-out for the dashboard and CLI. */
export interface PgMeter extends MeterV1 {
  /** Cap, spend, reservations and balance of a tenant for a cycle (the current one by default). */
  summary(tenantId: string, cycle?: string): Promise<PgMeterSummary>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Authorization ids carry their tenant (`<reservation>@<tenant>`) so release needs no lookup across tenants. */
function parseAuthorizationId(id: string | undefined): { reservationId: string; tenantId: string } | undefined {
  const [reservationId, tenantId, extra] = (id ?? '').split('@');
  if (extra !== undefined || !reservationId || !tenantId || !UUID.test(reservationId) || !UUID.test(tenantId)) return undefined;
  return { reservationId, tenantId };
}

/** Creates the tenant's cycle row if needed and takes its row lock for the rest of the transaction. */
async function lockCycle(tx: BillingTx, tenantId: string, cycle: string): Promise<{ spent: number; reserved: number }> {
  await tx.query('INSERT INTO billing_cycle_usage (tenant_id, cycle) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenantId, cycle]);
  const { rows } = await tx.query<{ spent_vnd: unknown; reserved_vnd: unknown }>(
    'SELECT spent_vnd, reserved_vnd FROM billing_cycle_usage WHERE tenant_id = $1 AND cycle = $2 FOR UPDATE',
    [tenantId, cycle],
  );
  return { spent: toInt(rows[0]?.spent_vnd), reserved: toInt(rows[0]?.reserved_vnd) };
}

/** The tenant's monthly cap: its own, else the default. */
export async function capOf(tx: BillingTx, tenantId: string, defaultCapVnd: number): Promise<number> {
  const { rows } = await tx.query<{ monthly_cap_vnd: unknown }>('SELECT monthly_cap_vnd FROM billing_accounts WHERE tenant_id = $1', [tenantId]);
  const own = rows[0]?.monthly_cap_vnd;
  return own === null || own === undefined ? defaultCapVnd : toInt(own);
}

async function balanceOf(tx: BillingTx, tenantId: string): Promise<number> {
  const { rows } = await tx.query<{ balance_vnd: unknown }>('SELECT balance_vnd FROM billing_wallets WHERE tenant_id = $1', [tenantId]);
  return toInt(rows[0]?.balance_vnd);
}

/**
 * Creates the Postgres {@link MeterV1}. `authorize` takes the row lock of the tenant's budget row
 * for the cycle (`billing_cycle_usage`, `SELECT … FOR UPDATE`), checks spent + reserved + this
 * reservation against the monthly cap (and, with `enforceCredits`, the wallet), and stores the
 * reservation — so any number of concurrent replies can never overspend. `record` is idempotent
 * on `usage_events.id`, settles the reservation at the actual cost (rounded up to 1 VND), appends a
 * `usage` ledger entry (so the wallet goes down) and fires 80 %/100 % alerts once per cycle.
 * Same semantics as core's `createMemoryMeter`; both pass the testkit's `meterContract`.
 *
 * @example const meter = createPgMeter({ db, prices: platformPriceTable(config), defaultCapVnd: config.defaultMonthlyCapVnd });
 */
export function createPgMeter(options: PgMeterOptions): PgMeter {
  const { db, prices } = options;
  const defaultCapVnd = options.defaultCapVnd ?? 0;
  const thresholds = options.alertThresholdsPercent ?? [80, 100];

  return {
    specificationVersion: 'v1',

    async authorize(input) {
      const request = parseMeterInput(meterAuthorizeRequestSchema, input, 'authorization request', 'Yêu cầu cấp hạn mức');
      const tenantId = requireUuid(request.tenantId, 'tenantId');
      const reservedVnd =
        request.keySource === 'own' ? 0 : estimateCostVnd(priceOf(prices, request.estimate.provider, request.estimate.modelId), request.estimate);
      const cycle = cycleIdOf(new Date());
      return db.tenant(tenantId, async (tx): Promise<MeterAuthorizationV1> => {
        const position = await lockCycle(tx, tenantId, cycle);
        // Checked under the lock: a concurrent retry with the same key waits, then finds this row.
        const existing = await tx.query<{ id: string; reserved_vnd: unknown }>(
          'SELECT id, reserved_vnd FROM billing_reservations WHERE tenant_id = $1 AND idempotency_key = $2',
          [tenantId, request.idempotencyKey],
        );
        if (existing.rows[0]) return { id: `${existing.rows[0].id}@${tenantId}`, reservedVnd: toInt(existing.rows[0].reserved_vnd) };
        if (reservedVnd > 0) {
          const capVnd = await capOf(tx, tenantId, defaultCapVnd);
          const details = { cycle, budgetVnd: capVnd, spentVnd: position.spent, reservedVnd: position.reserved, requestedVnd: reservedVnd };
          if (position.spent + position.reserved + reservedVnd > capVnd) {
            throw new BudgetExceededError('Monthly budget cap reached', 'Đã chạm hạn mức chi phí tháng này', { details });
          }
          if (options.enforceCredits === true) {
            const balanceVnd = await balanceOf(tx, tenantId);
            if (position.reserved + reservedVnd > balanceVnd) {
              throw new BudgetExceededError('Not enough prepaid credit', 'Số dư tín dụng trả trước không đủ', { details: { ...details, balanceVnd } });
            }
          }
          await tx.query('UPDATE billing_cycle_usage SET reserved_vnd = reserved_vnd + $3, updated_at = now() WHERE tenant_id = $1 AND cycle = $2', [
            tenantId,
            cycle,
            reservedVnd,
          ]);
        }
        const inserted = await tx.query<{ id: string }>(
          'INSERT INTO billing_reservations (tenant_id, cycle, idempotency_key, reserved_vnd) VALUES ($1, $2, $3, $4) RETURNING id',
          [tenantId, cycle, request.idempotencyKey, reservedVnd],
        );
        return { id: `${inserted.rows[0]!.id}@${tenantId}`, reservedVnd };
      });
    },

    async record(input) {
      parseMeterInput(usageEventSchema, input, 'usage event', 'Sự kiện sử dụng');
      const event: UsageEventV1 = input;
      const tenantId = requireUuid(event.tenantId, 'tenantId');
      const authorization = parseAuthorizationId(event.authorizationId);
      // Only the tenant's own reservation is settled; a foreign authorization id is ignored.
      const reservationId = authorization?.tenantId === tenantId ? authorization.reservationId : undefined;
      const price = event.billable ? priceOf(prices, event.provider, event.modelId) : undefined;
      const alerts = await db.tenant(tenantId, async (tx) => {
        const reservation = reservationId
          ? (
              await tx.query<{ cycle: string }>('SELECT cycle FROM billing_reservations WHERE id = $1 AND tenant_id = $2', [reservationId, tenantId])
            ).rows[0]
          : undefined;
        const cycle = reservation?.cycle ?? cycleIdOf(event.occurredAt);
        const position = await lockCycle(tx, tenantId, cycle);
        const open = reservationId
          ? (
              await tx.query<{ reserved_vnd: unknown }>(
                "SELECT reserved_vnd FROM billing_reservations WHERE id = $1 AND tenant_id = $2 AND status = 'open'",
                [reservationId, tenantId],
              )
            ).rows[0]
          : undefined;
        const held = open ? toInt(open.reserved_vnd) : 0;
        const costVnd = price === undefined ? 0 : (eventCostVnd(price, event) ?? held);
        const usage = event.usage;
        const tokensIn = 'tokens' in usage ? usage.tokens : (usage.inputTokens.total ?? 0);
        const tokensOut = 'tokens' in usage ? 0 : (usage.outputTokens.total ?? 0);
        const inserted = await tx.query(
          `INSERT INTO usage_events (id, tenant_id, kind, provider, model, key_source, billable, tokens_in, tokens_out, quantity, cost_vnd,
             conversation_id, message_id, occurred_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [
            event.id,
            tenantId,
            event.kind,
            event.provider,
            event.modelId,
            event.keySource,
            event.billable,
            Math.round(tokensIn),
            Math.round(tokensOut),
            event.kind === 'embedding' ? Math.round(tokensIn) : 0,
            costVnd,
            event.conversationId && UUID.test(event.conversationId) ? event.conversationId : null,
            event.messageId && UUID.test(event.messageId) ? event.messageId : null,
            event.occurredAt,
          ],
        );
        if (inserted.rowCount === 0) return []; // already recorded: idempotent
        if (open) {
          await tx.query("UPDATE billing_reservations SET status = 'settled', settled_vnd = $2, closed_at = now() WHERE id = $1", [
            reservationId,
            costVnd,
          ]);
        }
        await tx.query(
          'UPDATE billing_cycle_usage SET spent_vnd = spent_vnd + $3, reserved_vnd = reserved_vnd - $4, updated_at = now() WHERE tenant_id = $1 AND cycle = $2',
          [tenantId, cycle, costVnd, held],
        );
        if (costVnd === 0) return [];
        await tx.query(
          `INSERT INTO ledger_entries (tenant_id, kind, amount_vnd, reference, idempotency_key, description)
           VALUES ($1, 'usage', $2, $3, $4, $5)`,
          [tenantId, -costVnd, event.id, `usage:${event.id}`, `${event.provider}:${event.modelId}`],
        );
        const capVnd = await capOf(tx, tenantId, defaultCapVnd);
        return insertBudgetAlerts(tx, { tenantId, cycle, spentVnd: position.spent + costVnd, capVnd, thresholdsPercent: thresholds });
      });
      for (const alert of alerts) await options.onAlert?.(alert);
    },

    async release(authorization) {
      const parsed = parseAuthorizationId(authorization.id);
      if (parsed === undefined) return; // not ours: nothing to free
      await db.tenant(parsed.tenantId, async (tx) => {
        const found = await tx.query<{ cycle: string }>('SELECT cycle FROM billing_reservations WHERE id = $1', [parsed.reservationId]);
        const cycle = found.rows[0]?.cycle;
        if (cycle === undefined) return;
        await lockCycle(tx, parsed.tenantId, cycle);
        const released = await tx.query<{ reserved_vnd: unknown }>(
          "UPDATE billing_reservations SET status = 'released', closed_at = now() WHERE id = $1 AND status = 'open' RETURNING reserved_vnd",
          [parsed.reservationId],
        );
        const held = toInt(released.rows[0]?.reserved_vnd);
        if (held > 0) {
          await tx.query('UPDATE billing_cycle_usage SET reserved_vnd = reserved_vnd - $3 WHERE tenant_id = $1 AND cycle = $2', [
            parsed.tenantId,
            cycle,
            held,
          ]);
        }
      });
    },

    async summary(tenantId, cycle = cycleIdOf(new Date())) {
      requireUuid(tenantId, 'tenantId');
      return db.tenant(tenantId, async (tx) => {
        const { rows } = await tx.query<{ spent_vnd: unknown; reserved_vnd: unknown }>(
          'SELECT spent_vnd, reserved_vnd FROM billing_cycle_usage WHERE tenant_id = $1 AND cycle = $2',
          [tenantId, cycle],
        );
        return {
          cycle,
          capVnd: await capOf(tx, tenantId, defaultCapVnd),
          spentVnd: toInt(rows[0]?.spent_vnd),
          reservedVnd: toInt(rows[0]?.reserved_vnd),
          balanceVnd: await balanceOf(tx, tenantId),
        };
      });
    },
  };
}

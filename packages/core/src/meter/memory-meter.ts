import { BudgetExceededError } from '../errors';
import type { MeterAuthorizationV1, MeterV1, UsageEventV1 } from './v1';
import { meterAuthorizeRequestSchema, parseMeterInput, usageEventSchema } from './meter-schemas';
import { estimateCostVnd, eventCostVnd, priceOf, type ModelPriceTableVnd } from './usage-cost';

/** Options for {@link createMemoryMeter}. */
export interface MemoryMeterOptions {
  /** Spending cap per tenant in integer VND (platform-key usage only), or a lookup. */
  readonly budgets: Readonly<Record<string, number>> | ((tenantId: string) => number | undefined);
  /** Model prices keyed by `'provider:modelId'`. */
  readonly prices: ModelPriceTableVnd;
  /**
   * Cap for tenants missing from `budgets`. Default `0`: fail closed, since platform-key calls
   * spend real money.
   */
  readonly defaultBudgetVnd?: number;
}

/** A tenant's budget position. */
export interface MeterSummaryVnd {
  /** Monthly budget per tenant, in VND. */
  readonly budgetVnd: number;
  /** Settled (recorded) billable cost. */
  readonly spentVnd: number;
  /** Held by open authorizations. */
  readonly reservedVnd: number;
}

/** The in-memory meter: a {@link MeterV1} plus read-outs for tests and the dashboard in dev. */
export interface MemoryMeter extends MeterV1 {
  /** Spent, reserved and remaining budget of a tenant. */
  summary(tenantId: string): MeterSummaryVnd;
  /** Recorded events, oldest first (each `id` once). */
  events(tenantId?: string): UsageEventV1[];
}

interface Reservation {
  readonly tenantId: string;
  readonly reservedVnd: number;
}

/**
 * Creates the reference {@link MeterV1}, kept in memory: `authorize` reserves the worst-case cost
 * and throws {@link BudgetExceededError} when spent + reserved + this reservation would pass the
 * tenant's cap (checked and reserved in one JS turn, so parallel calls cannot overspend); `record`
 * is idempotent on `event.id` and settles its authorization at the actual cost; `release` frees an
 * unused reservation. Own-key calls reserve nothing and are recorded as non-billable. The Postgres
 * meter in `@agent-chatbot/billing` implements the same rules; both pass the testkit's `meterContract`.
 * Budgets here never reset (no billing periods); the billing package adds those.
 *
 * @example
 * ```ts
 * const meter = createMemoryMeter({
 *   budgets: { 'tenant-1': 200_000 },
 *   prices: { 'openai:gpt-4o-mini': { inputVndPerMillionTokens: 4_000, outputVndPerMillionTokens: 16_000 } },
 * });
 * const authorization = await meter.authorize({ tenantId: 'tenant-1', keySource: 'platform', idempotencyKey: messageId,
 *   estimate: { provider: 'openai', modelId: 'gpt-4o-mini', inputTokens: 1_200, maxOutputTokens: 800 } });
 * ```
 */
export function createMemoryMeter(options: MemoryMeterOptions): MemoryMeter {
  const lookupBudget =
    typeof options.budgets === 'function' ? options.budgets : (tenantId: string) => (options.budgets as Record<string, number>)[tenantId];
  const budgetOf = (tenantId: string): number => lookupBudget(tenantId) ?? options.defaultBudgetVnd ?? 0;
  const reservations = new Map<string, Reservation>();
  const reservedByTenant = new Map<string, number>();
  const authorizationsByKey = new Map<string, MeterAuthorizationV1>();
  const spent = new Map<string, number>();
  const recorded = new Map<string, UsageEventV1>();

  function adjustReserved(tenantId: string, deltaVnd: number): void {
    const next = (reservedByTenant.get(tenantId) ?? 0) + deltaVnd;
    if (next === 0) reservedByTenant.delete(tenantId);
    else reservedByTenant.set(tenantId, next);
  }

  /** Removes a live reservation (settled or released); `undefined` when it was already gone. */
  function settle(authorizationId: string): Reservation | undefined {
    const reservation = reservations.get(authorizationId);
    if (reservation === undefined) return undefined;
    reservations.delete(authorizationId);
    adjustReserved(reservation.tenantId, -reservation.reservedVnd);
    return reservation;
  }

  function summary(tenantId: string): MeterSummaryVnd {
    return { budgetVnd: budgetOf(tenantId), spentVnd: spent.get(tenantId) ?? 0, reservedVnd: reservedByTenant.get(tenantId) ?? 0 };
  }

  return {
    specificationVersion: 'v1',

    // Everything below runs synchronously inside each async function: check-and-reserve is atomic.
    async authorize(input) {
      const request = parseMeterInput(meterAuthorizeRequestSchema, input, 'authorization request', 'Yêu cầu cấp hạn mức');
      const dedupKey = `${request.tenantId}\u0000${request.idempotencyKey}`;
      const existing = authorizationsByKey.get(dedupKey);
      if (existing !== undefined) return existing;

      const reservedVnd =
        request.keySource === 'own'
          ? 0
          : estimateCostVnd(priceOf(options.prices, request.estimate.provider, request.estimate.modelId), request.estimate);
      if (reservedVnd > 0) {
        const position = summary(request.tenantId);
        if (position.spentVnd + position.reservedVnd + reservedVnd > position.budgetVnd) {
          throw new BudgetExceededError(undefined, undefined, {
            details: { ...position, requestedVnd: reservedVnd },
          });
        }
      }
      const authorization: MeterAuthorizationV1 = { id: globalThis.crypto.randomUUID(), reservedVnd };
      reservations.set(authorization.id, { tenantId: request.tenantId, reservedVnd });
      adjustReserved(request.tenantId, reservedVnd);
      authorizationsByKey.set(dedupKey, authorization);
      return authorization;
    },

    async record(input) {
      parseMeterInput(usageEventSchema, input, 'usage event', 'Sự kiện sử dụng');
      const event = input; // validated; kept as given so provider `raw` usage survives
      if (recorded.has(event.id)) return;
      const pending = event.authorizationId === undefined ? undefined : reservations.get(event.authorizationId);
      // Only the tenant's own reservation is settled; a foreign authorization id is ignored.
      const reservation = pending?.tenantId === event.tenantId ? settle(event.authorizationId!) : undefined;
      let costVnd = 0;
      if (event.billable) {
        const computed = eventCostVnd(priceOf(options.prices, event.provider, event.modelId), event);
        costVnd = computed ?? reservation?.reservedVnd ?? 0;
      }
      recorded.set(event.id, event);
      spent.set(event.tenantId, (spent.get(event.tenantId) ?? 0) + costVnd);
    },

    async release(authorization) {
      settle(authorization.id);
    },

    summary,

    events(tenantId) {
      const all = [...recorded.values()];
      return tenantId === undefined ? all : all.filter((event) => event.tenantId === tenantId);
    },
  };
}

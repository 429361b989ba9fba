import { BudgetExceededError, ValidationError } from '../errors';
import type { MeterAuthorizationV1, MeterV1, UsageEventV1 } from './v1';
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
  readonly budgetVnd: number;
  /** Settled (recorded) billable cost. */
  readonly spentVnd: number;
  /** Held by open authorizations. */
  readonly reservedVnd: number;
}

/** The in-memory meter: a {@link MeterV1} plus read-outs for tests and the dashboard in dev. */
export interface MemoryMeter extends MeterV1 {
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
  const authorizationsByKey = new Map<string, MeterAuthorizationV1>();
  const spent = new Map<string, number>();
  const recorded = new Map<string, UsageEventV1>();

  function reservedFor(tenantId: string): number {
    let total = 0;
    for (const reservation of reservations.values()) if (reservation.tenantId === tenantId) total += reservation.reservedVnd;
    return total;
  }

  function summary(tenantId: string): MeterSummaryVnd {
    return { budgetVnd: budgetOf(tenantId), spentVnd: spent.get(tenantId) ?? 0, reservedVnd: reservedFor(tenantId) };
  }

  return {
    specificationVersion: 'v1',

    // Everything below runs synchronously inside each async function: check-and-reserve is atomic.
    async authorize(request) {
      if (!request.tenantId || !request.idempotencyKey) {
        throw new ValidationError('tenantId and idempotencyKey are required', 'Thiếu tenantId hoặc idempotencyKey');
      }
      const { inputTokens, maxOutputTokens } = request.estimate;
      if (![inputTokens, maxOutputTokens].every((value) => Number.isFinite(value) && value >= 0)) {
        throw new ValidationError('Token estimates must be non-negative numbers', 'Ước lượng token phải là số không âm');
      }
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
      authorizationsByKey.set(dedupKey, authorization);
      return authorization;
    },

    async record(event) {
      if (!event.id || !event.tenantId) {
        throw new ValidationError('Usage events need an id and a tenantId', 'Sự kiện sử dụng cần id và tenantId');
      }
      if (recorded.has(event.id)) return;
      const reservation = event.authorizationId === undefined ? undefined : reservations.get(event.authorizationId);
      let costVnd = 0;
      if (event.billable) {
        const computed = eventCostVnd(priceOf(options.prices, event.provider, event.modelId), event);
        costVnd = computed ?? reservation?.reservedVnd ?? 0;
      }
      if (event.authorizationId !== undefined && reservation?.tenantId === event.tenantId) {
        reservations.delete(event.authorizationId);
      }
      recorded.set(event.id, event);
      spent.set(event.tenantId, (spent.get(event.tenantId) ?? 0) + costVnd);
    },

    async release(authorization) {
      reservations.delete(authorization.id);
    },

    summary,

    events(tenantId) {
      const all = [...recorded.values()];
      return tenantId === undefined ? all : all.filter((event) => event.tenantId === tenantId);
    },
  };
}

import type { LanguageModelV1Usage } from '../../language-model/v1';

/** Where the key for a model call came from: the tenant's own, or the platform's (billed). */
export type KeySourceV1 = 'own' | 'platform';

/** The maximum a call may cost, reserved before it runs (prompt tokens + max output tokens). */
export interface UsageEstimateV1 {
  /** Provider of the model about to be called. */
  readonly provider: string;
  /** Model about to be called. */
  readonly modelId: string;
  /** Estimated prompt tokens. */
  readonly inputTokens: number;
  /** Most tokens the answer may use. */
  readonly maxOutputTokens: number;
}

/** A reservation from {@link MeterV1.authorize}; settled by {@link MeterV1.record} or released. */
export interface MeterAuthorizationV1 {
  /** Reservation id; pass it back when recording usage. */
  readonly id: string;
  /** Reserved amount in integer VND. */
  readonly reservedVnd: number;
}

/** One usage fact. `record` is idempotent on `id`. */
export interface UsageEventV1 {
  /** Idempotency id of the event (recording twice counts once). */
  readonly id: string;
  /** The tenant billed. */
  readonly tenantId: string;
  /** The reservation this usage settles. */
  readonly authorizationId?: string;
  /** Model call or embedding. */
  readonly kind: 'llm' | 'embedding';
  /** Provider called. */
  readonly provider: string;
  /** Model called. */
  readonly modelId: string;
  /** Whose key paid. */
  readonly keySource: KeySourceV1;
  /** Own-key calls are recorded with `billable: false`. */
  readonly billable: boolean;
  /** Provider-reported tokens. */
  readonly usage: LanguageModelV1Usage | { readonly tokens: number };
  /** When the call finished. */
  readonly occurredAt: Date;
  /** Conversation and message the usage belongs to, when there is one. */
  readonly conversationId?: string;
  /** The reply the call produced, when there was one. */
  readonly messageId?: string;
}

/**
 * Metering and budget, version 1. The engine calls `authorize` before a platform-key call — it
 * throws {@link BudgetExceededError} when the reservation would pass the tenant's cap, so parallel
 * replies cannot overspend — then `record` with the provider-reported usage, or `release`.
 */
export interface MeterV1 {
  /** Contract version this meter implements. */
  readonly specificationVersion: 'v1';
  /**
   * Reserves the worst-case cost of one call for `tenantId` (nothing for own-key calls). Idempotent
   * on `idempotencyKey`; throws {@link BudgetExceededError} (402) past the cap.
   */
  authorize(request: {
    tenantId: string;
    estimate: UsageEstimateV1;
    keySource: KeySourceV1;
    idempotencyKey: string;
  }): Promise<MeterAuthorizationV1>;
  /** Settles a call at its provider-reported usage (frees the rest of the reservation); idempotent on `event.id`. */
  record(event: UsageEventV1): Promise<void>;
  /** Returns a reservation unused (the call failed before any usage). */
  release(authorization: MeterAuthorizationV1): Promise<void>;
}

import { AgentChatbotError } from '../errors';
import type { UsageEstimateV1, UsageEventV1 } from './v1';

/** A model's price in integer-friendly units: VND per one million tokens. */
export interface ModelPriceVnd {
  /** Price of one million input tokens, in VND. */
  readonly inputVndPerMillionTokens: number;
  /** Price of one million output tokens, in VND. */
  readonly outputVndPerMillionTokens: number;
}

/** Prices keyed by `'provider:modelId'`, e.g. `'openai:gpt-4o-mini'`. */
export type ModelPriceTableVnd = Readonly<Record<string, ModelPriceVnd>>;

/** Looks up a model's price; a missing price is an operator mistake (500), never free usage. */
export function priceOf(prices: ModelPriceTableVnd, provider: string, modelId: string): ModelPriceVnd {
  const price = prices[`${provider}:${modelId}`];
  if (price === undefined) {
    throw new AgentChatbotError({
      code: 'price_not_configured',
      message: `No price configured for ${provider}:${modelId}`,
      messageVi: `Chưa cấu hình giá cho mô hình ${provider}:${modelId}`,
      status: 500,
      isRetryable: false,
      details: { provider, modelId },
    });
  }
  return price;
}

/** The most a call can cost: the whole prompt plus every allowed output token, rounded up to 1 VND. */
export function estimateCostVnd(price: ModelPriceVnd, estimate: UsageEstimateV1): number {
  return Math.ceil(
    (estimate.inputTokens * price.inputVndPerMillionTokens + estimate.maxOutputTokens * price.outputVndPerMillionTokens) /
      1_000_000,
  );
}

/**
 * What a recorded event costs, rounded up to 1 VND; `undefined` when the provider reported no token
 * counts (the caller then settles at the reserved amount rather than billing nothing).
 */
export function eventCostVnd(price: ModelPriceVnd, event: UsageEventV1): number | undefined {
  const usage = event.usage;
  if ('tokens' in usage) {
    return Math.ceil((usage.tokens * price.inputVndPerMillionTokens) / 1_000_000);
  }
  const input = usage.inputTokens.total;
  const output = usage.outputTokens.total;
  if (input === undefined && output === undefined) return undefined;
  return Math.ceil(((input ?? 0) * price.inputVndPerMillionTokens + (output ?? 0) * price.outputVndPerMillionTokens) / 1_000_000);
}

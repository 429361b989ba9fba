import type { LanguageModelV1, LanguageModelV1CallOptions, LanguageModelV1StreamPart, LanguageModelV1Usage } from '../language-model/v1';
import { eventCostVnd, type ModelPriceTableVnd } from '../meter/usage-cost';
import type { KeySourceV1, MeterAuthorizationV1, MeterV1, UsageEventV1 } from '../meter/v1';
import type { LanguageModelV1Middleware } from './language-model-middleware';

/** What {@link meteringMiddleware} reports after each successful call. */
export interface MeteredUsage {
  /** The usage event recorded. */
  readonly event: UsageEventV1;
  /** Cost from the price table in integer VND (0 when the model has no price). */
  readonly costVnd: number;
  /** Provider-reported usage. */
  readonly usage: LanguageModelV1Usage;
}

/** Options of {@link meteringMiddleware}. */
export interface MeteringMiddlewareOptions {
  /** The tenant billed. */
  readonly tenantId: string;
  /** Whose key the model runs on. */
  readonly keySource: KeySourceV1;
  /** Reserves before and records after every call; without one, usage is only reported. */
  readonly meter?: MeterV1;
  /** Prices used for the recorded cost. */
  readonly prices?: ModelPriceTableVnd;
  /** Unique per call (the usage event id and the reservation's idempotency key). */
  readonly callId: () => string;
  /** Conversation the calls answer. */
  readonly conversationId?: string;
  /** Message the calls answer. */
  readonly messageId?: string;
  /** Prompt size estimate for the reservation; about 3 characters per token by default. */
  readonly estimateTokens?: (text: string) => number;
  /** Called after each recorded call. */
  readonly onUsage?: (usage: MeteredUsage) => void;
}

/** `'openai.chat'` → `'openai'`: price tables and meters key models by the provider's name. */
export function providerName(model: LanguageModelV1): string {
  return model.provider.split('.')[0] ?? model.provider;
}

/** The price-table cost of a usage, 0 when the model has no price. */
export function usageCostVnd(prices: ModelPriceTableVnd | undefined, event: UsageEventV1): number {
  const price = prices?.[`${event.provider}:${event.modelId}`];
  return price ? (eventCostVnd(price, event) ?? 0) : 0;
}

/**
 * Budget reservation and metering around a model: before each call it asks the meter to reserve
 * the worst case (prompt estimate + `maxOutputTokens`; {@link BudgetExceededError} stops the call),
 * releases the reservation when the call fails, and records the provider-reported usage after it.
 * Own-key calls are recorded as non-billable.
 *
 * @example
 * ```ts
 * const metered = wrapLanguageModel({
 *   model,
 *   middleware: meteringMiddleware({ meter, tenantId: 'shop-1', keySource: 'platform', callId: () => crypto.randomUUID() }),
 * });
 * ```
 */
export function meteringMiddleware(options: MeteringMiddlewareOptions): LanguageModelV1Middleware {
  const estimate = options.estimateTokens ?? ((text: string) => Math.ceil(text.length / 3));

  async function authorize(model: LanguageModelV1, params: LanguageModelV1CallOptions, callId: string) {
    if (!options.meter) return undefined;
    const inputTokens = params.prompt.reduce((sum, message) => sum + estimate(message.content) + 4, 0);
    return options.meter.authorize({
      tenantId: options.tenantId,
      keySource: options.keySource,
      idempotencyKey: callId,
      estimate: { provider: providerName(model), modelId: model.modelId, inputTokens, maxOutputTokens: params.maxOutputTokens ?? 1024 },
    });
  }

  async function record(model: LanguageModelV1, usage: LanguageModelV1Usage, callId: string, authorization?: MeterAuthorizationV1) {
    const event: UsageEventV1 = {
      id: callId,
      tenantId: options.tenantId,
      authorizationId: authorization?.id,
      kind: 'llm',
      provider: providerName(model),
      modelId: model.modelId,
      keySource: options.keySource,
      billable: options.keySource === 'platform',
      usage,
      occurredAt: new Date(),
      conversationId: options.conversationId,
      messageId: options.messageId,
    };
    await options.meter?.record(event);
    options.onUsage?.({ event, costVnd: usageCostVnd(options.prices, event), usage });
  }

  return {
    async wrapGenerate({ doGenerate, params, model }) {
      const callId = options.callId();
      const authorization = await authorize(model, params, callId);
      let result;
      try {
        result = await doGenerate();
      } catch (error) {
        if (authorization) await options.meter?.release(authorization);
        throw error;
      }
      await record(model, result.usage, callId, authorization);
      return result;
    },

    async wrapStream({ doStream, params, model }) {
      const callId = options.callId();
      const authorization = await authorize(model, params, callId);
      let settled = false;
      const release = async () => {
        if (settled) return;
        settled = true;
        if (authorization) await options.meter?.release(authorization);
      };
      let result;
      try {
        result = await doStream();
      } catch (error) {
        await release();
        throw error;
      }
      const metered = result.stream.pipeThrough(
        new TransformStream<LanguageModelV1StreamPart, LanguageModelV1StreamPart>({
          async transform(part, controller) {
            if (part.type === 'finish' && !settled) {
              settled = true;
              await record(model, part.usage, callId, authorization);
            } else if (part.type === 'error') {
              await release();
            }
            controller.enqueue(part);
          },
          // A stream that ends without `finish` reported no usage: nothing was billed.
          flush: release,
          cancel: release,
        }),
      );
      return { ...result, stream: metered };
    },
  };
}

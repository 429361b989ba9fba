import { z } from 'zod';
import type { CacheV1 } from '../cache/v1';
import type { EmbeddingModelV1 } from '../embedding-model/v1';
import type { LanguageModelV1 } from '../language-model/v1';
import type { ModelPriceTableVnd } from '../meter/usage-cost';
import type { KeySourceV1, MeterV1 } from '../meter/v1';
import type { RateLimiterV1 } from '../rate-limiter/v1';
import type { RetrieverV1 } from '../retriever/v1';
import type { BotEventEmitter } from './bot-events';
import type { AnswerRoute, AnswerSource, ConversationStoreV1 } from './conversation-store';
import type { Limits } from './limits';
import type { Persona } from './persona';
import { personaToneSchema } from './persona';

/** One customer message to answer, as the runtime worker, the test chat or an app passes it. */
export const answerInputSchema = z
  .object({
    /** Overrides the bot's tenant (the retriever namespace, cache and store partition). */
    tenantId: z.string().min(1).max(100).optional(),
    text: z.string().max(4000),
    /** Channel name (`zalo`, `web`, `api`…); `api` by default. */
    channel: z.string().min(1).max(40).optional(),
    /** An existing conversation's id (from a previous result). */
    conversationId: z.string().min(1).max(200).optional(),
    /** The channel's conversation id, upserted. */
    externalConversationId: z.string().min(1).max(300).optional(),
    contact: z.object({ externalId: z.string().min(1).max(300), name: z.string().max(200).optional() }).optional(),
    /** Provider message id: a redelivered message is answered once. */
    externalMessageId: z.string().min(1).max(300).optional(),
    /** Skip the answer cache (`Cache-Control: no-cache`). */
    skipCache: z.boolean().optional(),
    /** Per-request overrides (test chat). */
    tier: z.enum(['cheap', 'premium']).optional(),
    tone: personaToneSchema.optional(),
    maxOutputTokens: z.number().int().min(16).max(4096).optional(),
    /** Overrides the knowledge version the cache is keyed by. */
    knowledgeVersion: z.union([z.string().min(1), z.number()]).optional(),
    /**
     * Earlier turns supplied by the caller (an OpenAI-compatible request carries its own history):
     * used instead of the stored recent messages.
     */
    history: z
      .array(z.object({ role: z.enum(['customer', 'bot', 'agent']), content: z.string().max(8000) }).strict())
      .max(200)
      .optional(),
    /** `false`: store the reply but do not hand it to the channel / deliver hook. */
    deliver: z.boolean().optional(),
  })
  .strict();

/** Input of {@link answerMessage}. */
export type AnswerInput = z.input<typeof answerInputSchema> & { abortSignal?: AbortSignal };

/** What the engine did with one customer message. */
export interface AnswerResult {
  /** The reply text; empty when a person holds the conversation (`route: 'human'`). */
  readonly text: string;
  /** How the reply was produced. */
  readonly route: AnswerRoute;
  /** Why this route: `exact-cache`, `semantic-cache`, `faq-match`, `default-cheap`, `tenant-premium`, `long-question`, `multi-part`, `cheap-fallback`, `no-model`, `budget-exceeded`, `nothing-relevant`, `handoff-keyword`, … */
  readonly routeReason: string;
  /** `'provider:modelId'` of the model that answered, when one did. */
  readonly model?: string;
  /** Whose key paid for the model call (`own` or `platform`), when a model answered. */
  readonly keySource?: KeySourceV1;
  /** Provider-reported tokens of the calls for this answer (0 when no model ran). */
  readonly tokensIn: number;
  /** Output tokens the provider reported. */
  readonly tokensOut: number;
  /** Cost of those calls in integer VND, from the price table. */
  readonly costVnd: number;
  /** Whether the answer cache produced the reply. */
  readonly cacheHit: boolean;
  /** Knowledge chunks the reply relied on. */
  readonly sources: ReadonlyArray<AnswerSource>;
  /** True when the conversation is now held by a person. */
  readonly handoff: boolean;
  /** Buttons to offer (e.g. "Gặp nhân viên" after a fallback). */
  readonly quickReplies?: ReadonlyArray<string>;
  /** The tenant that answered. */
  readonly tenantId: string;
  /** The conversation the message belongs to. */
  readonly conversationId: string;
  /** The customer who wrote. */
  readonly contactId: string;
  /** Id of the stored customer message. */
  readonly customerMessageId: string;
  /** Id of the stored reply (absent when the bot stayed silent). */
  readonly replyMessageId?: string;
  /** True when this message was already answered (redelivery): the stored reply is returned. */
  readonly duplicate?: boolean;
}

/** One part of a streamed answer: text deltas, then the final result. */
export type AnswerStreamPart =
  | { readonly type: 'text-delta'; readonly delta: string }
  | { readonly type: 'finish'; readonly result: AnswerResult };

/** A model with the key it runs on (for metering: `platform` is billed, `own` is not). */
export interface ModelEntry {
  /** The model to call. */
  readonly model: LanguageModelV1;
  /** Whose key this model runs on. */
  readonly keySource: KeySourceV1;
}

/** What the engine sends for delivery: the runtime queues a job, the SDK calls the channel. */
export interface Delivery {
  /** The tenant sending the reply. */
  readonly tenantId: string;
  /** The conversation the reply belongs to. */
  readonly conversationId: string;
  /** The channel to send through, e.g. `zalo`. */
  readonly channel: string;
  /** The channel's own conversation id. */
  readonly externalConversationId?: string;
  /** Id of the stored reply (delivery outcome is recorded on it). */
  readonly messageId: string;
  /** The reply text. */
  readonly text: string;
  /** Suggested answers to offer with the reply. */
  readonly quickReplies?: ReadonlyArray<string>;
}

/** Outcome of a delivery (optional: the runtime's queue reports later). */
export type DeliveryOutcome = void | { readonly status: 'sent' | 'failed' | 'skipped'; readonly externalId?: string; readonly error?: string };

/** Everything the engine needs for one tenant; {@link createBot} builds it from friendlier options. */
export interface EngineConfig {
  /** Default tenant when an input names none. */
  readonly tenantId: string;
  /** Model chains per tier: the first entry answers, the next ones take over on retryable errors. */
  readonly models: { readonly cheap: ReadonlyArray<ModelEntry>; readonly premium: ReadonlyArray<ModelEntry> };
  /** Knowledge search; without one only small talk, handoff and fallback answers are possible. */
  readonly retriever?: RetrieverV1;
  /** Contacts, conversations and messages. */
  readonly store: ConversationStoreV1;
  /** Answer cache and answering locks. */
  readonly cache?: CacheV1;
  /** Token buckets per tenant and customer. */
  readonly rateLimiter?: RateLimiterV1;
  /** Budget reservation and usage recording around model calls. */
  readonly meter?: MeterV1;
  /** Prices for the cost on each message, keyed `'provider:modelId'` (provider = the part before the first dot). */
  readonly prices?: ModelPriceTableVnd;
  /** Enables embedding similarity in the semantic answer cache. */
  readonly embeddingModel?: EmbeddingModelV1;
  /** The tenant's bot persona. */
  readonly persona: Persona;
  /** Context, length and relevance limits. */
  readonly limits: Limits;
  /** Version answers are cached under (a value, or a function of the tenant). */
  readonly knowledgeVersion?: string | number | ((tenantId: string) => string | number | Promise<string | number>);
  /** Receives the bot's events. */
  readonly emitter?: BotEventEmitter;
  /** Sends a stored reply to the customer's channel. */
  readonly deliver?: (delivery: Delivery) => Promise<DeliveryOutcome>;
  /** Strings that must never reach a customer (keys, tokens); redacted from every answer. */
  readonly secrets?: ReadonlyArray<string>;
  /**
   * Receives work that may finish after the answer (the running-summary refresh), so replies and
   * streams are not held up by it; without it that work is awaited before the answer returns.
   */
  readonly waitUntil?: (task: Promise<unknown>) => void;
}

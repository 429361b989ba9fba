import type { CacheV1 } from '../cache/v1';
import { createMemoryCache } from '../cache/memory-cache';
import type { ChannelV1 } from '../channel/v1';
import type { EmbeddingModelV1 } from '../embedding-model/v1';
import { ValidationError } from '../errors';
import { answerCachePrefix } from '../engine/answer-cache';
import { answerMessage } from '../engine/answer-message';
import type { AnswerInput, AnswerResult, AnswerStreamPart, Delivery, DeliveryOutcome, EngineConfig } from '../engine/answer-types';
import { attachListeners, BotEventEmitter, type BotEventListeners } from '../engine/bot-events';
import type { ConversationStoreV1 } from '../engine/conversation-store';
import { limitsSchema, type LimitsInput } from '../engine/limits';
import { createMemoryConversationStore } from '../engine/memory-conversation-store';
import { personaSchema, type PersonaInput } from '../engine/persona';
import type { ModelPriceTableVnd } from '../meter/usage-cost';
import type { KeySourceV1, MeterV1 } from '../meter/v1';
import type { RateLimiterV1 } from '../rate-limiter/v1';
import type { ProviderRegistry } from '../registry/create-provider-registry';
import type { RetrieverV1 } from '../retriever/v1';
import type { LoggerV1 } from '../shared/v1';
import { createChannelHost, silentLogger } from './channel-host';
import { resolveModelChain, type ModelSpec } from './resolve-models';
import { splitText } from '../text/split-text';

/** Options of {@link createBot}. Everything but the knowledge is optional. */
export interface CreateBotOptions<TChannels extends Record<string, ChannelV1<unknown>> = Record<string, never>> {
  /** The tenant (retriever namespace, cache and store partition); `'default'` for a single bot. */
  tenantId?: string;
  /** One model for every answer (the cheap tier). */
  model?: ModelSpec;
  /** Cheap and premium tiers; the premium one takes long, multi-part and cheap-fallback questions. */
  models?: { cheap: ModelSpec; premium?: ModelSpec };
  /** Appended to every tier's chain: takes over on retryable errors. */
  failover?: ModelSpec;
  /** Resolves string model ids. */
  registry?: Pick<ProviderRegistry, 'languageModel'>;
  /** Whose key the models run on; `platform` (billed) when a meter is given, else `own`. */
  keySource?: KeySourceV1;
  /** Finds the knowledge chunks an answer may use (searched in the tenant's namespace only). */
  retriever?: RetrieverV1;
  /** Conversations and messages; in memory by default. */
  store?: ConversationStoreV1;
  /** Answer cache and webhook de-duplication; in memory by default. */
  cache?: CacheV1;
  /** Token buckets per tenant and per customer; unlimited when omitted. */
  rateLimiter?: RateLimiterV1;
  /** Budget reservation and usage recording before/after every model call. */
  meter?: MeterV1;
  /** Prices for the cost stored on each reply (`'openai:gpt-4o-mini'` → VND per million tokens). */
  prices?: ModelPriceTableVnd;
  /** Adds embedding similarity to the semantic answer cache. */
  embeddingModel?: EmbeddingModelV1;
  /** Bot name, tone, greeting, fallback text and handoff keywords (validated; Vietnamese defaults). */
  persona?: PersonaInput;
  /** Context, length and relevance limits (validated; defaults keep prompts small). */
  limits?: LimitsInput;
  /** Answers are cached per knowledge version; bump it (or call `invalidateCache`) when knowledge changes. */
  knowledgeVersion?: EngineConfig['knowledgeVersion'];
  /** Channels by name: `bot.webhooks.<name>` handles their webhooks and replies go back through them. */
  channels?: TChannels;
  /** Delivers replies (the runtime queues a job); defaults to the conversation's channel `doSend`. */
  deliver?: (delivery: Delivery) => Promise<DeliveryOutcome>;
  /** Listeners subscribed at creation. */
  events?: BotEventListeners;
  /** Strings never to show a customer (keys, tokens): redacted from answers. */
  secrets?: ReadonlyArray<string>;
  /** Where channel and background errors are logged; silent by default. */
  logger?: LoggerV1;
}

/** A bot: answers messages, handles its channels' webhooks, emits typed events. */
export interface Bot<TChannels extends Record<string, ChannelV1<unknown>> = Record<string, never>> {
  /** The tenant this bot answers for (`'default'` when none was given). */
  readonly tenantId: string;
  /** The resolved engine configuration ({@link answerMessage} takes the same). */
  readonly config: EngineConfig;
  /** The per-instance event emitter (`bot.events.on('reply.generated', …)`). */
  readonly events: BotEventEmitter;
  /** Same as `events.on`. */
  on: BotEventEmitter['on'];
  /** Same as `events.off`. */
  off: BotEventEmitter['off'];
  /** Answers one message (a string is a message in a fresh API conversation). */
  answer(input: AnswerInput | string): Promise<AnswerResult>;
  /** Streams one answer: text deltas, then `finish` with the full result. */
  stream(input: AnswerInput | string): AsyncIterable<AnswerStreamPart>;
  /** Webhook handlers by channel name: `(request: Request) => Promise<Response>`. */
  readonly webhooks: { readonly [K in keyof TChannels]: (request: Request) => Promise<Response> };
  /**
   * Initialises every channel with its host now (webhook handlers otherwise do it on first use);
   * needed before a channel delivers events by other means (polling, tests).
   */
  initialize(): Promise<void>;
  /** Drops the tenant's cached answers (knowledge changed); returns how many keys went. */
  invalidateCache(tenantId?: string): Promise<number>;
  /** Gives a conversation back to the bot (`human: false`) or to staff (`human: true`). */
  setHumanMode(input: { conversationId: string; human: boolean; tenantId?: string }): Promise<void>;
  /** Resolves when every answer started by a webhook has finished. */
  idle(): Promise<void>;
}

/**
 * Creates a bot from a model, a retriever and (optionally) channels, stores and limits. Cheap and
 * synchronous: no I/O until the first message, so one per tenant per request is fine.
 *
 * @example
 * ```ts
 * import { createBot } from '@agent-chatbot/core';
 * import { createOpenAI } from '@agent-chatbot/llm-openai';
 *
 * const openai = createOpenAI({ apiKey: process.env.OPENAI_API_KEY });
 * const bot = createBot({
 *   models: { cheap: openai.languageModel('gpt-4o-mini'), premium: openai.languageModel('gpt-4o') },
 *   retriever, // e.g. from @agent-chatbot/rag
 *   persona: { name: 'Mai', businessName: 'Shop Hoa Mai', tone: 'thân thiện' },
 *   limits: { maxOutputTokens: 300 },
 * });
 * bot.on('handoff.requested', ({ conversationId }) => notifyStaff(conversationId));
 * const reply = await bot.answer({ text: 'ship HN mat may ngay?', externalConversationId: 'visitor-42' });
 * console.log(reply.text, reply.route, reply.costVnd);
 * ```
 */
export function createBot<TChannels extends Record<string, ChannelV1<unknown>> = Record<string, never>>(
  options: CreateBotOptions<TChannels> = {},
): Bot<TChannels> {
  const persona = personaSchema.safeParse(options.persona ?? {});
  const limits = limitsSchema.safeParse(options.limits ?? {});
  if (!persona.success || !limits.success) {
    const issues = [...(persona.error?.issues ?? []), ...(limits.error?.issues ?? [])];
    throw new ValidationError('Invalid bot options', 'Cấu hình bot không hợp lệ', { details: { issues } });
  }
  if (options.model !== undefined && options.models !== undefined) {
    throw new ValidationError('Give either model or models, not both', 'Chỉ cấu hình model hoặc models, không cả hai');
  }
  const tenantId = options.tenantId ?? 'default';
  const keySource = options.keySource ?? (options.meter ? 'platform' : 'own');
  const chain = (spec: ModelSpec | undefined) => resolveModelChain(spec, { registry: options.registry, keySource, failover: options.failover });
  const cache = options.cache ?? createMemoryCache({ maxEntries: 50_000 });
  const emitter = new BotEventEmitter();
  attachListeners(emitter, options.events);
  const channels = (options.channels ?? {}) as TChannels;
  const pending = new Set<Promise<unknown>>();
  const initialized = new Map<string, Promise<void>>();

  const deliverThroughChannel = async (delivery: Delivery): Promise<DeliveryOutcome> => {
    const channel = Object.values(channels).find((candidate) => candidate.platform === delivery.channel);
    if (!channel || !delivery.externalConversationId) return { status: 'skipped' };
    const maxLength = channel.capabilities.maxTextLength;
    const texts = maxLength ? splitText(delivery.text, maxLength) : [delivery.text];
    const quickReplies = delivery.quickReplies && channel.capabilities.messageParts.includes('quick-replies') ? delivery.quickReplies : undefined;
    let externalId: string | undefined;
    for (const [index, text] of texts.entries()) {
      const last = index === texts.length - 1;
      const sent = await channel.doSend({
        conversationId: delivery.externalConversationId,
        message: { text, ...(last && quickReplies ? { quickReplies } : {}) },
      });
      if (sent.status === 'failed') return { status: 'failed', error: sent.error.message };
      externalId ??= sent.messageId;
    }
    return { status: 'sent', externalId };
  };

  const config: EngineConfig = {
    tenantId,
    models: { cheap: chain(options.models?.cheap ?? options.model), premium: chain(options.models?.premium) },
    retriever: options.retriever,
    store: options.store ?? createMemoryConversationStore(),
    cache,
    rateLimiter: options.rateLimiter,
    meter: options.meter,
    prices: options.prices,
    embeddingModel: options.embeddingModel,
    persona: persona.data,
    limits: limits.data,
    knowledgeVersion: options.knowledgeVersion,
    emitter,
    deliver: options.deliver ?? (Object.keys(channels).length > 0 ? deliverThroughChannel : undefined),
    secrets: options.secrets,
    waitUntil: (task) => track(task),
  };

  const toInput = (input: AnswerInput | string): AnswerInput => (typeof input === 'string' ? { text: input } : input);
  const track = (task: Promise<unknown>) => {
    pending.add(task);
    void task.finally(() => pending.delete(task));
  };

  const ensureInitialized = (name: string, channel: ChannelV1<unknown>): Promise<void> => {
    let ready = initialized.get(name);
    if (!ready) {
      const host = createChannelHost({
        channel, cache, tenantId, emitter, logger: options.logger ?? silentLogger, track,
        answer: async (event) => {
          if (channel.capabilities.typingIndicator) await channel.startTyping?.(event.conversationId).catch(() => undefined);
          return answerMessage(config, {
            channel: channel.platform,
            externalConversationId: event.conversationId,
            contact: { externalId: event.sender.id, ...(event.sender.name ? { name: event.sender.name } : {}) },
            text: event.message.text,
            externalMessageId: event.eventId,
          });
        },
      });
      ready = channel.initialize(host);
      initialized.set(name, ready);
    }
    return ready;
  };

  const webhooks = Object.fromEntries(
    Object.entries(channels).map(([name, channel]) => [
      name,
      async (request: Request) => {
        await ensureInitialized(name, channel);
        return channel.handleWebhook(request);
      },
    ]),
  ) as Bot<TChannels>['webhooks'];

  return {
    tenantId,
    config,
    events: emitter,
    on: emitter.on.bind(emitter),
    off: emitter.off.bind(emitter),
    answer: (input) => answerMessage(config, { ...toInput(input), stream: false }),
    stream: (input) => answerMessage(config, { ...toInput(input), stream: true }),
    webhooks,
    async initialize() {
      await Promise.all(Object.entries(channels).map(([name, channel]) => ensureInitialized(name, channel)));
    },
    invalidateCache: (target) => cache.deleteByPrefix(answerCachePrefix(target ?? tenantId)),
    async setHumanMode({ conversationId, human, tenantId: target }) {
      await config.store.updateConversation({
        tenantId: target ?? tenantId,
        conversationId,
        patch: human ? { mode: 'human', needsHuman: true } : { mode: 'bot', needsHuman: false, consecutiveFallbacks: 0 },
      });
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

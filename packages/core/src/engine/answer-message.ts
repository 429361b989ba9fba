import { ConflictError, ValidationError } from '../errors';
import { createAnswerCache, type AnswerCache } from './answer-cache';
import { answerInputSchema, type AnswerInput, type AnswerResult, type AnswerStreamPart, type EngineConfig } from './answer-types';
import { enforceRateLimit, resolveConversation, resolveKnowledgeVersion } from './conversation-step';
import { directFaqMatch, relevantChunks, scoreChunks, toSources } from './knowledge';
import { modelAnswer } from './model-answer';
import { fallbackDraft, noModelDraft } from './non-model-answers';
import { baseResult, finishTurn } from './reply-step';
import { asksForHuman, isAffirmative, smallTalk } from './routing';
import { isContextDependent, looksLikeEnglish } from './text-similarity';
import type { MessageRecord } from './conversation-store';
import type { ReplyDraft, TurnContext } from './turn-context';

const answerCaches = new WeakMap<EngineConfig, AnswerCache>();

function answerCacheOf(config: EngineConfig): AnswerCache | undefined {
  if (!config.cache) return undefined;
  let cache = answerCaches.get(config);
  if (!cache) {
    cache = createAnswerCache({
      cache: config.cache,
      ttlMs: config.limits.cacheTtlMs,
      threshold: config.limits.semanticCacheThreshold,
      embeddingModel: config.embeddingModel,
      embeddingThreshold: config.limits.embeddingCacheThreshold,
    });
    answerCaches.set(config, cache);
  }
  return cache;
}

function parseInput(input: AnswerInput): TurnContext['input'] {
  const { abortSignal, ...rest } = input;
  const parsed = answerInputSchema.safeParse(rest);
  if (!parsed.success) {
    throw new ValidationError('Invalid message', 'Tin nhắn không hợp lệ', { details: { issues: parsed.error.issues } });
  }
  if (!parsed.data.text.trim()) throw new ValidationError('The message is empty', 'Tin nhắn trống');
  return { ...parsed.data, abortSignal };
}

/**
 * Answers one customer message: contact and conversation upsert → store the message → stop if a
 * person holds the conversation → handoff keywords → rate limit → answer cache → retrieval (top K,
 * the tenant's namespace only) → fallback detection → direct FAQ answer → model (tier routing,
 * failover, budget reservation and metering) or the no-LLM answer → store the reply with every
 * decision → delivery → events → summary refresh. The runtime worker, the test chat, the public API
 * and {@link createBot} all go through here.
 *
 * With `stream: true` it returns an async iterable of text deltas followed by one `finish` part
 * whose `result.text` is authoritative (the guarded, length-capped answer).
 */
export function answerMessage(config: EngineConfig, input: AnswerInput & { stream: true }): AsyncIterable<AnswerStreamPart>;
export function answerMessage(config: EngineConfig, input: AnswerInput & { stream?: false }): Promise<AnswerResult>;
export function answerMessage(
  config: EngineConfig,
  input: AnswerInput & { stream?: boolean },
): Promise<AnswerResult> | AsyncIterable<AnswerStreamPart> {
  const { stream, ...rest } = input;
  return stream ? streamAnswer(config, rest) : runPipeline(config, rest);
}

async function* streamAnswer(config: EngineConfig, input: AnswerInput): AsyncGenerator<AnswerStreamPart> {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let settled: { result?: AnswerResult; error?: unknown } | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  runPipeline(config, input, (delta) => {
    queue.push(delta);
    notify();
  }).then(
    (result) => ((settled = { result }), notify()),
    (error: unknown) => ((settled = { error }), notify()),
  );
  let emitted = '';
  for (;;) {
    while (queue.length > 0) {
      const delta = queue.shift() ?? '';
      emitted += delta;
      yield { type: 'text-delta', delta };
    }
    if (settled) break;
    await new Promise<void>((resolve) => (wake = resolve));
  }
  if (settled.error !== undefined || !settled.result) throw settled.error;
  const result = settled.result;
  // Answers that did not stream (cache, FAQ, fallback) arrive as one delta before `finish`.
  if (result.text.startsWith(emitted) && result.text.length > emitted.length) {
    yield { type: 'text-delta', delta: result.text.slice(emitted.length) };
  }
  yield { type: 'finish', result };
}

async function runPipeline(config: EngineConfig, rawInput: AnswerInput, onDelta?: (delta: string) => void): Promise<AnswerResult> {
  const input = parseInput(rawInput);
  const tenantId = input.tenantId ?? config.tenantId;
  const channel = input.channel ?? 'api';
  const text = input.text.trim();
  const { store, emitter } = config;
  const { contact, conversation } = await resolveConversation(store, tenantId, channel, input);
  const stored = await store.appendMessage({
    tenantId,
    conversationId: conversation.id,
    message: { role: 'customer', content: text, externalId: input.externalMessageId },
  });
  const turn: TurnContext = {
    config,
    input,
    tenantId,
    channel,
    persona: input.tone ? { ...config.persona, tone: input.tone } : config.persona,
    limits: config.limits,
    text,
    contact,
    conversation: (await store.getConversation({ tenantId, conversationId: conversation.id })) ?? conversation,
    customerMessage: stored.message,
    usage: { tokensIn: 0, tokensOut: 0, costVnd: 0 },
  };

  // One answer per customer message, even when a redelivery races the first attempt.
  const claimed = config.cache
    ? await config.cache.setIfNotExists(`answering:${encodeURIComponent(tenantId)}:${stored.message.id}`, 1, { ttlMs: 120_000 })
    : true;
  if (!stored.created) {
    const reply = await store.findReply({ tenantId, conversationId: conversation.id, messageId: stored.message.id });
    if (reply) return storedResult(turn, reply);
    if (!claimed) {
      throw new ConflictError('This message is already being answered', 'Tin nhắn này đang được trả lời', { code: 'answer_in_progress' });
    }
  } else {
    emitter?.emit('message.received', {
      tenantId, conversationId: conversation.id, contactId: contact.id, messageId: stored.message.id, channel, text,
    });
  }

  if (turn.conversation.mode === 'human') {
    emitter?.emit('handoff.requested', { tenantId, conversationId: conversation.id, reason: 'human-mode', text });
    return {
      ...baseResult(turn), text: '', route: 'human', routeReason: 'human-mode', tokensIn: 0, tokensOut: 0, costVnd: 0,
      cacheHit: false, sources: [], handoff: true,
    };
  }
  if (asksForHuman(text, turn.persona.handoffKeywords)) {
    return finishTurn(turn, { text: turn.persona.handoffText, route: 'handoff', routeReason: 'handoff-keyword', handoff: 'keyword' });
  }
  // "có" right after a fallback that offered a person accepts the offer.
  if (turn.conversation.consecutiveFallbacks > 0 && isAffirmative(text)) {
    return finishTurn(turn, { text: turn.persona.handoffText, route: 'handoff', routeReason: 'handoff-accepted', handoff: 'keyword' });
  }
  await enforceRateLimit(config, turn);
  const talk = smallTalk(text);
  if (talk) {
    // Greetings and thanks get the persona's own reply: no retrieval, no model, not a fallback.
    const reply = talk === 'greeting' ? turn.persona.greeting : turn.persona.thanksText;
    return finishTurn(turn, { text: reply, route: 'no-llm', routeReason: talk });
  }
  return finishTurn(turn, await decideAnswer(turn, onDelta));
}

async function decideAnswer(turn: TurnContext, onDelta?: (delta: string) => void): Promise<ReplyDraft> {
  const { config, limits, tenantId, text } = turn;
  const contextual = isContextDependent(text);
  const answerCache = turn.input.skipCache || contextual ? undefined : answerCacheOf(config);
  const cacheKey = answerCache?.key(tenantId, await resolveKnowledgeVersion(config, tenantId, turn.input.knowledgeVersion), text);
  if (answerCache && cacheKey) {
    const hit = await answerCache.lookup(cacheKey);
    if (hit) {
      config.emitter?.emit('cache.hit', { tenantId, conversationId: turn.conversation.id, kind: hit.kind, question: text });
      return { text: hit.answer.text, route: 'cache', routeReason: `${hit.kind}-cache:${hit.answer.route}`, sources: hit.answer.sources, cacheHit: true };
    }
    config.emitter?.emit('cache.miss', { tenantId, conversationId: turn.conversation.id, question: text });
  }

  // The recent turns, read only when needed: for a follow-up question ("còn màu khác không?") and
  // for the model's prompt — a direct FAQ answer, a product card or a fallback does without them.
  let recent: Promise<MessageRecord[]> | undefined;
  const history = (): Promise<MessageRecord[]> =>
    (recent ??= turn.input.history
      ? Promise.resolve(
          turn.input.history.slice(-limits.historyMessages).map((message, index): MessageRecord => ({
            ...message, id: `history-${index}`, tenantId, conversationId: turn.conversation.id, createdAt: new Date(0),
          })),
        )
      : config.store
          .listMessages({ tenantId, conversationId: turn.conversation.id, limit: limits.historyMessages + 1 })
          .then((messages) =>
            messages.filter((message) => message.id !== turn.customerMessage.id && (message.role === 'customer' || message.role === 'bot' || message.role === 'agent')),
          ));
  const previousQuestion = contextual ? [...(await history())].reverse().find((message) => message.role === 'customer')?.content : undefined;
  const query = previousQuestion ? `${previousQuestion} ${text}` : text;
  const retrieved = config.retriever
    ? (await config.retriever.doRetrieve({ namespace: tenantId, query, topK: limits.topK, abortSignal: turn.input.abortSignal })).chunks
    : [];
  const scored = scoreChunks(query, retrieved.slice(0, limits.topK));
  const english = looksLikeEnglish(text);
  const relevant = english ? scored : relevantChunks(scored, limits.relevanceThreshold);
  if (relevant.length === 0) return fallbackDraft(turn, 'nothing-relevant');

  let draft: ReplyDraft;
  const faq = english && config.models.cheap.length > 0 ? undefined : directFaqMatch(scoreChunks(text, retrieved.slice(0, limits.topK)), limits.faqConfidence);
  if (faq?.faq) draft = { text: faq.faq.answer, route: 'faq', routeReason: 'faq-match', sources: toSources([faq]) };
  else if (config.models.cheap.length === 0) draft = noModelDraft(turn, relevant, 'no-model');
  else draft = await modelAnswer(turn, relevant, await history(), onDelta);

  const cacheable = draft.route === 'faq' || draft.route === 'cheap' || draft.route === 'premium';
  if (answerCache && cacheKey && cacheable) {
    await answerCache.store(cacheKey, { text: draft.text, route: draft.route, model: draft.model, sources: draft.sources ?? [] });
  }
  return draft;
}

function storedResult(turn: TurnContext, reply: MessageRecord): AnswerResult {
  return {
    ...baseResult(turn),
    text: reply.content,
    route: reply.route ?? 'fallback',
    routeReason: reply.routeReason ?? 'stored',
    ...(reply.model ? { model: reply.model } : {}),
    ...(reply.keySource ? { keySource: reply.keySource } : {}),
    tokensIn: 0,
    tokensOut: 0,
    costVnd: 0,
    cacheHit: reply.route === 'cache',
    sources: reply.sources ?? [],
    handoff: turn.conversation.mode === 'human',
    replyMessageId: reply.id,
    duplicate: true,
  };
}

import { AgentChatbotError } from '../errors';
import { providerName } from '../middleware/metering-middleware';
import type { ModelEntry } from './answer-types';
import { chunkPromptText, cutAtSentence, toSources, trimToBudget, type ScoredChunk } from './knowledge';
import { runModelChain, type ModelChainResult } from './model-call';
import { fallbackDraft, noModelDraft } from './non-model-answers';
import { createOutputGuard } from './output-guard';
import { buildAnswerPrompt, FALLBACK_MARKER } from './prompt';
import { chooseTier } from './routing';
import type { ReplyDraft, TurnContext } from './turn-context';
import type { MessageRecord } from './conversation-store';

/** Whether a model's answer means "the knowledge does not say". */
function isFallbackAnswer(text: string, fallbackText: string): boolean {
  const trimmed = text.trim();
  return trimmed.length === 0 || trimmed.includes(FALLBACK_MARKER) || trimmed === fallbackText.trim();
}

/**
 * Answers with a model: builds the prompt (persona, data blocks, summary, recent turns), picks the
 * tier, calls the chain with failover, escalates a cheap fallback to premium, and guards the output
 * (a leaked instruction discards the answer; secrets are redacted; length is capped). Without a
 * usable model — rejected key, budget spent, providers down — it answers without one.
 */
export async function modelAnswer(
  turn: TurnContext,
  relevant: ReadonlyArray<ScoredChunk>,
  history: ReadonlyArray<MessageRecord>,
  onDelta?: (delta: string) => void,
): Promise<ReplyDraft> {
  const { config, limits, tenantId } = turn;
  const choice = chooseTier({ question: turn.text, tenantTier: limits.tier, requestTier: turn.input.tier, longQuestionChars: limits.longQuestionChars });
  const nonce = globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 12);
  const maxAnswerChars = turn.limits.maxAnswerChars;
  const { prompt, protectedText } = buildAnswerPrompt({
    persona: turn.persona,
    question: turn.text,
    knowledge: trimToBudget(relevant.map(chunkPromptText), limits.contextTokens),
    summary: turn.conversation.summary,
    history,
    maxAnswerChars,
    nonce,
  });
  const guard = createOutputGuard({ protectedText, nonce, secrets: config.secrets });
  const sources = toSources(relevant);
  const run = (entries: ReadonlyArray<ModelEntry>, tier: string): Promise<ModelChainResult> =>
    runModelChain({
      entries,
      prompt,
      maxOutputTokens: turn.input.maxOutputTokens ?? limits.maxOutputTokens,
      abortSignal: turn.input.abortSignal,
      metering: { tenantId, meter: config.meter, prices: config.prices, conversationId: turn.conversation.id, messageId: turn.customerMessage.id },
      callIdPrefix: `${turn.customerMessage.id}:${tier}`,
      onUsage: ({ event, costVnd, usage }) => {
        turn.usage.tokensIn += usage.inputTokens.total ?? 0;
        turn.usage.tokensOut += usage.outputTokens.total ?? 0;
        turn.usage.costVnd += costVnd;
        config.emitter?.emit('usage.recorded', { tenantId, conversationId: turn.conversation.id, purpose: 'answer', usage: event, costVnd });
      },
      guard,
      maxChars: maxAnswerChars,
      onDelta,
    });

  const hasPremium = config.models.premium.length > 0;
  let tier: 'cheap' | 'premium' = choice.tier === 'premium' && hasPremium ? 'premium' : 'cheap';
  let reason: string = choice.tier === 'premium' && !hasPremium ? `${choice.reason}:premium-unavailable` : choice.reason;
  let outcome: ModelChainResult;
  try {
    outcome = await run(tier === 'premium' ? config.models.premium : config.models.cheap, tier);
    if (tier === 'cheap' && hasPremium && !outcome.emitted && isFallbackAnswer(outcome.text, turn.persona.fallbackText)) {
      tier = 'premium';
      reason = 'cheap-fallback';
      outcome = await run(config.models.premium, tier);
    }
  } catch (error) {
    if (!AgentChatbotError.isInstance(error) && error instanceof Error && error.name === 'AbortError') throw error;
    const code = AgentChatbotError.isInstance(error) ? error.code : 'provider-error';
    return noModelDraft(turn, relevant, code === 'budget_exceeded' ? 'budget-exceeded' : `model-unavailable:${code}`);
  }

  const model = `${providerName(outcome.entry.model)}:${outcome.entry.model.modelId}`;
  const common = { model, keySource: outcome.entry.keySource, sources };
  if (guard.leaks(outcome.text)) return fallbackDraft(turn, 'output-guard', common);
  if (isFallbackAnswer(outcome.text, turn.persona.fallbackText)) return fallbackDraft(turn, `${tier}-fallback`, common);
  const text = cutAtSentence(guard.redact(outcome.text.trim()), maxAnswerChars);
  return { ...common, text, route: tier, routeReason: reason };
}

import { productCard, toSources, type ScoredChunk } from './knowledge';
import type { ReplyDraft, TurnContext } from './turn-context';

/**
 * The reply when nothing relevant was found (or the model could not answer): the tenant's fallback
 * text with an offer of a person, recorded as a fallback; the N-th fallback in a row hands the
 * conversation to a person instead.
 */
export function fallbackDraft(turn: TurnContext, reason: string, extra: Partial<ReplyDraft> = {}): ReplyDraft {
  const consecutive = turn.conversation.consecutiveFallbacks + 1;
  turn.config.emitter?.emit('fallback.triggered', {
    tenantId: turn.tenantId,
    conversationId: turn.conversation.id,
    question: turn.text,
    reason,
    consecutive,
  });
  const handoff = consecutive >= turn.limits.fallbacksBeforeHandoff;
  return {
    ...extra,
    text: handoff ? turn.persona.handoffText : turn.persona.fallbackText,
    route: 'fallback',
    routeReason: handoff ? `${reason}+handoff` : reason,
    isFallback: true,
    ...(handoff ? { handoff: 'consecutive-fallbacks' as const } : { quickReplies: [turn.persona.handoffLabel] }),
  };
}

/**
 * The answer without a model (none configured, key rejected, budget spent, providers down): the
 * best relevant FAQ answer, else the best relevant product card, else the fallback.
 */
export function noModelDraft(turn: TurnContext, candidates: ReadonlyArray<ScoredChunk>, reason: string): ReplyDraft {
  const relevant = candidates.filter((item) => item.relevance >= turn.limits.noModelRelevance);
  const answerable = relevant.filter((item) => item.kind !== 'passage');
  const bestPassage = Math.max(0, ...relevant.filter((item) => item.kind === 'passage').map((item) => item.relevance));
  // A document passage fits better than any FAQ or product: without a model, offer a person instead.
  if (answerable.every((item) => item.relevance < bestPassage)) return fallbackDraft(turn, `${reason}:nothing-answerable`);
  const faq = [...answerable].filter((item) => item.faq).sort((left, right) => right.relevance - left.relevance || right.faqMatch - left.faqMatch)[0];
  const product = answerable.filter((item) => item.kind === 'product').sort((left, right) => right.relevance - left.relevance)[0];
  if (faq?.faq && (!product || faq.relevance >= product.relevance)) {
    return { text: faq.faq.answer, route: 'no-llm', routeReason: `${reason}:faq`, sources: toSources([faq]) };
  }
  if (product) return { text: productCard(product.chunk), route: 'no-llm', routeReason: `${reason}:product`, sources: toSources([product]) };
  return fallbackDraft(turn, `${reason}:nothing-answerable`);
}

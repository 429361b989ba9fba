/** The wire shape of an answer (test chat final event, CLI `--json`). */
import type { AnswerResult } from '@agent-chatbot/core';
import { z } from 'zod';

/** An answer as the API and the CLI show it. */
export const answerJsonSchema = z.object({
  answer: z.string(),
  conversation_id: z.string(),
  message_id: z.string().nullable(),
  route: z.enum(['cache', 'faq', 'cheap', 'premium', 'no-llm', 'fallback', 'handoff', 'human']),
  route_reason: z.string(),
  model: z.string().nullable(),
  key_source: z.enum(['own', 'platform']).nullable(),
  tokens_in: z.number(),
  tokens_out: z.number(),
  cost_vnd: z.number(),
  cache_hit: z.boolean(),
  handoff: z.boolean(),
  sources: z.array(z.object({ id: z.string(), source_id: z.string(), score: z.number(), title: z.string().optional() })),
  quick_replies: z.array(z.string()),
});

/** Serialises an engine result. */
export function answerJson(result: AnswerResult): z.infer<typeof answerJsonSchema> {
  return {
    answer: result.text,
    conversation_id: result.conversationId,
    message_id: result.replyMessageId ?? null,
    route: result.route,
    route_reason: result.routeReason,
    model: result.model ?? null,
    key_source: result.keySource ?? null,
    tokens_in: result.tokensIn,
    tokens_out: result.tokensOut,
    cost_vnd: result.costVnd,
    cache_hit: result.cacheHit,
    handoff: result.handoff,
    sources: result.sources.map((source) => ({
      id: source.id,
      source_id: source.sourceId,
      score: Math.round(source.score * 1000) / 1000,
      ...(source.title ? { title: source.title } : {}),
    })),
    quick_replies: [...(result.quickReplies ?? [])],
  };
}

import { createOutputGuard } from './output-guard';
import { runModelChain } from './model-call';
import { buildSummaryPrompt } from './prompt';
import type { TurnContext } from './turn-context';

/**
 * Refreshes the running summary with the cheap model once `summaryEvery` messages have fallen out
 * of the recent window: the new summary folds them into the previous one, so the prompt carries
 * one short summary plus the last few messages instead of the whole history.
 */
export async function refreshSummary(turn: TurnContext): Promise<void> {
  const { config, tenantId, limits } = turn;
  if (config.models.cheap.length === 0) return;
  const conversation = turn.conversation;
  const windowStart = conversation.messageCount - limits.historyMessages;
  const pending = windowStart - conversation.summaryMessageCount;
  if (pending < limits.summaryEvery) return;
  // Refreshes run in the background: one per conversation at a time in this process.
  const key = `${tenantId}\u0000${conversation.id}`;
  if (refreshing.has(key)) return;
  refreshing.add(key);
  try {
    await summarise(turn, windowStart, pending);
  } finally {
    refreshing.delete(key);
  }
}

const refreshing = new Set<string>();

async function summarise(turn: TurnContext, windowStart: number, pending: number): Promise<void> {
  const { config, tenantId } = turn;
  const conversation = turn.conversation;
  const messages = (
    await config.store.listMessages({ tenantId, conversationId: conversation.id, offset: conversation.summaryMessageCount })
  ).slice(0, pending);
  const nonce = globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 12);
  const result = await runModelChain({
    entries: config.models.cheap,
    prompt: buildSummaryPrompt(conversation.summary, messages, nonce),
    maxOutputTokens: 160,
    abortSignal: turn.input.abortSignal,
    metering: { tenantId, meter: config.meter, prices: config.prices, conversationId: conversation.id },
    callIdPrefix: `${turn.customerMessage.id}:summary`,
    onUsage: ({ event, costVnd }) =>
      config.emitter?.emit('usage.recorded', { tenantId, conversationId: conversation.id, purpose: 'summary', usage: event, costVnd }),
    guard: createOutputGuard({ protectedText: '', nonce }),
    maxChars: 1200,
  });
  turn.conversation = await config.store.updateConversation({
    tenantId,
    conversationId: conversation.id,
    patch: { summary: result.text.trim().slice(0, 1200), summaryMessageCount: windowStart },
  });
}

import type { AnswerResult } from './answer-types';
import type { ConversationPatch } from './conversation-store';
import { refreshSummary } from './summary';
import type { ReplyDraft, TurnContext } from './turn-context';

/** The result fields shared by every outcome of a turn. */
export function baseResult(turn: TurnContext): Pick<AnswerResult, 'tenantId' | 'conversationId' | 'contactId' | 'customerMessageId'> {
  return {
    tenantId: turn.tenantId,
    conversationId: turn.conversation.id,
    contactId: turn.contact.id,
    customerMessageId: turn.customerMessage.id,
  };
}

/**
 * Finishes a turn: stores the reply with every decision (route, reason, model, tokens, cost,
 * sources), updates the fallback count and the conversation mode, hands the reply to delivery,
 * emits the events, and refreshes the running summary when it is due.
 */
export async function finishTurn(turn: TurnContext, draft: ReplyDraft): Promise<AnswerResult> {
  const { config, tenantId } = turn;
  const emitter = config.emitter;
  const deliver = turn.input.deliver !== false && config.deliver !== undefined;
  const { message: reply } = await config.store.appendMessage({
    tenantId,
    conversationId: turn.conversation.id,
    message: {
      role: 'bot',
      content: draft.text,
      inReplyTo: turn.customerMessage.id,
      model: draft.model,
      route: draft.route,
      routeReason: draft.routeReason,
      keySource: draft.keySource,
      tokensIn: turn.usage.tokensIn,
      tokensOut: turn.usage.tokensOut,
      costVnd: turn.usage.costVnd,
      sources: draft.sources ?? [],
      deliveryStatus: deliver ? 'pending' : 'skipped',
    },
  });

  const consecutiveFallbacks = draft.isFallback ? turn.conversation.consecutiveFallbacks + 1 : 0;
  const patch: ConversationPatch = { consecutiveFallbacks };
  if (draft.handoff) Object.assign(patch, { mode: 'human', needsHuman: true } satisfies ConversationPatch);
  // The conversation as the reply's append left it (stores answer this read from that write); a
  // patch that changes nothing is not written — the common case, an answered question.
  const conversationId = turn.conversation.id;
  const current = (await config.store.getConversation({ tenantId, conversationId })) ?? turn.conversation;
  turn.conversation =
    draft.handoff || current.consecutiveFallbacks !== consecutiveFallbacks
      ? await config.store.updateConversation({ tenantId, conversationId, patch })
      : current;

  const result: AnswerResult = {
    ...baseResult(turn),
    text: draft.text,
    route: draft.route,
    routeReason: draft.routeReason,
    ...(draft.model ? { model: draft.model } : {}),
    ...(draft.keySource ? { keySource: draft.keySource } : {}),
    tokensIn: turn.usage.tokensIn,
    tokensOut: turn.usage.tokensOut,
    costVnd: turn.usage.costVnd,
    cacheHit: draft.cacheHit ?? false,
    sources: draft.sources ?? [],
    handoff: draft.handoff !== undefined,
    ...(draft.quickReplies ? { quickReplies: draft.quickReplies } : {}),
    replyMessageId: reply.id,
  };

  if (draft.handoff) {
    emitter?.emit('handoff.requested', { tenantId, conversationId: turn.conversation.id, reason: draft.handoff, text: turn.text });
  }
  if (deliver) await deliverReply(turn, result);
  emitter?.emit('reply.generated', { tenantId, conversationId: turn.conversation.id, route: result.route, result });
  const summary = refreshSummary(turn).catch((error: unknown) => {
    emitter?.emit('error', { stage: 'summary', error, tenantId, conversationId: turn.conversation.id });
  });
  if (config.waitUntil) config.waitUntil(summary);
  else await summary;
  return result;
}

async function deliverReply(turn: TurnContext, result: AnswerResult): Promise<void> {
  const { config, tenantId } = turn;
  const messageId = result.replyMessageId ?? '';
  try {
    const outcome = await config.deliver?.({
      tenantId,
      conversationId: turn.conversation.id,
      channel: turn.conversation.channel,
      externalConversationId: turn.conversation.externalConversationId,
      messageId,
      text: result.text,
      quickReplies: result.quickReplies,
    });
    if (outcome) await config.store.updateDelivery({ tenantId, messageId, ...outcome });
  } catch (error) {
    await config.store.updateDelivery({ tenantId, messageId, status: 'failed', error: error instanceof Error ? error.message : String(error) });
    config.emitter?.emit('error', { stage: 'delivery', error, tenantId, conversationId: turn.conversation.id });
  }
}

/**
 * Streamed answers for web conversations: the answer job shows the typing indicator, publishes
 * the model's text deltas live to the widget (ephemeral realtime events), and names the stream in
 * the delivery job, whose final message (sent through the web channel like any reply) replaces
 * the streamed bubble. The stored reply and its delivery are the same as on every other channel.
 */
import type { WebChannel } from '@agent-chatbot/channel-web';
import type { AnswerResult } from '@agent-chatbot/core';
import { answerForTenant, type InboundTurn } from '../bots/answer-for-tenant';
import type { ChannelContext } from '../channels/channel-context';

/** Answers a web turn with streaming; `streamId` is set when deltas went out. */
export async function answerWebTurn(context: ChannelContext, turn: InboundTurn & { connectionId: string; externalConversationId: string }): Promise<{ result: AnswerResult; streamId?: string }> {
  const { runtime } = context;
  const log = runtime.logger.child({ channel: 'web', tenantId: turn.tenantId });
  let web: WebChannel | undefined;
  try {
    web = (await context.openChannel(turn.tenantId, turn.connectionId)).channel as unknown as WebChannel;
    await web.startTyping?.(turn.externalConversationId);
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, 'typing indicator not published');
  }
  const stream = web?.streamReply(turn.externalConversationId);
  let wrote = false;
  let result: AnswerResult | undefined;
  for await (const part of await answerForTenant(runtime, turn, { stream: true })) {
    if (part.type === 'finish') {
      result = part.result;
    } else if (stream && part.delta) {
      // Best effort: a realtime hiccup must not fail the answer (the final message still goes out).
      await stream.write(part.delta).then(
        () => void (wrote = true),
        (error: unknown) => log.warn({ err: String(error) }, 'delta not published'),
      );
    }
  }
  if (!result) throw new Error('the answer stream ended without a result');
  if (!result.replyMessageId && web) {
    // No reply (a person is handling the conversation): stop the dots now.
    await web.hub.publish({ type: 'typing', conversationId: turn.externalConversationId, on: false }).catch(() => {});
  }
  return { result, ...(wrote && stream ? { streamId: stream.streamId } : {}) };
}

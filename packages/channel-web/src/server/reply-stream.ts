import type { ChannelV1SendResult } from '@agent-chatbot/core';
import type { RealtimeMessageEvent } from '../client/protocol';
import type { RealtimeHub } from './realtime-hub';
import { randomId } from './visitor-token';

/** A streamed answer in progress, see {@link WebChannel.streamReply}. */
export interface WebReplyStream {
  /** Id the streamed reply is announced under. */
  readonly streamId: string;
  /** Publishes one text delta (the widget appends it; the typing indicator turns off). */
  write(delta: string): Promise<void>;
  /** Sends the final message (replacing the streamed bubble) and ends the stream. */
  finish(message?: { text?: string; quickReplies?: ReadonlyArray<string> }): Promise<ChannelV1SendResult>;
}

type Publish = (conversationId: string, message: Omit<RealtimeMessageEvent, 'id' | 'type' | 'conversationId' | 'createdAt'>) => Promise<ChannelV1SendResult>;

/** @internal Builds a {@link WebReplyStream} over the hub. */
export function streamReply(hub: RealtimeHub, conversationId: string, role: 'bot' | 'agent', publish: Publish): WebReplyStream {
  const streamId = randomId(9);
  let text = '';
  let finished = false;
  return {
    streamId,
    async write(delta) {
      if (finished || delta === '') return;
      text += delta;
      await hub.publish({ type: 'delta', conversationId, streamId, text: delta });
    },
    async finish(message = {}) {
      finished = true;
      const finalText = message.text ?? text;
      return publish(conversationId, {
        role,
        streamId,
        ...(finalText ? { text: finalText } : {}),
        ...(message.quickReplies?.length ? { quickReplies: message.quickReplies } : {}),
      });
    },
  };
}

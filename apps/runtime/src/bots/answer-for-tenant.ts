/**
 * The one entry point every channel, the test chat, the CLI and the OpenAI-compatible API use to
 * answer a customer message for a tenant: builds (or reuses) the tenant's engine and runs it.
 */
import type { AnswerResult, AnswerStreamPart, AttachmentV1 } from '@agent-chatbot/core';
import { answerMessage } from '@agent-chatbot/core';
import { engineForTurn, type BotRuntime } from './tenant-bot';

/** One inbound customer message, as a channel job or an API route hands it over. */
export interface InboundTurn {
  tenantId: string;
  /** `'zalo' | 'messenger' | 'telegram' | 'line' | 'web' | 'api' | 'test'`. */
  channel: string;
  /** `channel_connections.id` the message came through (absent for `api` / `test`). */
  connectionId?: string;
  /** Provider conversation ref (the ChannelV1 conversationId). */
  externalConversationId?: string;
  externalUserId?: string;
  displayName?: string;
  /** Provider event id: the engine refuses to answer it twice. */
  externalMessageId?: string;
  /** An existing conversation's id (CLI `--conversation`, dashboard). */
  conversationId?: string;
  text: string;
  attachments?: AttachmentV1[];
  /** Earlier turns supplied by the caller (OpenAI-compatible requests carry their own history). */
  history?: Array<{ role: 'customer' | 'bot' | 'agent'; content: string }>;
}

/** Per-request options (test chat, public API). */
export interface AnswerForTenantOptions {
  stream?: boolean;
  /** Skip the answer cache (`Cache-Control: no-cache`). */
  skipCache?: boolean;
  tier?: 'cheap' | 'premium';
  tone?: string;
  maxOutputTokens?: number;
  abortSignal?: AbortSignal;
}

/**
 * Answers one inbound message with the tenant's bot. The reply is stored (role `bot`, with model,
 * tokens, cost, sources, route and route reason); for channels that must deliver it its
 * `delivery_status` is `'pending'` and `result.replyMessageId` is the row to enqueue delivery for.
 *
 * @example const result = await answerForTenant(runtime, { tenantId, channel: 'zalo', connectionId, externalConversationId, externalUserId, text });
 */
export function answerForTenant(runtime: BotRuntime, turn: InboundTurn, options: AnswerForTenantOptions & { stream: true }): Promise<AsyncIterable<AnswerStreamPart>>;
export function answerForTenant(runtime: BotRuntime, turn: InboundTurn, options?: AnswerForTenantOptions & { stream?: false }): Promise<AnswerResult>;
export async function answerForTenant(
  runtime: BotRuntime,
  turn: InboundTurn,
  options: AnswerForTenantOptions = {},
): Promise<AnswerResult | AsyncIterable<AnswerStreamPart>> {
  const config = await engineForTurn(runtime, turn);
  const externalConversationId = turn.externalConversationId ?? (turn.conversationId ? undefined : turn.externalUserId);
  const input = {
    tenantId: turn.tenantId,
    channel: turn.channel,
    text: turn.text,
    ...(turn.conversationId ? { conversationId: turn.conversationId } : {}),
    ...(externalConversationId ? { externalConversationId } : {}),
    ...(turn.externalUserId ? { contact: { externalId: turn.externalUserId, ...(turn.displayName ? { name: turn.displayName } : {}) } } : {}),
    ...(turn.externalMessageId ? { externalMessageId: turn.externalMessageId } : {}),
    ...(turn.history ? { history: turn.history } : {}),
    ...(options.skipCache ? { skipCache: true } : {}),
    ...(options.tier ? { tier: options.tier } : {}),
    ...(options.tone ? { tone: options.tone } : {}),
    ...(options.maxOutputTokens ? { maxOutputTokens: options.maxOutputTokens } : {}),
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  };
  if (options.stream) return answerMessage(config, { ...input, stream: true });
  return answerMessage(config, input);
}

import { NotFoundError, RateLimitError } from '../errors';
import type { ContactRecord, ConversationRecord, ConversationStoreV1 } from './conversation-store';
import type { EngineConfig } from './answer-types';
import type { TurnContext } from './turn-context';

/**
 * Finds or creates the contact and the conversation of an incoming message: an existing
 * conversation by id (404 when it belongs to another tenant), or by the channel's conversation id.
 */
export async function resolveConversation(
  store: ConversationStoreV1,
  tenantId: string,
  channel: string,
  input: { conversationId?: string; externalConversationId?: string; contact?: { externalId: string; name?: string } },
): Promise<{ contact: ContactRecord; conversation: ConversationRecord }> {
  if (input.conversationId) {
    const conversation = await store.getConversation({ tenantId, conversationId: input.conversationId });
    if (!conversation) throw new NotFoundError('Conversation not found', 'Không tìm thấy cuộc trò chuyện');
    const contact: ContactRecord = input.contact
      ? await store.upsertContact({ tenantId, channel: conversation.channel, externalUserId: input.contact.externalId, name: input.contact.name })
      : { id: conversation.contactId, tenantId, channel: conversation.channel, externalUserId: conversation.externalConversationId ?? conversation.id };
    return { contact, conversation };
  }
  const externalConversationId = input.externalConversationId ?? input.contact?.externalId ?? `anonymous:${globalThis.crypto.randomUUID()}`;
  const who = { tenantId, channel, externalUserId: input.contact?.externalId ?? externalConversationId, name: input.contact?.name };
  if (store.upsertContactAndConversation) return store.upsertContactAndConversation({ ...who, externalConversationId });
  const contact = await store.upsertContact(who);
  const conversation = await store.upsertConversation({ tenantId, channel, externalConversationId, contactId: contact.id });
  return { contact, conversation };
}

/** Takes a token from the tenant's and the contact's buckets; throws {@link RateLimitError} when empty. */
export async function enforceRateLimit(config: EngineConfig, turn: Pick<TurnContext, 'tenantId' | 'contact' | 'limits'>): Promise<void> {
  const limiter = config.rateLimiter;
  const buckets = turn.limits.rateLimit;
  if (!limiter || !buckets) return;
  const checks: Array<[string, { capacity: number; refillPerSecond: number }]> = [];
  if (buckets.perContact) checks.push([`answer:${turn.tenantId}:${turn.contact.id}`, buckets.perContact]);
  if (buckets.perTenant) checks.push([`answer:${turn.tenantId}`, buckets.perTenant]);
  for (const [key, bucket] of checks) {
    const outcome = await limiter.consume(key, bucket);
    if (!outcome.allowed) {
      throw new RateLimitError({
        retryAfterMs: outcome.retryAfterMs,
        message: 'Too many messages, please wait a moment',
        messageVi: 'Anh/chị nhắn nhanh quá, vui lòng đợi một chút rồi thử lại',
      });
    }
  }
}

/** The knowledge version answers are cached under: the request's, the config's, or 1. */
export async function resolveKnowledgeVersion(config: EngineConfig, tenantId: string, requested?: string | number): Promise<string | number> {
  if (requested !== undefined) return requested;
  const configured = config.knowledgeVersion;
  return typeof configured === 'function' ? configured(tenantId) : (configured ?? 1);
}

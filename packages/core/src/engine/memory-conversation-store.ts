import { NotFoundError } from '../errors';
import type {
  ContactRecord,
  ConversationRecord,
  ConversationStoreV1,
  MessageRecord,
} from './conversation-store';

/** The in-memory store plus a read-out for tests and the dev dashboard. */
export interface MemoryConversationStore extends ConversationStoreV1 {
  /** Every message of a tenant, oldest first. */
  allMessages(tenantId: string): MessageRecord[];
}

/**
 * Creates a {@link ConversationStoreV1} kept in process memory: for the SDK on its own, tests and
 * the single-process embedded mode. Data is lost on restart.
 *
 * @example
 * ```ts
 * const bot = createBot({ model, retriever, store: createMemoryConversationStore() });
 * ```
 */
export function createMemoryConversationStore(): MemoryConversationStore {
  const contacts = new Map<string, ContactRecord>();
  const conversations = new Map<string, ConversationRecord>();
  const conversationKeys = new Map<string, string>();
  const messages = new Map<string, MessageRecord[]>();
  const messageTenants = new Map<string, { tenantId: string; conversationId: string }>();
  const newId = () => globalThis.crypto.randomUUID();
  const key = (...parts: string[]) => parts.join('\u0000');

  function conversationOf(tenantId: string, conversationId: string): ConversationRecord {
    const conversation = conversations.get(conversationId);
    if (!conversation || conversation.tenantId !== tenantId) throw new NotFoundError('Conversation not found', 'Không tìm thấy cuộc trò chuyện');
    return conversation;
  }

  return {
    specificationVersion: 'v1',

    async upsertContact({ tenantId, channel, externalUserId, name }) {
      const contactKey = key(tenantId, channel, externalUserId);
      const existing = contacts.get(contactKey);
      const contact: ContactRecord = existing
        ? { ...existing, name: name ?? existing.name }
        : { id: newId(), tenantId, channel, externalUserId, name };
      contacts.set(contactKey, contact);
      return contact;
    },

    async upsertConversation({ tenantId, channel, externalConversationId, contactId }) {
      const conversationKey = key(tenantId, channel, externalConversationId);
      const existingId = conversationKeys.get(conversationKey);
      if (existingId) return conversationOf(tenantId, existingId);
      const conversation: ConversationRecord = {
        id: newId(),
        tenantId,
        contactId,
        channel,
        externalConversationId,
        mode: 'bot',
        needsHuman: false,
        consecutiveFallbacks: 0,
        summaryMessageCount: 0,
        messageCount: 0,
      };
      conversations.set(conversation.id, conversation);
      conversationKeys.set(conversationKey, conversation.id);
      messages.set(conversation.id, []);
      return conversation;
    },

    async getConversation({ tenantId, conversationId }) {
      const conversation = conversations.get(conversationId);
      return conversation?.tenantId === tenantId ? conversation : undefined;
    },

    async updateConversation({ tenantId, conversationId, patch }) {
      const updated = { ...conversationOf(tenantId, conversationId), ...patch };
      conversations.set(conversationId, updated);
      return updated;
    },

    async appendMessage({ tenantId, conversationId, message }) {
      const conversation = conversationOf(tenantId, conversationId);
      const list = messages.get(conversationId) ?? [];
      if (message.externalId !== undefined) {
        const existing = list.find((stored) => stored.externalId === message.externalId);
        if (existing) return { message: existing, created: false };
      }
      const record: MessageRecord = { ...message, id: newId(), tenantId, conversationId, createdAt: new Date() };
      list.push(record);
      messages.set(conversationId, list);
      messageTenants.set(record.id, { tenantId, conversationId });
      conversations.set(conversationId, { ...conversation, messageCount: list.length });
      return { message: record, created: true };
    },

    async listMessages({ tenantId, conversationId, limit, offset }) {
      conversationOf(tenantId, conversationId);
      const list = (messages.get(conversationId) ?? []).slice(offset ?? 0);
      return limit === undefined ? list : list.slice(Math.max(0, list.length - limit));
    },

    async findReply({ tenantId, conversationId, messageId }) {
      conversationOf(tenantId, conversationId);
      return (messages.get(conversationId) ?? []).find((stored) => stored.inReplyTo === messageId && stored.role === 'bot');
    },

    async updateDelivery({ tenantId, messageId, status, externalId, error }) {
      const owner = messageTenants.get(messageId);
      if (!owner || owner.tenantId !== tenantId) throw new NotFoundError('Message not found', 'Không tìm thấy tin nhắn');
      const list = messages.get(owner.conversationId) ?? [];
      const index = list.findIndex((stored) => stored.id === messageId);
      const current = list[index];
      if (current) list[index] = { ...current, deliveryStatus: status, externalId: externalId ?? current.externalId, deliveryError: error };
    },

    allMessages(tenantId) {
      const all: MessageRecord[] = [];
      for (const conversation of conversations.values()) {
        if (conversation.tenantId === tenantId) all.push(...(messages.get(conversation.id) ?? []));
      }
      return all.sort((left, right) => left.createdAt.getTime() - right.createdAt.getTime());
    },
  };
}

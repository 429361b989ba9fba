import { describe, expect, it } from 'vitest';
import { createMemoryConversationStore } from '../engine/memory-conversation-store';
import type { ConversationStoreV1 } from '../engine/conversation-store';
import { checkConversationStoreV1 } from './index';

describe('checkConversationStoreV1', () => {
  it('passes the in-memory store', async () => {
    await expect(checkConversationStoreV1(createMemoryConversationStore())).resolves.toBeUndefined();
  });

  it('fails a store that ignores the tenant', async () => {
    const inner = createMemoryConversationStore();
    const leaky: ConversationStoreV1 = {
      ...inner,
      // Looks the conversation up under whichever tenant owns it: a cross-tenant leak.
      getConversation: async ({ conversationId }) =>
        (await inner.getConversation({ tenantId: 't1', conversationId })) ?? (await inner.getConversation({ tenantId: 't2', conversationId })),
    };
    await expect(checkConversationStoreV1(leaky, { tenants: ['t1', 't2'] })).rejects.toThrow(/another tenant cannot read/);
  });

  it('fails a store that does not de-duplicate by externalId', async () => {
    const inner = createMemoryConversationStore();
    const store: ConversationStoreV1 = { ...inner, appendMessage: (input) => inner.appendMessage({ ...input, message: { ...input.message, externalId: undefined } }) };
    await expect(checkConversationStoreV1(store)).rejects.toThrow(/de-duplicates by externalId/);
  });
});

import type { ConversationStoreV1 } from '../engine/conversation-store';

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`ConversationStoreV1 check failed: ${message}`);
}

async function rejectsOrEmpty(task: () => Promise<unknown>): Promise<boolean> {
  try {
    const value = await task();
    return value === undefined || (Array.isArray(value) && value.length === 0);
  } catch {
    return true;
  }
}

/**
 * Runs the rules the engine relies on against a {@link ConversationStoreV1} implementation (the
 * runtime's Postgres store, say) and throws an `Error` naming the first broken rule. Uses two
 * fresh tenant ids; framework-agnostic, so any test runner can call it.
 *
 * @example
 * ```ts
 * it('follows the store rules', () => checkConversationStoreV1(createPgConversationStore(db), { tenants: [a, b] }));
 * ```
 */
export async function checkConversationStoreV1(
  store: ConversationStoreV1,
  options: { tenants?: readonly [string, string] } = {},
): Promise<void> {
  const [tenantId, otherTenant] = options.tenants ?? [`check-a-${Date.now()}`, `check-b-${Date.now()}`];
  const contact = await store.upsertContact({ tenantId, channel: 'zalo', externalUserId: 'u1' });
  const again = await store.upsertContact({ tenantId, channel: 'zalo', externalUserId: 'u1', name: 'Lan' });
  assert(again.id === contact.id && again.name === 'Lan', 'upsertContact is idempotent by (tenant, channel, user) and updates the name');

  const conversation = await store.upsertConversation({ tenantId, channel: 'zalo', externalConversationId: 'zalo:u1', contactId: contact.id });
  const same = await store.upsertConversation({ tenantId, channel: 'zalo', externalConversationId: 'zalo:u1', contactId: contact.id });
  assert(same.id === conversation.id, 'upsertConversation is idempotent by (tenant, channel, external id)');
  assert(conversation.mode === 'bot' && conversation.consecutiveFallbacks === 0 && conversation.messageCount === 0, 'a new conversation is in bot mode with zero counts');

  if (store.upsertContactAndConversation) {
    const both = await store.upsertContactAndConversation({ tenantId, channel: 'zalo', externalUserId: 'u1', externalConversationId: 'zalo:u1' });
    assert(both.contact.id === contact.id && both.conversation.id === conversation.id, 'upsertContactAndConversation finds what the two upserts made');
    const fresh = await store.upsertContactAndConversation({ tenantId, channel: 'zalo', externalUserId: 'u2', name: 'Minh', externalConversationId: 'zalo:u2' });
    const freshContact = await store.upsertContact({ tenantId, channel: 'zalo', externalUserId: 'u2' });
    const freshConversation = await store.upsertConversation({ tenantId, channel: 'zalo', externalConversationId: 'zalo:u2', contactId: freshContact.id });
    assert(
      fresh.contact.id === freshContact.id && freshContact.name === 'Minh' && fresh.conversation.id === freshConversation.id && fresh.conversation.contactId === fresh.contact.id,
      'upsertContactAndConversation creates the same contact and conversation as the two upserts',
    );
  }

  const ids = { tenantId, conversationId: conversation.id };
  const first = await store.appendMessage({ ...ids, message: { role: 'customer', content: 'một', externalId: 'm1' } });
  const duplicate = await store.appendMessage({ ...ids, message: { role: 'customer', content: 'một', externalId: 'm1' } });
  assert(first.created && !duplicate.created && duplicate.message.id === first.message.id, 'appendMessage de-duplicates by externalId');
  const reply = await store.appendMessage({
    ...ids,
    message: { role: 'bot', content: 'hai', inReplyTo: first.message.id, route: 'cheap', routeReason: 'default-cheap', tokensIn: 10, tokensOut: 2, costVnd: 1, sources: [{ id: 'c1', sourceId: 's1', score: 1 }] },
  });
  await store.appendMessage({ ...ids, message: { role: 'customer', content: 'ba' } });
  const stored = await store.getConversation(ids);
  assert(stored?.messageCount === 3, 'messageCount counts stored messages');

  const all = await store.listMessages(ids);
  assert(all.map((message) => message.content).join(',') === 'một,hai,ba', 'listMessages returns messages oldest first');
  const lastTwo = await store.listMessages({ ...ids, limit: 2 });
  assert(lastTwo.map((message) => message.content).join(',') === 'hai,ba', 'listMessages({ limit }) returns the last N, oldest first');
  const fromSecond = await store.listMessages({ ...ids, offset: 1 });
  assert(fromSecond.map((message) => message.content).join(',') === 'hai,ba', 'listMessages({ offset }) skips from the start');

  const found = await store.findReply({ ...ids, messageId: first.message.id });
  assert(found?.id === reply.message.id && found.route === 'cheap' && found.costVnd === 1, 'findReply returns the bot reply with its decisions');
  assert(found.sources?.[0]?.id === 'c1', 'reply sources are stored');

  const updated = await store.updateConversation({ ...ids, patch: { mode: 'human', needsHuman: true, consecutiveFallbacks: 2, summary: 's', summaryMessageCount: 1 } });
  assert(updated.mode === 'human' && updated.consecutiveFallbacks === 2 && updated.summary === 's' && updated.messageCount === 3, 'updateConversation merges the patch');

  await store.updateDelivery({ tenantId, messageId: reply.message.id, status: 'sent', externalId: 'provider-1' });
  const delivered = (await store.listMessages(ids)).find((message) => message.id === reply.message.id);
  assert(delivered?.deliveryStatus === 'sent', 'updateDelivery records the outcome');

  assert((await store.getConversation({ tenantId: otherTenant, conversationId: conversation.id })) === undefined, "another tenant cannot read the conversation");
  assert(await rejectsOrEmpty(() => store.listMessages({ tenantId: otherTenant, conversationId: conversation.id })), "another tenant cannot list the messages");
  assert(await rejectsOrEmpty(() => store.findReply({ tenantId: otherTenant, conversationId: conversation.id, messageId: first.message.id })), "another tenant cannot find the reply");
  await store.updateConversation({ tenantId: otherTenant, conversationId: conversation.id, patch: { mode: 'bot' } }).catch(() => undefined);
  assert((await store.getConversation(ids))?.mode === 'human', 'another tenant cannot change the conversation');
}

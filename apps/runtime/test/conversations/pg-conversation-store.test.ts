import { checkConversationStoreV1 } from '@agent-chatbot/core/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgConversationStore } from '../../src/conversations/pg-conversation-store';
import type { Db } from '../../src/db/types';
import { testDrivers } from '../helpers/drivers';
import { seedTwoTenants, type TwoTenants } from '../helpers/seed';

const drivers = await testDrivers();

for (const driver of drivers) {
  if (driver.skip) console.warn(`[pg-conversation-store] ${driver.name} skipped: ${driver.skip}`);
  describe.skipIf(driver.skip)(`Postgres conversation store (${driver.name})`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let tenants: TwoTenants;

    beforeAll(async () => {
      ({ db, close } = await driver.open());
      tenants = await seedTwoTenants(db);
    }, 60_000);
    afterAll(() => close?.());

    it('passes checkConversationStoreV1 (no connection: keyed by channel)', async () => {
      await checkConversationStoreV1(createPgConversationStore(db), { tenants: [tenants.a.tenantId, tenants.b.tenantId] });
    });

    it('passes checkConversationStoreV1 bound to a channel connection', async () => {
      const store = createPgConversationStore(db, { connectionId: tenants.a.connectionId });
      await checkConversationStoreV1(store, { tenants: [tenants.a.tenantId, tenants.b.tenantId] });
    });

    it('keeps identities per connection apart and updates the contact name', async () => {
      const viaWidget = createPgConversationStore(db, { connectionId: tenants.a.connectionId });
      const viaApi = createPgConversationStore(db);
      const one = await viaWidget.upsertContact({ tenantId: tenants.a.tenantId, channel: 'web', externalUserId: 'visitor-x' });
      const two = await viaApi.upsertContact({ tenantId: tenants.a.tenantId, channel: 'web', externalUserId: 'visitor-x', name: 'Lan' });
      expect(two.id).not.toBe(one.id);
      const again = await viaApi.upsertContact({ tenantId: tenants.a.tenantId, channel: 'web', externalUserId: 'visitor-x' });
      expect(again).toMatchObject({ id: two.id, name: 'Lan' });
      const { rows } = await db.tenant(tenants.a.tenantId, (tx) => tx.query<{ name: string }>('SELECT name FROM contacts WHERE id = $1', [two.id]));
      expect(rows[0]?.name).toBe('Lan');
    });

    it('a returning customer takes the one-statement path: touched, renamed only by a new name, its conversation found or opened; another tenant never sees it', async () => {
      const store = createPgConversationStore(db, { connectionId: tenants.a.connectionId });
      const { a, b } = tenants;
      const who = { channel: 'zalo' as const, externalUserId: 'returning-1' };
      const first = await store.upsertContactAndConversation!({ tenantId: a.tenantId, ...who, name: 'Hoa', externalConversationId: 'zalo:returning-1' });
      const read = async () =>
        (
          await db.tenant(a.tenantId, (tx) =>
            tx.query<{ name: string | null; display_name: string | null; touched: Date }>(
              `SELECT c.name, i.display_name, i.last_inbound_at AS touched FROM contacts c JOIN contact_identities i ON i.contact_id = c.id WHERE c.id = $1`,
              [first.contact.id],
            ),
          )
        ).rows[0]!;
      const before = await read();

      // Same conversation, no name sent: the name is kept, the identity touched.
      const again = await store.upsertContactAndConversation!({ tenantId: a.tenantId, ...who, externalConversationId: 'zalo:returning-1' });
      expect(again.contact).toMatchObject({ id: first.contact.id, name: 'Hoa', tenantId: a.tenantId, channel: 'zalo', externalUserId: 'returning-1' });
      expect(again.conversation).toMatchObject({ id: first.conversation.id, contactId: first.contact.id, mode: 'bot' });
      const touched = await read();
      expect(touched.name).toBe('Hoa');
      expect(touched.touched.getTime()).toBeGreaterThanOrEqual(before.touched.getTime());

      // A new conversation of the returning customer is opened for it; a new name renames it.
      const renamed = await store.upsertContactAndConversation!({ tenantId: a.tenantId, ...who, name: 'Hoa Nguyễn', externalConversationId: 'zalo:returning-1:b' });
      expect(renamed.contact).toMatchObject({ id: first.contact.id, name: 'Hoa Nguyễn' });
      expect(renamed.conversation.id).not.toBe(first.conversation.id);
      expect(renamed.conversation).toMatchObject({ contactId: first.contact.id, externalConversationId: 'zalo:returning-1:b', messageCount: 0 });
      expect(await read()).toMatchObject({ name: 'Hoa Nguyễn', display_name: 'Hoa Nguyễn' });

      // An empty name (some channels send one) neither renames nor blanks the contact.
      const blank = await store.upsertContactAndConversation!({ tenantId: a.tenantId, ...who, name: '', externalConversationId: 'zalo:returning-1' });
      expect(blank.contact).toMatchObject({ id: first.contact.id, name: 'Hoa Nguyễn' });
      expect((await read()).name).toBe('Hoa Nguyễn');

      // Tenant B, same external ids: its own contact and conversation; A's rows unchanged.
      const other = await createPgConversationStore(db).upsertContactAndConversation!({ tenantId: b.tenantId, ...who, name: 'Khách B', externalConversationId: 'zalo:returning-1' });
      expect(other.contact.id).not.toBe(first.contact.id);
      expect(other.conversation.id).not.toBe(first.conversation.id);
      expect(other.conversation.tenantId).toBe(b.tenantId);
      expect(await read()).toMatchObject({ name: 'Hoa Nguyễn' });
    });

    it("a returning customer's turn only reads its conversation (no new row version); one whose contact was removed gets the customer's contact back", async () => {
      const store = createPgConversationStore(db, { connectionId: tenants.a.connectionId });
      const { tenantId } = tenants.a;
      const who = { tenantId, channel: 'zalo' as const, externalUserId: 'read-only-1', externalConversationId: 'zalo:read-only-1' };
      const first = await store.upsertContactAndConversation!(who);
      const version = async () =>
        (await db.tenant(tenantId, (tx) => tx.query<{ v: string; contact_id: string | null }>('SELECT xmin::text AS v, contact_id FROM conversations WHERE id = $1', [first.conversation.id]))).rows[0]!;
      const before = await version();
      const again = await store.upsertContactAndConversation!(who);
      expect(again.conversation).toEqual(first.conversation);
      // xmin is the transaction that wrote the row's current version: unchanged = not rewritten.
      expect((await version()).v).toBe(before.v);

      await db.tenant(tenantId, (tx) => tx.query('UPDATE conversations SET contact_id = NULL WHERE id = $1', [first.conversation.id]));
      const relinked = await store.upsertContactAndConversation!(who);
      expect(relinked.conversation).toMatchObject({ id: first.conversation.id, contactId: first.contact.id });
      expect((await version()).contact_id).toBe(first.contact.id);
    });

    it('onMessageStored runs in the storing transaction: its failure stores nothing, a redelivery skips it, after-commit work sees the commit', async () => {
      const { tenantId, conversationId } = tenants.a;
      const count = async (content: string) =>
        Number((await db.tenant(tenantId, (tx) => tx.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE content = $1', [content]))).rows[0]!.n);
      const failing = createPgConversationStore(db, {
        onMessageStored: async (tx) => {
          await tx.query(`INSERT INTO inbox_events (tenant_id, conversation_id, type, payload) VALUES ($1, $2, 'note.created', '{}')`, [tenantId, conversationId]);
          throw new Error('hook failed');
        },
      });
      await expect(failing.appendMessage({ tenantId, conversationId, message: { role: 'customer', content: 'không được lưu' } })).rejects.toThrow('hook failed');
      expect(await count('không được lưu')).toBe(0);

      const seen: string[] = [];
      let visibleAfterCommit = -1;
      const store = createPgConversationStore(db, {
        onMessageStored: async (_tx, { message }) => {
          seen.push(message.content);
          return async () => {
            visibleAfterCommit = await count(message.content);
          };
        },
      });
      const first = await store.appendMessage({ tenantId, conversationId, message: { role: 'customer', content: 'lưu một lần', externalId: 'hook-ext-1' } });
      const again = await store.appendMessage({ tenantId, conversationId, message: { role: 'customer', content: 'lưu một lần', externalId: 'hook-ext-1' } });
      expect([first.created, again.created]).toEqual([true, false]);
      expect(seen).toEqual(['lưu một lần']);
      expect(visibleAfterCommit).toBe(1);
    });

    it.runIf(driver.name === 'postgres')('a hook lock taken first (lockBeforeStore) cannot deadlock with a writer that takes it before the conversation row', async () => {
      const { tenantId, conversationId } = tenants.a;
      const lock = (tx: { query: (sql: string, params?: unknown[]) => Promise<unknown> }) => tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`deadlock-probe:${tenantId}`]);
      const store = createPgConversationStore(db, {
        lockBeforeStore: (tx) => lock(tx).then(() => undefined),
        onMessageStored: async (tx) => {
          await lock(tx);
        },
      });
      let locked!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      // Another writer: the lock first, then (a moment later) the conversation's row.
      const other = db.tenant(tenantId, async (tx) => {
        await lock(tx);
        locked();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.query('UPDATE conversations SET updated_at = now() WHERE id = $1', [conversationId]);
      });
      await holding;
      const appended = store.appendMessage({ tenantId, conversationId, message: { role: 'customer', content: 'không kẹt khoá' } });
      await expect(Promise.all([other, appended])).resolves.toHaveLength(2);
    });

    it('rejects a conversation of another tenant and bad ids without a database error', async () => {
      const store = createPgConversationStore(db);
      await expect(
        store.appendMessage({ tenantId: tenants.b.tenantId, conversationId: tenants.a.conversationId, message: { role: 'customer', content: 'x' } }),
      ).rejects.toMatchObject({ status: 404 });
      await expect(store.getConversation({ tenantId: tenants.a.tenantId, conversationId: 'not-a-uuid' })).resolves.toBeUndefined();
      await expect(store.updateDelivery({ tenantId: tenants.b.tenantId, messageId: tenants.a.messageId, status: 'sent' })).rejects.toMatchObject({ status: 404 });
    });

    it('answers concurrent first messages of one customer with one contact and one conversation', async () => {
      const store = createPgConversationStore(db);
      const tenantId = tenants.b.tenantId;
      const contacts = await Promise.all([1, 2, 3].map(() => store.upsertContact({ tenantId, channel: 'api', externalUserId: 'same-user' })));
      expect(new Set(contacts.map((contact) => contact.id)).size).toBe(1);
      const conversations = await Promise.all(
        [1, 2, 3].map(() => store.upsertConversation({ tenantId, channel: 'api', externalConversationId: 'same-conv', contactId: contacts[0]!.id })),
      );
      expect(new Set(conversations.map((conversation) => conversation.id)).size).toBe(1);
    });
  });
}

/**
 * The contract channel jobs rely on: `answerForTenant` stores the reply `pending` for channels that
 * deliver (and returns its id), answers a redelivered provider event once, keeps customers of
 * different connections apart, and streams deltas before the final result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerForTenant } from '../../src/bots/answer-for-tenant';
import type { Db } from '../../src/db/types';
import { testDrivers } from '../helpers/drivers';
import { startBotApp, type BotApp } from './bot-harness';

const drivers = await testDrivers();

for (const driver of drivers) {
  if (driver.skip) console.warn(`[answer-for-tenant] ${driver.name} skipped: ${driver.skip}`);
  describe.skipIf(driver.skip)(`answerForTenant (${driver.name})`, () => {
    let db: Db;
    let closeDb: () => Promise<void>;
    let app: BotApp;
    let connectionId: string;

    beforeAll(async () => {
      ({ db, close: closeDb } = await driver.open());
      app = await startBotApp(db);
      connectionId = await db.tenant(app.tenantId, async (tx) => {
        const { rows } = await tx.query<{ id: string }>(`INSERT INTO channel_connections (tenant_id, type, name) VALUES ($1, 'zalo', 'OA') RETURNING id`, [app.tenantId]);
        return rows[0]!.id;
      });
    }, 60_000);
    afterAll(async () => {
      await app?.close();
      await closeDb?.();
    });

    const zaloTurn = (eventId: string, text = 'Shop mở cửa mấy giờ?') => ({
      tenantId: app.tenantId,
      channel: 'zalo',
      connectionId,
      externalConversationId: 'zalo-user-1',
      externalUserId: 'zalo-user-1',
      displayName: 'Chị Lan',
      externalMessageId: eventId,
      text,
    });

    it('stores a channel reply as pending delivery and answers a redelivered event once', async () => {
      const first = await answerForTenant(app.runtime, zaloTurn('evt-1'));
      expect(first).toMatchObject({ route: 'faq', handoff: false });
      expect(first.replyMessageId).toBeDefined();
      const again = await answerForTenant(app.runtime, zaloTurn('evt-1'));
      expect(again).toMatchObject({ duplicate: true, replyMessageId: first.replyMessageId, conversationId: first.conversationId });
      const rows = await db.tenant(app.tenantId, (tx) =>
        tx.query<{ role: string; delivery_status: string | null; route: string | null }>(
          'SELECT role, delivery_status, route FROM messages WHERE conversation_id = $1 ORDER BY created_at',
          [first.conversationId],
        ),
      );
      expect(rows.rows).toEqual([
        { role: 'customer', delivery_status: null, route: null },
        { role: 'bot', delivery_status: 'pending', route: 'faq' },
      ]);
      const identity = await db.tenant(app.tenantId, (tx) =>
        tx.query<{ connection_id: string; display_name: string }>('SELECT connection_id, display_name FROM contact_identities WHERE external_user_id = $1', ['zalo-user-1']),
      );
      expect(identity.rows).toEqual([{ connection_id: connectionId, display_name: 'Chị Lan' }]);
    });

    it('does not deliver API answers, and streams deltas then the final result', async () => {
      const api = await answerForTenant(app.runtime, { tenantId: app.tenantId, channel: 'api', externalUserId: 'dev', text: 'Shop mở cửa mấy giờ?' });
      const status = await db.tenant(app.tenantId, (tx) => tx.query<{ delivery_status: string }>('SELECT delivery_status FROM messages WHERE id = $1', [api.replyMessageId]));
      expect(status.rows[0]?.delivery_status).toBe('skipped');

      const parts = [];
      for await (const part of await answerForTenant(app.runtime, zaloTurn('evt-2', 'Giờ mở cửa của shop?'), { stream: true })) parts.push(part);
      const final = parts.at(-1);
      expect(final?.type).toBe('finish');
      const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
      expect(final?.type === 'finish' && final.result.text).toBe(text);
    });

    it('refuses another tenant and an unknown tenant', async () => {
      const other = await app.otherTenant();
      const answered = await answerForTenant(app.runtime, zaloTurn('evt-3'));
      await expect(
        answerForTenant(app.runtime, { tenantId: other.tenantId, channel: 'test', conversationId: answered.conversationId, text: 'xin chào' }),
      ).rejects.toMatchObject({ status: 404 });
      await expect(answerForTenant(app.runtime, { ...zaloTurn('evt-4'), tenantId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ status: 404 });
    });
  });
}

import type { KeySourceV1 } from '@agent-chatbot/core';
import { billingCycle } from '../cycle';
import type { UsageMeters } from '../meters';
import { type BillingDb, type BillingTx, requireUuid, toInt } from './db';

/**
 * The meters of one tenant and cycle from `usage_events` (aggregated in SQL; same rules as the
 * pure `computeUsageMeters`): chats = distinct conversations of `message`/`chat` events.
 */
export async function loadUsageMeters(tx: BillingTx, tenantId: string, cycleId: string): Promise<UsageMeters> {
  const { start, end } = billingCycle(cycleId);
  const range = [tenantId, start, end];
  const totals = await tx.query<{ chats: unknown; messages: unknown; embedding: unknown; storage: unknown }>(
    `SELECT count(DISTINCT conversation_id) FILTER (WHERE kind IN ('message', 'chat')) AS chats,
            count(*) FILTER (WHERE kind = 'message') AS messages,
            coalesce(sum(CASE WHEN quantity > 0 THEN quantity ELSE tokens_in END) FILTER (WHERE kind = 'embedding'), 0)::bigint AS embedding,
            (SELECT quantity FROM usage_events WHERE tenant_id = $1 AND kind = 'storage' AND occurred_at >= $2 AND occurred_at < $3
              ORDER BY occurred_at DESC LIMIT 1) AS storage
       FROM usage_events WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3`,
    range,
  );
  const models = await tx.query<{ provider: string | null; model: string | null; key_source: KeySourceV1 | null; tokens_in: unknown; tokens_out: unknown; cost: unknown }>(
    `SELECT provider, model, key_source,
            sum(CASE WHEN kind = 'embedding' AND quantity > 0 THEN quantity ELSE tokens_in END)::bigint AS tokens_in,
            sum(tokens_out)::bigint AS tokens_out,
            coalesce(sum(cost_vnd) FILTER (WHERE billable), 0)::bigint AS cost
       FROM usage_events WHERE tenant_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND kind IN ('llm', 'embedding')
       GROUP BY provider, model, key_source ORDER BY provider, model, key_source`,
    range,
  );
  const row = totals.rows[0];
  const list = models.rows.map((model) => ({
    provider: model.provider ?? '',
    model: model.model ?? '',
    keySource: model.key_source ?? 'platform',
    tokensIn: toInt(model.tokens_in),
    tokensOut: toInt(model.tokens_out),
    costVnd: toInt(model.cost),
  }));
  return {
    chats: toInt(row?.chats),
    messages: toInt(row?.messages),
    models: list,
    embeddingTokens: toInt(row?.embedding),
    storageBytes: toInt(row?.storage),
    platformCostVnd: list.reduce((sum, model) => sum + model.costVnd, 0),
  };
}

/**
 * Records a bot reply for the chat and message meters (the runtime calls it when a bot message is
 * stored). Idempotent on the message id.
 */
export async function recordBotReply(
  db: BillingDb,
  input: { tenantId: string; conversationId: string; messageId: string; occurredAt?: Date },
): Promise<void> {
  requireUuid(input.tenantId, 'tenantId');
  await db.tenant(input.tenantId, (tx) => recordBotReplyIn(tx, input));
}

/**
 * {@link recordBotReply} inside the caller's tenant transaction — the one that stores the reply,
 * so the meter and the message commit together.
 */
export async function recordBotReplyIn(
  tx: BillingTx,
  input: { tenantId: string; conversationId: string; messageId: string; occurredAt?: Date },
): Promise<void> {
  requireUuid(input.tenantId, 'tenantId');
  requireUuid(input.conversationId, 'conversationId');
  requireUuid(input.messageId, 'messageId');
  await tx.query(
    `INSERT INTO usage_events (id, tenant_id, kind, conversation_id, message_id, quantity, occurred_at)
     VALUES ($1, $2, 'message', $3, $4, 1, $5) ON CONFLICT (id) DO NOTHING`,
    [`message:${input.messageId}`, input.tenantId, input.conversationId, input.messageId, input.occurredAt ?? new Date()],
  );
}

/** Records the tenant's current storage in bytes (the latest report in a cycle is its meter). */
export async function recordStorageBytes(db: BillingDb, input: { tenantId: string; bytes: number; occurredAt?: Date }): Promise<void> {
  requireUuid(input.tenantId, 'tenantId');
  const occurredAt = input.occurredAt ?? new Date();
  await db.tenant(input.tenantId, (tx) =>
    tx.query(
      `INSERT INTO usage_events (id, tenant_id, kind, quantity, occurred_at) VALUES ($1, $2, 'storage', $3, $4) ON CONFLICT (id) DO NOTHING`,
      [`storage:${input.tenantId}:${occurredAt.toISOString()}`, input.tenantId, Math.max(0, Math.trunc(input.bytes)), occurredAt],
    ),
  );
}

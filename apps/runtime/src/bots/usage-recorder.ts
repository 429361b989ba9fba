/** Writes the engine's usage events into `usage_events` (idempotent on the event id). */
import type { UsageEventV1 } from '@agent-chatbot/core';
import type { Db } from '../db/types';
import { isUuid } from '../conversations/rows';

/**
 * Records one model call's usage: provider-reported tokens, price-table cost, key source; own-key
 * calls are non-billable. A replayed event (same id) is ignored.
 */
export async function recordUsageEvent(db: Db, event: UsageEventV1, costVnd: number): Promise<void> {
  const usage = event.usage;
  const tokensIn = 'tokens' in usage ? usage.tokens : (usage.inputTokens.total ?? 0);
  const tokensOut = 'tokens' in usage ? 0 : (usage.outputTokens.total ?? 0);
  await db.tenant(event.tenantId, (tx) =>
    tx.query(
      `INSERT INTO usage_events (id, tenant_id, kind, provider, model, key_source, billable, tokens_in, tokens_out, quantity, cost_vnd,
         conversation_id, message_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (id) DO NOTHING`,
      [
        event.id,
        event.tenantId,
        event.kind,
        event.provider,
        event.modelId,
        event.keySource,
        event.billable,
        Math.round(tokensIn),
        Math.round(tokensOut),
        // Same meaning as the billing meter's rows: quantity counts embedding tokens only.
        event.kind === 'embedding' ? Math.round(tokensIn) : 0,
        event.billable ? costVnd : 0,
        event.conversationId && isUuid(event.conversationId) ? event.conversationId : null,
        event.messageId && isUuid(event.messageId) ? event.messageId : null,
        event.occurredAt,
      ],
    ),
  );
}

/**
 * `inbox.idle-return` (every minute, platform job): a human-mode conversation in which no person
 * did anything (take over, reply, note, assign) for the tenant's idle time — `settings.inbox.
 * idle_minutes`, 30 minutes by default — goes back to the bot, so a customer is never left with
 * nobody answering. Each change is an inbox event, published after commit. Inbox events older
 * than a day are pruned in the same sweep.
 */
import type { PubSubV1 } from '@agent-chatbot/core';
import type { Db } from '../db/types';
import { inboxChannel, toInboxEvent } from './inbox-events';
import { DEFAULT_IDLE_MINUTES } from './inbox-settings';

/** The job's name. */
export const INBOX_IDLE_RETURN_JOB = 'inbox.idle-return';

/** What one sweep changed. */
export interface IdleReturnResult {
  returned: Array<{ tenantId: string; conversationId: string }>;
}

/** Runs one sweep (at most 500 conversations; the next minute takes the rest). */
export async function runIdleReturn(deps: { db: Db; pubsub: PubSubV1 }, options: { defaultMinutes?: number } = {}): Promise<IdleReturnResult> {
  const events = await deps.db.platform(async (tx) => {
    const { rows } = await tx.query<{ id: string; tenant_id: string; conversation_id: string; type: 'conversation.mode'; payload: Record<string, unknown>; created_at: Date }>(
      `WITH idle AS (
         SELECT c.id, c.tenant_id FROM conversations c JOIN tenants t ON t.id = c.tenant_id
         WHERE c.mode = 'human'
           AND coalesce(c.agent_activity_at, c.human_since, c.updated_at) < now() - make_interval(mins =>
             greatest(1, CASE WHEN t.settings #>> '{inbox,idle_minutes}' ~ '^[0-9]{1,5}$' THEN (t.settings #>> '{inbox,idle_minutes}')::integer ELSE $1 END))
         ORDER BY c.tenant_id LIMIT 500
         FOR UPDATE OF c SKIP LOCKED
       ),
       changed AS (
         UPDATE conversations c SET mode = 'bot', human_since = NULL, assignee_id = NULL, consecutive_fallbacks = 0,
           handoff_notified_at = NULL, updated_at = now()
         FROM idle WHERE c.id = idle.id RETURNING c.id, c.tenant_id
       )
       INSERT INTO inbox_events (tenant_id, conversation_id, type, payload)
       SELECT tenant_id, id, 'conversation.mode', jsonb_build_object('mode', 'bot', 'assignee_id', NULL, 'reason', 'idle') FROM changed
       RETURNING id, tenant_id, conversation_id, type, payload, created_at`,
      [options.defaultMinutes ?? DEFAULT_IDLE_MINUTES],
    );
    await tx.query(`DELETE FROM inbox_events WHERE created_at < now() - interval '1 day'`);
    return rows;
  });
  for (const row of events) await deps.pubsub.publish(inboxChannel(row.tenant_id), toInboxEvent(row)).catch(() => {});
  return { returned: events.map((row) => ({ tenantId: row.tenant_id, conversationId: row.conversation_id })) };
}

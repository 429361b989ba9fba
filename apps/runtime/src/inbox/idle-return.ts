/**
 * `inbox.idle-return` (every minute, platform job): a human-mode conversation in which no person
 * did anything (take over, reply, note, assign) for the tenant's idle time — `settings.inbox.
 * idle_minutes`, 30 minutes by default — goes back to the bot, so a customer is never left with
 * nobody answering. The sweep finds the tenants with such conversations (one platform read), then
 * hands them back in one tenant transaction per tenant, with an inbox event for each. Inbox events
 * older than a day are pruned at the end.
 */
import type { Db } from '../db/types';
import { withInboxEvents, type InboxEventRuntime } from './inbox-events';
import { DEFAULT_IDLE_MINUTES } from './inbox-settings';

/** The job's name. */
export const INBOX_IDLE_RETURN_JOB = 'inbox.idle-return';

/** What one sweep changed. */
export interface IdleReturnResult {
  returned: Array<{ tenantId: string; conversationId: string }>;
}

/** The tenant's idle time in minutes, from its settings (the default when unset or damaged). */
const IDLE_MINUTES_SQL = `greatest(1, CASE WHEN t.settings #>> '{inbox,idle_minutes}' ~ '^[0-9]{1,5}$'
  THEN (t.settings #>> '{inbox,idle_minutes}')::integer ELSE $1 END)`;
const IDLE_SQL = `c.mode = 'human' AND coalesce(c.agent_activity_at, c.human_since, c.updated_at) < now() - make_interval(mins => ${IDLE_MINUTES_SQL})`;

/** Runs one sweep (at most 500 conversations per tenant; the next minute takes the rest). */
export async function runIdleReturn(runtime: InboxEventRuntime & { readonly db: Db }, options: { defaultMinutes?: number } = {}): Promise<IdleReturnResult> {
  const minutes = options.defaultMinutes ?? DEFAULT_IDLE_MINUTES;
  const tenants = await runtime.db.platform(async (tx) =>
    (
      await tx.query<{ tenant_id: string }>(
        `SELECT DISTINCT c.tenant_id FROM conversations c JOIN tenants t ON t.id = c.tenant_id WHERE ${IDLE_SQL} LIMIT 1000`,
        [minutes],
      )
    ).rows.map((row) => row.tenant_id),
  );
  const returned: IdleReturnResult['returned'] = [];
  for (const tenantId of tenants) {
    const ids = await withInboxEvents(runtime, tenantId, async (tx, events) => {
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE conversations c SET mode = 'bot', human_since = NULL, assignee_id = NULL, consecutive_fallbacks = 0, handoff_notified_at = NULL, updated_at = now()
         FROM tenants t
         WHERE c.id IN (SELECT c.id FROM conversations c JOIN tenants t ON t.id = c.tenant_id WHERE ${IDLE_SQL} LIMIT 500 FOR UPDATE OF c SKIP LOCKED)
           AND t.id = c.tenant_id
         RETURNING c.id`,
        [minutes],
      );
      for (const row of rows) await events.add(tx, 'conversation.mode', row.id, { mode: 'bot', assignee_id: null, reason: 'idle' });
      return rows.map((row) => row.id);
    });
    for (const conversationId of ids) returned.push({ tenantId, conversationId });
  }
  await runtime.db.platform((tx) => tx.query(`DELETE FROM inbox_events WHERE created_at < now() - interval '1 day'`));
  return { returned };
}

/**
 * What the answering engine tells the inbox: a stored customer message and a stored bot reply
 * become `message.created` events, in the transaction that stores them; a handoff (the customer
 * asked for a person, two fallbacks in a row, or a message arrived while a person is expected)
 * becomes a `handoff.requested` event and an `inbox.notify` job — at most one notification per
 * conversation every 10 minutes while nobody has taken it, and always one for a new handoff.
 */
import type { BotEventEmitter } from '@agent-chatbot/core';
import { configureTenantBots } from '../bots/tenant-bot';
import type { Runtime } from '../runtime';
import type { MessageStoredHook } from '../conversations/pg-conversation-store';
import { inboxEventBatch, lockInboxEvents, withInboxEvents } from './inbox-events';
import { INBOX_NOTIFY_JOB, type InboxNotifyPayload } from './handoff-notify';

/** Tracks background writes so tests (and shutdown) can wait for them. */
export interface Tracker {
  track(task: Promise<unknown>): void;
  idle(): Promise<void>;
}

/** A {@link Tracker} that logs failures instead of throwing. */
export function createTracker(onError: (error: unknown) => void): Tracker {
  const pending = new Set<Promise<unknown>>();
  return {
    track(task) {
      const guarded = task.catch(onError);
      pending.add(guarded);
      void guarded.finally(() => pending.delete(guarded));
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** Channels whose handoffs are shown in the inbox but not e-mailed or sent to Telegram. */
const NOT_NOTIFIED_CHANNELS = new Set(['test']);

/** Re-notify about a conversation still waiting for a person after this long. */
const RENOTIFY_MINUTES = 10;

/**
 * A stored customer message or bot reply becomes a `message.created` event in the transaction
 * that stored it (published after the commit); a customer writing into a closed conversation
 * reopens it (the bot answers, as before it was closed).
 */
export function inboxOnMessageStored(runtime: Runtime): MessageStoredHook {
  // The event lock was taken first in this transaction (`lockBeforeMessageStored` below).
  return async (tx, { tenantId, message }) => {
    if (message.role !== 'customer' && !(message.role === 'bot' && message.content)) return;
    const { events, publish } = inboxEventBatch(runtime, tenantId);
    const conversationId = message.conversationId;
    const created = events.add(tx, 'message.created', conversationId, {
      message_id: message.id,
      role: message.role,
      ...(message.role === 'bot' ? { route: message.route } : {}),
      content: message.content.slice(0, 500),
    });
    if (message.role !== 'customer') {
      await created;
      return publish;
    }
    // Handed over together (one PGlite round trip), run in this order.
    const [, reopened] = await Promise.all([
      created,
      tx.query(`UPDATE conversations SET mode = 'bot', status = 'open', updated_at = now() WHERE id = $1 AND mode = 'closed' RETURNING id`, [conversationId]),
    ]);
    if (reopened.rowCount) await events.add(tx, 'conversation.mode', conversationId, { mode: 'bot', assignee_id: null, reason: 'reopened' });
    return publish;
  };
}

/** Subscribes the inbox to one tenant engine's handoff events. */
export function attachInboxListeners(runtime: Runtime, tracker: Tracker, tenantId: string, emitter: BotEventEmitter): void {
  emitter.on('handoff.requested', (event) => {
    tracker.track(
      withInboxEvents(runtime, tenantId, async (tx, events) => {
        const fresh = event.reason !== 'human-mode';
        // Claim the notification: a new handoff always, a waiting one once per RENOTIFY_MINUTES and only while unassigned.
        const { rows } = await tx.query<{ id: string; assignee_id: string | null; channel: string }>(
          `UPDATE conversations SET handoff_notified_at = now(), needs_human = CASE WHEN $2 THEN true ELSE needs_human END
           WHERE id = $1 AND ($2 OR (assignee_id IS NULL AND (handoff_notified_at IS NULL OR handoff_notified_at < now() - make_interval(mins => $3))))
           RETURNING id, assignee_id, channel`,
          [event.conversationId, fresh, RENOTIFY_MINUTES],
        );
        if (!rows[0]) return;
        await events.add(tx, 'handoff.requested', event.conversationId, { reason: event.reason, content: event.text.slice(0, 500) });
        if (fresh) await events.add(tx, 'conversation.mode', event.conversationId, { mode: 'human', assignee_id: rows[0].assignee_id, reason: event.reason });
        // The owner trying the bot in the dashboard's test chat is not a customer to notify about.
        if (NOT_NOTIFIED_CHANNELS.has(rows[0].channel)) return;
        await runtime.jobs.enqueue<InboxNotifyPayload>(tx, INBOX_NOTIFY_JOB, { conversationId: event.conversationId, reason: event.reason, text: event.text.slice(0, 1000) }, { retryLimit: 5, retryDelaySeconds: 5 });
      }),
    );
  });
}

/** Plugs the inbox into every tenant bot of the runtime. */
export function connectInboxToBots(runtime: Runtime, tracker: Tracker): void {
  configureTenantBots(runtime, {
    onEmitter: (tenantId, emitter) => attachInboxListeners(runtime, tracker, tenantId, emitter),
    onMessageStored: inboxOnMessageStored(runtime),
    // The event lock before the message's row locks, as every inbox writer takes them (else a
    // take-over and a customer message could deadlock on Postgres).
    lockBeforeMessageStored: lockInboxEvents,
  });
}

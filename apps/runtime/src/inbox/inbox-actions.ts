/**
 * What an agent does to a conversation: take over (the bot stops), hand back, close, assign to a
 * colleague, write an internal note, mark read, reply. Each runs inside the caller's tenant
 * transaction and records its inbox events in the same transaction.
 */
import { AgentChatbotError, ConflictError } from '@agent-chatbot/core';
import { enqueueDelivery } from '../channels/delivery-job';
import type { Tx } from '../db/types';
import type { JobQueue } from '../jobs/index';
import type { InboxEventBatch } from './inbox-events';
import { conversationNotFound } from './inbox-queries';

/** Who acts on which conversation. */
export interface ActionTarget {
  tenantId: string;
  userId: string;
  conversationId: string;
}

interface ModeRow {
  id: string;
  mode: 'bot' | 'human' | 'closed';
  assignee_id: string | null;
  connection_id: string | null;
  external_conversation_id: string | null;
}

/** Locks the conversation row (404 for an unknown or another tenant's id). */
async function lockConversation(tx: Tx, conversationId: string): Promise<ModeRow> {
  const { rows } = await tx.query<ModeRow>(
    'SELECT id, mode, assignee_id, connection_id, external_conversation_id FROM conversations WHERE id = $1 FOR UPDATE',
    [conversationId],
  );
  if (!rows[0]) throw conversationNotFound();
  return rows[0];
}

/** The new state of a conversation after an action. */
export interface ConversationState {
  id: string;
  mode: 'bot' | 'human' | 'closed';
  status: string;
  assignee_id: string | null;
  needs_human: boolean;
}

const RETURNING = 'RETURNING id, mode, status, assignee_id, needs_human';

/** Take over: mode `human`, assigned to the caller; the engine stops answering at once. */
export async function takeOver(tx: Tx, events: InboxEventBatch, t: ActionTarget): Promise<ConversationState> {
  await lockConversation(tx, t.conversationId);
  const { rows } = await tx.query<ConversationState>(
    `UPDATE conversations SET mode = 'human', status = 'open', assignee_id = $2, needs_human = false, human_since = coalesce(human_since, now()),
       agent_activity_at = now(), updated_at = now() WHERE id = $1 ${RETURNING}`,
    [t.conversationId, t.userId],
  );
  await events.add(tx, 'conversation.mode', t.conversationId, { mode: 'human', assignee_id: t.userId, by: t.userId, reason: 'take-over' });
  return rows[0]!;
}

/** Hand back: mode `bot`, no assignee, the fallback counter reset. */
export async function handBack(tx: Tx, events: InboxEventBatch, t: ActionTarget): Promise<ConversationState> {
  await lockConversation(tx, t.conversationId);
  const { rows } = await tx.query<ConversationState>(
    `UPDATE conversations SET mode = 'bot', status = 'open', assignee_id = NULL, needs_human = false, human_since = NULL, consecutive_fallbacks = 0,
       handoff_notified_at = NULL, agent_activity_at = now(), updated_at = now() WHERE id = $1 ${RETURNING}`,
    [t.conversationId],
  );
  await events.add(tx, 'conversation.mode', t.conversationId, { mode: 'bot', assignee_id: null, by: t.userId, reason: 'hand-back' });
  return rows[0]!;
}

/** Close: mode and status `closed`; a new customer message is stored but not answered until reopened. */
export async function closeConversation(tx: Tx, events: InboxEventBatch, t: ActionTarget): Promise<ConversationState> {
  await lockConversation(tx, t.conversationId);
  const { rows } = await tx.query<ConversationState>(
    `UPDATE conversations SET mode = 'closed', status = 'closed', needs_human = false, human_since = NULL, handoff_notified_at = NULL,
       agent_activity_at = now(), updated_at = now() WHERE id = $1 ${RETURNING}`,
    [t.conversationId],
  );
  await events.add(tx, 'conversation.mode', t.conversationId, { mode: 'closed', by: t.userId, reason: 'close' });
  return rows[0]!;
}

/** Assign to a colleague (a member of this tenant; anyone else is a 422). */
export async function assign(tx: Tx, events: InboxEventBatch, t: ActionTarget, assigneeId: string): Promise<ConversationState> {
  await lockConversation(tx, t.conversationId);
  const member = await tx.query('SELECT 1 FROM memberships WHERE user_id = $1', [assigneeId]);
  if (member.rowCount === 0) {
    throw new AgentChatbotError({
      code: 'not_a_member',
      message: 'The assignee is not a member of this shop',
      messageVi: 'Người được giao không phải thành viên của cửa hàng',
      status: 422,
      isRetryable: false,
    });
  }
  const { rows } = await tx.query<ConversationState>(
    `UPDATE conversations SET assignee_id = $2, agent_activity_at = now(), updated_at = now() WHERE id = $1 ${RETURNING}`,
    [t.conversationId, assigneeId],
  );
  await events.add(tx, 'conversation.assigned', t.conversationId, { assignee_id: assigneeId, by: t.userId });
  return rows[0]!;
}

/** An internal note: a `note` message, never delivered to the customer. */
export async function addNote(tx: Tx, events: InboxEventBatch, t: ActionTarget, content: string): Promise<{ id: string; created_at: string }> {
  await lockConversation(tx, t.conversationId);
  const { rows } = await tx.query<{ id: string; created_at: Date }>(
    `INSERT INTO messages (tenant_id, conversation_id, role, content, author_id) VALUES ($1, $2, 'note', $3, $4) RETURNING id, created_at`,
    [t.tenantId, t.conversationId, content, t.userId],
  );
  await tx.query('UPDATE conversations SET agent_activity_at = now(), updated_at = now() WHERE id = $1', [t.conversationId]);
  const note = { id: rows[0]!.id, created_at: new Date(rows[0]!.created_at).toISOString() };
  await events.add(tx, 'note.created', t.conversationId, { message_id: note.id, author_id: t.userId, content: content.slice(0, 500) });
  return note;
}

/** Marks everything up to now as read by the caller. */
export async function markRead(tx: Tx, events: InboxEventBatch, t: ActionTarget): Promise<void> {
  await lockConversation(tx, t.conversationId);
  await tx.query(
    `INSERT INTO conversation_reads (tenant_id, conversation_id, user_id, last_read_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (tenant_id, conversation_id, user_id) DO UPDATE SET last_read_at = now()`,
    [t.tenantId, t.conversationId, t.userId],
  );
  await events.add(tx, 'conversation.read', t.conversationId, { user_id: t.userId });
}

/**
 * An agent reply: stored as an `agent` message and queued for the conversation's own channel
 * through the channels' delivery job (Messenger adds the HUMAN_AGENT tag outside the 24 h window).
 * Replying to a conversation the bot holds takes it over first, so the bot never talks over a person.
 */
export async function reply(
  tx: Tx,
  events: InboxEventBatch,
  jobs: JobQueue,
  t: ActionTarget,
  content: string,
): Promise<{ id: string; delivery_status: string; created_at: string }> {
  const current = await lockConversation(tx, t.conversationId);
  if (!current.connection_id || !current.external_conversation_id) {
    throw new ConflictError(
      'This conversation has no channel to reply through (test chat or API)',
      'Cuộc trò chuyện này không gắn với kênh nào để trả lời (chat thử hoặc API)',
      { code: 'no_channel' },
    );
  }
  if (current.mode !== 'human' || current.assignee_id === null) {
    const assignee = current.assignee_id ?? t.userId;
    await tx.query(
      `UPDATE conversations SET mode = 'human', status = 'open', assignee_id = $2, needs_human = false, human_since = coalesce(human_since, now())
       WHERE id = $1`,
      [t.conversationId, assignee],
    );
    await events.add(tx, 'conversation.mode', t.conversationId, { mode: 'human', assignee_id: assignee, by: t.userId, reason: 'reply' });
  }
  const { rows } = await tx.query<{ id: string; created_at: Date }>(
    `INSERT INTO messages (tenant_id, conversation_id, role, content, author_id, route, delivery_status)
     VALUES ($1, $2, 'agent', $3, $4, 'human', 'pending') RETURNING id, created_at`,
    [t.tenantId, t.conversationId, content, t.userId],
  );
  const message = rows[0]!;
  await tx.query(
    `UPDATE conversations SET message_count = message_count + 1, last_message_at = now(), agent_activity_at = now(), updated_at = now() WHERE id = $1`,
    [t.conversationId],
  );
  await tx.query(
    `INSERT INTO conversation_reads (tenant_id, conversation_id, user_id, last_read_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (tenant_id, conversation_id, user_id) DO UPDATE SET last_read_at = now()`,
    [t.tenantId, t.conversationId, t.userId],
  );
  await enqueueDelivery(tx, jobs, { messageId: message.id });
  await events.add(tx, 'message.created', t.conversationId, { message_id: message.id, role: 'agent', author_id: t.userId, content: content.slice(0, 500) });
  return { id: message.id, delivery_status: 'pending', created_at: new Date(message.created_at).toISOString() };
}

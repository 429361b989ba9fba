/**
 * `message.deliver`: one job per outgoing message (bot replies and staff replies alike). The
 * message row is the source of truth: it is claimed (`pending`/`failed` → `sending`), sent outside
 * any transaction, then marked `sent`, `failed` (a new job is scheduled with exponential backoff
 * and jitter, never sooner than the provider's retry-after), `window_closed` or `dead`.
 */
import type { AttachmentV1, ChannelV1SendResult } from '@agent-chatbot/core';
import type { Tx } from '../db/types';
import type { JobQueue } from '../jobs/index';
import type { JobContext } from '../jobs/types';
import type { ChannelContext } from './channel-context';
import { retryDelayMs } from './channel-settings';
import { recordConnectionError } from './connection-store';

/** The delivery job's name. */
export const MESSAGE_DELIVER_JOB = 'message.deliver';

/** Payload of {@link MESSAGE_DELIVER_JOB}. */
export interface DeliverPayload {
  messageId: string;
  /** LINE: the inbound event's reply token (used while still valid, else push). */
  replyToken?: { value: string; expiresAt: string };
  /** Web widget: the stream the answer's deltas went out under (the final message replaces it). */
  streamId?: string;
  /**
   * @deprecated Only read, from jobs queued by older versions (a failed send re-enqueues its own
   * payload, so such a job can outlive an upgrade): the claim copies it onto the row. Quick replies
   * live on the message (`messages.quick_replies`), so every (re)delivery, a staff retry included,
   * sends the same buttons.
   */
  quickReplies?: string[];
}

const MESSENGER_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Enqueues the delivery of a stored outgoing message inside the caller's transaction (the
 * message must be `delivery_status = 'pending'`). Other features call this for staff replies.
 *
 * @example await db.tenant(tenantId, (tx) => enqueueDelivery(tx, runtime.jobs, { messageId }));
 */
export async function enqueueDelivery(tx: Tx, jobs: JobQueue, payload: DeliverPayload, options: { startAfter?: Date } = {}): Promise<void> {
  await jobs.enqueue<DeliverPayload>(tx, MESSAGE_DELIVER_JOB, payload, {
    // Retries of a failed send are scheduled by the handler itself; pg-boss only retries crashes.
    retryLimit: 3,
    ...(options.startAfter ? { startAfter: options.startAfter } : {}),
  });
}

interface Claimed {
  id: string;
  role: string;
  content: string;
  attachments: AttachmentV1[] | null;
  /** The engine's suggested replies (e.g. "Gặp nhân viên"), sent as the channel's native buttons. */
  quick_replies: unknown;
  delivery_attempts: number;
  conversation_id: string;
  connection_id: string | null;
  external_conversation_id: string | null;
  last_customer_at: Date | null;
  /** True when an earlier attempt was interrupted mid-send (the row was still `sending`). */
  interrupted: boolean;
}

/** The stored quick replies of a message (a jsonb array of strings; anything else is ignored). */
const quickRepliesOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : []);

type Failure = Extract<ChannelV1SendResult, { status: 'failed' }>['error'];

const isTokenFailure = (e: Failure) => e.code === 'token_invalid' || (e.code === 'token_refresh_failed' && !e.retryable);

/** Runs one delivery job. */
export async function runDelivery(context: ChannelContext, job: JobContext<DeliverPayload>): Promise<void> {
  const { runtime, delivery } = context;
  const tenantId = job.tenantId;
  if (!tenantId) return;
  const { messageId } = job.payload;
  const claimed = await runtime.db.tenant(tenantId, async (tx) => {
    // What the row said before this claim: `sending` means an earlier attempt died mid-send.
    const before = (await tx.query<{ delivery_status: string }>('SELECT delivery_status FROM messages WHERE id = $1 FOR UPDATE', [messageId])).rows[0];
    const { rows } = await tx.query<Omit<Claimed, 'interrupted'>>(
      `UPDATE messages m SET delivery_status = 'sending', delivery_attempts = m.delivery_attempts + 1,
         -- A job queued by an older version carries the buttons in its payload: keep them on the row.
         quick_replies = CASE WHEN m.quick_replies = '[]'::jsonb AND $3::jsonb IS NOT NULL THEN $3::jsonb ELSE m.quick_replies END
       FROM conversations c
       WHERE m.id = $1 AND c.id = m.conversation_id AND m.role IN ('bot', 'agent')
         AND (m.delivery_status IN ('pending', 'failed') OR (m.delivery_status = 'sending' AND $2::int > 1))
       RETURNING m.id, m.role, m.content, m.attachments, m.quick_replies, m.delivery_attempts, m.conversation_id, c.connection_id, c.external_conversation_id,
         (SELECT max(x.created_at) FROM messages x WHERE x.conversation_id = m.conversation_id AND x.role = 'customer') AS last_customer_at`,
      [messageId, job.attempt, job.payload.quickReplies?.length ? JSON.stringify(job.payload.quickReplies) : null],
    );
    return rows[0] ? { ...rows[0], interrupted: before?.delivery_status === 'sending' } : undefined;
  });
  // Already sent, dead, or claimed by another job: nothing to do (jobs may be duplicated safely).
  if (!claimed) return;

  const finish = (fn: (tx: Tx) => Promise<void>) => runtime.db.tenant(tenantId, fn);
  const markDead = (status: 'dead' | 'window_closed', reason: string) =>
    finish(async (tx) => {
      await tx.query('UPDATE messages SET delivery_status = $2, delivery_error = $3 WHERE id = $1', [messageId, status, reason.slice(0, 1000)]);
    });

  if (!claimed.connection_id || !claimed.external_conversation_id) {
    return markDead('dead', 'Hội thoại không còn gắn với kênh nào / The conversation is not linked to a channel connection');
  }
  let opened;
  try {
    opened = await context.openChannel(tenantId, claimed.connection_id);
  } catch (error) {
    return markDead('dead', `Không mở được kênh / Channel unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { channel, connection } = opened;
  // A worker that died between the provider's "sent" and our "marked sent" leaves the row in
  // `sending`: the provider may already have delivered it, and Zalo, Messenger, Telegram and the
  // LINE reply API have no idempotency key, so sending again could reach the customer twice. The
  // message becomes a visible dead letter instead (staff check the conversation and retry it);
  // the widget de-duplicates by message id, so web replies are simply sent again.
  if (claimed.interrupted && channel.platform !== 'web') {
    return markDead(
      'dead',
      'Không chắc tin đã tới khách (tiến trình dừng khi đang gửi); hãy kiểm tra hội thoại rồi gửi lại / Delivery outcome unknown (the worker stopped mid-send); check the conversation, then retry',
    );
  }
  const lastCustomerAt = claimed.last_customer_at ? new Date(claimed.last_customer_at) : undefined;
  const humanTag =
    claimed.role === 'agent' && channel.platform === 'messenger' && lastCustomerAt !== undefined && Date.now() - lastCustomerAt.getTime() > MESSENGER_WINDOW_MS;
  const attachments = Array.isArray(claimed.attachments) ? claimed.attachments.filter((a) => typeof a?.url === 'string') : [];
  const quickReplies = quickRepliesOf(claimed.quick_replies);

  let result: ChannelV1SendResult;
  try {
    result = await channel.doSend({
      conversationId: claimed.external_conversation_id,
      message: {
        ...(claimed.content ? { text: claimed.content } : {}),
        ...(attachments.length ? { attachments } : {}),
        ...(quickReplies.length ? { quickReplies } : {}),
      },
      providerOptions: {
        [channel.platform]: {
          outboundMessageId: claimed.id,
          ...(lastCustomerAt ? { lastInteractionAt: lastCustomerAt.toISOString() } : {}),
          ...(humanTag ? { tag: 'HUMAN_AGENT' } : {}),
          ...(job.payload.replyToken ? { replyToken: job.payload.replyToken } : {}),
          ...(channel.platform === 'web' ? { role: claimed.role, ...(job.payload.streamId ? { streamId: job.payload.streamId } : {}) } : {}),
        },
      },
    });
  } catch (error) {
    // doSend reports expected failures as values; an exception is unexpected but may be transient.
    result = { status: 'failed', error: { code: 'internal_error', message: error instanceof Error ? error.message : String(error), retryable: true } };
  }

  if (result.status === 'sent') {
    await finish(async (tx) => {
      await tx.query(`UPDATE messages SET delivery_status = 'sent', delivery_error = NULL, external_id = COALESCE($2, external_id) WHERE id = $1`, [
        messageId,
        result.messageId ? `out:${result.messageId}`.slice(0, 300) : null,
      ]);
    });
    job.log?.info({ messageId, channel: channel.platform }, 'message delivered');
    return;
  }

  const failure = result.error;
  const reason = `${failure.code}: ${failure.message}`;
  runtime.logger.warn({ messageId, connectionId: connection.id, code: failure.code, providerCode: failure.providerCode, attempt: claimed.delivery_attempts }, 'delivery failed');
  await finish(async (tx) => {
    await recordConnectionError(tx, connection.id, reason, isTokenFailure(failure));
    if (failure.code === 'window_closed') {
      await tx.query(`UPDATE messages SET delivery_status = 'window_closed', delivery_error = $2 WHERE id = $1`, [
        messageId,
        `Đã quá thời hạn được phép trả lời khách trên kênh này; chỉ gửi được khi khách nhắn lại / The reply window has closed; the customer must write again first (${failure.message})`.slice(0, 1000),
      ]);
      return;
    }
    if (failure.retryable && claimed.delivery_attempts < delivery.maxAttempts) {
      const delay = retryDelayMs(delivery, claimed.delivery_attempts, failure.retryAfterMs);
      await tx.query(`UPDATE messages SET delivery_status = 'failed', delivery_error = $2 WHERE id = $1`, [messageId, reason.slice(0, 1000)]);
      await enqueueDelivery(tx, runtime.jobs, job.payload, { startAfter: new Date(Date.now() + delay) });
      return;
    }
    const why = failure.retryable ? `Đã thử ${claimed.delivery_attempts} lần / Gave up after ${claimed.delivery_attempts} attempts — ${reason}` : reason;
    await tx.query(`UPDATE messages SET delivery_status = 'dead', delivery_error = $2 WHERE id = $1`, [messageId, why.slice(0, 1000)]);
  });
}

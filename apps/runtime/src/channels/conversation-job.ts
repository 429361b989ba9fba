/**
 * `conversation.handle`: answers one recorded inbound event. Safe to retry: the engine refuses to
 * answer the same provider message twice and returns the stored reply instead, and delivery is
 * enqueued only while that reply is still `pending`.
 */
import { answerForTenant } from '../bots/answer-for-tenant';
import { answerWebTurn } from '../widget/stream-answer';
import { checkCustomerRate } from '../billing/rate-limits';
import type { JobContext } from '../jobs/types';
import type { ChannelContext } from './channel-context';
import { refreshContactProfile } from './contact-profiles';
import { ensureContact, ensureConversation, recordCannedExchange, recordCustomerMessage, touchConversation, type ChannelParty } from './conversation-records';
import { enqueueDelivery } from './delivery-job';
import { storedEventSchema, type ConversationHandlePayload, type StoredEvent } from './inbound-events';

type Attachment = NonNullable<NonNullable<StoredEvent['message']>['attachments']>[number];

const KIND_VI: Record<Attachment['type'], string> = {
  image: 'hình ảnh',
  file: 'tệp',
  audio: 'tin nhắn thoại',
  video: 'video',
  sticker: 'sticker',
  location: 'vị trí',
};

/**
 * The polite reply to a message without text the bot can read (no model call): stickers get a
 * friendly acknowledgement, media and other types an invitation to write in words.
 */
export function cannedReplyFor(attachments: readonly Attachment[]): { text: string; reason: string } {
  const first = attachments[0];
  if (first?.type === 'sticker') {
    return { text: 'Dạ, cảm ơn anh/chị đã gửi sticker ạ! Anh/chị cần shop hỗ trợ gì cứ nhắn tin cho shop nhé.', reason: 'sticker' };
  }
  if (first) {
    return {
      text: `Dạ, shop đã nhận được ${KIND_VI[first.type]} của anh/chị ạ. Nhân viên sẽ xem và phản hồi sớm; anh/chị có thể nhắn thêm bằng chữ để shop hỗ trợ nhanh hơn nhé.`,
      reason: `unsupported-${first.type}`,
    };
  }
  return { text: 'Dạ, shop chưa đọc được loại tin nhắn này ạ. Anh/chị vui lòng nhắn bằng chữ để shop hỗ trợ nhé.', reason: 'unsupported-message' };
}

/** Runs one `conversation.handle` job. */
export async function runConversationHandle(context: ChannelContext, job: JobContext<ConversationHandlePayload>): Promise<void> {
  const { runtime } = context;
  const tenantId = job.tenantId;
  if (!tenantId) return;
  const { db } = runtime;
  const row = await db.tenant(tenantId, async (tx) => {
    const { rows } = await tx.query<{ id: string; source: string; connection_id: string | null; payload: { event?: unknown }; processed_at: Date | null }>(
      'SELECT id, source, connection_id, payload, processed_at FROM external_events WHERE id = $1',
      [job.payload.eventId],
    );
    return rows[0];
  });
  if (!row || row.processed_at || !row.connection_id) return;
  const parsed = storedEventSchema.safeParse(row.payload.event);
  const markProcessed = (error?: string) =>
    db.tenant(tenantId, (tx) => tx.query('UPDATE external_events SET processed_at = now(), error = $2 WHERE id = $1', [row.id, error ?? null]));
  if (!parsed.success) {
    await markProcessed('unreadable stored event');
    return;
  }
  const event = parsed.data;
  const channel = row.source.split(':')[0]!;
  const party: ChannelParty = {
    tenantId,
    connectionId: row.connection_id,
    channel,
    externalUserId: event.sender.id,
    ...(event.sender.name ? { displayName: event.sender.name } : {}),
  };

  if (event.type === 'follow' || event.type === 'unfollow') {
    await db.tenant(tenantId, async (tx) => {
      const contactId = await ensureContact(tx, party);
      await tx.query(`UPDATE contacts SET attributes = attributes || jsonb_build_object($2::text, $3::boolean), updated_at = now() WHERE id = $1`, [
        contactId,
        `${channel}_follower`,
        event.type === 'follow',
      ]);
      await tx.query('UPDATE external_events SET processed_at = now() WHERE id = $1', [row.id]);
    });
    if (event.type === 'follow') await refreshContactProfile(context, tenantId, row.connection_id, event);
    return;
  }

  const text = event.message?.text?.trim() ?? '';
  const attachments = event.message?.attachments ?? [];
  const replyToken = event.message?.replyToken;

  // Per-customer flood limit (billing, issue 8): one polite "please wait", then the rest are kept
  // (stored, visible to staff) but not answered, until the customer's bucket refills.
  const rate = await checkCustomerRate(runtime, { tenantId, customerKey: `${channel}:${event.sender.id}` });
  if (rate.action !== 'allow') {
    await db.tenant(tenantId, async (tx) => {
      const conversationId = await ensureConversation(tx, party, event.conversationId);
      if (rate.action === 'notice') {
        const { replyId, pending } = await recordCannedExchange(tx, {
          tenantId,
          conversationId,
          externalMessageId: event.eventId,
          customerText: text,
          attachments,
          replyText: rate.text,
          routeReason: 'rate-limited',
        });
        if (pending) await enqueueDelivery(tx, runtime.jobs, { messageId: replyId, ...(replyToken ? { replyToken } : {}) });
      } else {
        const { created } = await recordCustomerMessage(tx, { tenantId, conversationId, externalMessageId: event.eventId, customerText: text, attachments });
        if (created) await touchConversation(tx, conversationId);
      }
      await tx.query('UPDATE external_events SET processed_at = now(), error = $2 WHERE id = $1', [row.id, `rate_limited:${rate.action}`]);
    });
    return;
  }

  if (!text) {
    const canned = cannedReplyFor(attachments);
    const customerId = await db.tenant(tenantId, async (tx) => {
      const conversationId = await ensureConversation(tx, party, event.conversationId);
      const { replyId, customerId, pending } = await recordCannedExchange(tx, {
        tenantId,
        conversationId,
        externalMessageId: event.eventId,
        customerText: '',
        attachments,
        replyText: canned.text,
        routeReason: canned.reason,
      });
      if (pending) await enqueueDelivery(tx, runtime.jobs, { messageId: replyId, ...(replyToken ? { replyToken } : {}) });
      await tx.query('UPDATE external_events SET processed_at = now() WHERE id = $1', [row.id]);
      return customerId;
    });
    await copyAttachments(context, tenantId, row.connection_id, customerId, attachments);
    // After the reply is queued: the profile lookup never delays the answer.
    await refreshContactProfile(context, tenantId, row.connection_id, event);
    return;
  }

  let result;
  // Web widget answers stream their deltas live; the final reply is delivered like any other.
  let streamId: string | undefined;
  try {
    const turn = {
      tenantId,
      channel,
      connectionId: row.connection_id,
      externalConversationId: event.conversationId,
      externalUserId: event.sender.id,
      ...(event.sender.name ? { displayName: event.sender.name } : {}),
      externalMessageId: event.eventId,
      text: text.slice(0, 4000),
      ...(attachments.length ? { attachments } : {}),
    };
    if (channel === 'web') ({ result, streamId } = await answerWebTurn(context, turn));
    else result = await answerForTenant(runtime, turn);
  } catch (error) {
    await db.tenant(tenantId, (tx) =>
      tx.query('UPDATE external_events SET error = $2 WHERE id = $1', [row.id, error instanceof Error ? error.message.slice(0, 1000) : String(error)]),
    );
    throw error;
  }
  await db.tenant(tenantId, async (tx) => {
    // Keep the provider's reference to what the customer sent (shown to agents).
    if (attachments.length) {
      await tx.query(`UPDATE messages SET attachments = $2 WHERE id = $1 AND attachments = '[]'::jsonb`, [result.customerMessageId, JSON.stringify(attachments)]);
    }
    if (result.replyMessageId) {
      const { rows } = await tx.query<{ delivery_status: string | null }>('SELECT delivery_status FROM messages WHERE id = $1', [result.replyMessageId]);
      if (rows[0]?.delivery_status === 'pending') {
        // The buttons belong to the message, not to this job: every (re)delivery reads them from the row.
        if (result.quickReplies?.length) {
          await tx.query('UPDATE messages SET quick_replies = $2 WHERE id = $1', [result.replyMessageId, JSON.stringify([...result.quickReplies])]);
        }
        await enqueueDelivery(tx, runtime.jobs, {
          messageId: result.replyMessageId,
          ...(replyToken ? { replyToken } : {}),
          ...(streamId ? { streamId } : {}),
        });
      }
    }
    await tx.query('UPDATE external_events SET processed_at = now(), error = NULL WHERE id = $1', [row.id]);
  });
  await copyAttachments(context, tenantId, row.connection_id, result.customerMessageId, attachments);
  if (channel !== 'web') await refreshContactProfile(context, tenantId, row.connection_id, event);
}

/** Copies media after the reply is queued: a slow or failed download never delays the answer. */
async function copyAttachments(context: ChannelContext, tenantId: string, connectionId: string, messageId: string, attachments: readonly Attachment[]): Promise<void> {
  if (attachments.length === 0) return;
  try {
    const { channel } = await context.openChannel(tenantId, connectionId);
    await context.attachments.store(channel, tenantId, messageId, attachments);
  } catch (error) {
    context.runtime.logger.warn({ tenantId, messageId, err: error instanceof Error ? error.message : String(error) }, 'attachments not copied');
  }
}

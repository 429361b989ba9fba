/**
 * `inbox.notify`: tells the shop's people that a conversation needs one — an e-mail to every
 * member (unless the shop turned mail off) and, when the owner set a Telegram chat id, a message
 * from the shop's own Telegram bot. Enqueued in the transaction that flags the conversation, so it
 * runs within seconds; the mail names the channel's reply window (Messenger 24 h, Zalo 7 days) and
 * when it closes, so someone answers before the customer can no longer be reached.
 */
import { encodeTelegramConversationId } from '@agent-chatbot/channel-telegram';
import type { ChannelContext } from '../channels/channel-context';
import type { JobContext } from '../jobs/types';
import type { Mailer } from '../mail/mailer';
import type { Runtime } from '../runtime';
import { REPLY_WINDOWS_MS } from './inbox-queries';
import { inboxSettingsOf } from './inbox-settings';

/** The job's name. */
export const INBOX_NOTIFY_JOB = 'inbox.notify';

/** Payload of {@link INBOX_NOTIFY_JOB}. */
export interface InboxNotifyPayload {
  conversationId: string;
  /** `keyword`, `consecutive-fallbacks` or `human-mode` (a customer wrote while nobody holds it). */
  reason: string;
  /** The customer's message that triggered it. */
  text: string;
}

const REASON: Record<string, { vi: string; en: string }> = {
  keyword: { vi: 'Khách muốn gặp nhân viên', en: 'The customer asked for a person' },
  'consecutive-fallbacks': { vi: 'Bot không trả lời được hai lần liên tiếp', en: 'The bot could not answer twice in a row' },
  'human-mode': { vi: 'Khách nhắn trong cuộc trò chuyện đang chờ nhân viên', en: 'The customer wrote while waiting for a person' },
};

const WINDOW_LABEL: Record<string, { vi: string; en: string }> = {
  messenger: { vi: '24 giờ', en: '24 hours' },
  zalo: { vi: '7 ngày', en: '7 days' },
};

interface Facts {
  tenantName: string;
  settings: Record<string, unknown>;
  channel: string;
  contactName: string | null;
  lastCustomerAt: Date | null;
  emails: string[];
  telegramConnectionId: string | null;
}

const vnTime = (date: Date) => date.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false });

/** The notification text (Vietnamese first, English second). */
export function handoffMessage(
  facts: Pick<Facts, 'tenantName' | 'channel' | 'contactName' | 'lastCustomerAt'>,
  payload: InboxNotifyPayload,
  link: string,
): { subject: string; text: string } {
  const reason = REASON[payload.reason] ?? REASON['keyword']!;
  const who = facts.contactName ?? 'Khách / Customer';
  const window = REPLY_WINDOWS_MS[facts.channel];
  const label = WINDOW_LABEL[facts.channel];
  const closes = window && facts.lastCustomerAt ? new Date(facts.lastCustomerAt.getTime() + window) : undefined;
  const windowLines =
    closes && label
      ? [
          `Kênh ${facts.channel} chỉ cho phép trả lời trong ${label.vi} sau tin nhắn cuối của khách: hãy trả lời trước ${vnTime(closes)} (giờ Việt Nam).`,
          `${facts.channel} only allows replies within ${label.en} of the customer's last message: reply before ${closes.toISOString()}.`,
        ]
      : [`Kênh ${facts.channel}: không có hạn trả lời, nhưng khách đang chờ. / No reply window on ${facts.channel}, but the customer is waiting.`];
  return {
    subject: `[${facts.tenantName}] ${reason.vi} · ${reason.en} — ${who}`,
    text: [
      `${reason.vi}: ${who} (${facts.channel}).`,
      `Tin nhắn: “${payload.text.slice(0, 500)}”`,
      ...windowLines,
      `Mở hộp thư / Open the inbox: ${link}`,
      '',
      `${reason.en}: ${who} (${facts.channel}). Message: “${payload.text.slice(0, 500)}”`,
    ].join('\n'),
  };
}

async function loadFacts(runtime: Runtime, tenantId: string, conversationId: string): Promise<Facts | undefined> {
  return runtime.db.tenant(tenantId, async (tx) => {
    const conversation = await tx.query<{ channel: string; contact_name: string | null; last_customer_message_at: Date | null; name: string; settings: Record<string, unknown> }>(
      `SELECT c.channel, k.name AS contact_name, c.last_customer_message_at, t.name, t.settings
       FROM conversations c JOIN tenants t ON t.id = c.tenant_id LEFT JOIN contacts k ON k.id = c.contact_id WHERE c.id = $1`,
      [conversationId],
    );
    const row = conversation.rows[0];
    if (!row) return undefined;
    const inbox = inboxSettingsOf(row.settings);
    const members = await tx.query<{ email: string }>(
      `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.disabled_at IS NULL ORDER BY m.created_at`,
    );
    const telegram = inbox.telegram_chat_id
      ? await tx.query<{ id: string }>(
          `SELECT id FROM channel_connections WHERE type = 'telegram' AND status <> 'disabled' AND ($1::uuid IS NULL OR id = $1) ORDER BY created_at LIMIT 1`,
          [inbox.telegram_connection_id],
        )
      : undefined;
    return {
      tenantName: row.name,
      settings: row.settings,
      channel: row.channel,
      contactName: row.contact_name,
      lastCustomerAt: row.last_customer_message_at ? new Date(row.last_customer_message_at) : null,
      emails: members.rows.map((m) => m.email),
      telegramConnectionId: telegram?.rows[0]?.id ?? null,
    };
  });
}

/** Runs one notification job. A failed send throws, so the job retries. */
export async function runHandoffNotify(runtime: Runtime, deps: { mailer: Mailer; channels: ChannelContext }, job: JobContext<InboxNotifyPayload>): Promise<void> {
  const tenantId = job.tenantId;
  if (!tenantId) return;
  const facts = await loadFacts(runtime, tenantId, job.payload.conversationId);
  if (!facts) return;
  const inbox = inboxSettingsOf(facts.settings);
  const link = `${runtime.config.publicUrl}/app/inbox?conversation=${job.payload.conversationId}`;
  const message = handoffMessage(facts, job.payload, link);
  // On a retry, skip what already went out (the attempt that failed got past it).
  const done = job.attempt > 1 ? await runtime.cache.get(`inbox-notify:${job.jobId}`) : undefined;
  if (inbox.notify_email && done !== 'mail' && done !== 'all') {
    for (const to of facts.emails) await deps.mailer.send({ to, subject: message.subject, text: message.text });
    await runtime.cache.set(`inbox-notify:${job.jobId}`, 'mail', { ttlMs: 3_600_000 });
  }
  if (inbox.telegram_chat_id && done !== 'all') {
    if (!facts.telegramConnectionId) {
      runtime.logger.warn({ tenantId }, 'Chưa kết nối bot Telegram để gửi thông báo / no Telegram connection to notify through');
      return;
    }
    const { channel } = await deps.channels.openChannel(tenantId, facts.telegramConnectionId);
    const result = await channel.doSend({
      conversationId: encodeTelegramConversationId(inbox.telegram_chat_id),
      message: { text: `${message.subject}\n\n${message.text}`.slice(0, 4000) },
    });
    if (result.status === 'failed') {
      if (!result.error.retryable) {
        runtime.logger.warn({ tenantId, code: result.error.code }, 'Telegram notification refused');
        return;
      }
      throw new Error(`Telegram notification failed: ${result.error.code} ${result.error.message}`);
    }
    await runtime.cache.set(`inbox-notify:${job.jobId}`, 'all', { ttlMs: 3_600_000 });
  }
  job.log?.info({ conversationId: job.payload.conversationId, reason: job.payload.reason }, 'handoff notified');
}

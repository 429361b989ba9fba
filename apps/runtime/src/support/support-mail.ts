/**
 * Support e-mails: platform admins hear about a new ticket or a tenant's new message; the tenant's
 * people who wrote on a ticket hear about a platform reply. Sent after the change committed; a
 * failed mail is logged and never fails the request (the ticket is in the dashboard either way).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/types';
import type { Mailer } from '../mail/mailer';
import type { TicketDetail } from './support-service';

/** What the mails need. */
export interface SupportMailContext {
  readonly db: Db;
  readonly mailer: Mailer;
  readonly publicUrl: string;
  readonly log: Pick<Logger, 'warn'>;
}

async function sendAll(ctx: SupportMailContext, to: readonly string[], subject: string, text: string): Promise<number> {
  let sent = 0;
  for (const address of to) {
    try {
      await ctx.mailer.send({ to: address, subject, text });
      sent += 1;
    } catch (error) {
      ctx.log.warn({ err: error }, 'support mail failed');
    }
  }
  return sent;
}

/** Tells the platform admins about a new ticket or a tenant's new message. */
export async function mailPlatformAdmins(ctx: SupportMailContext, ticket: TicketDetail, event: 'opened' | 'message'): Promise<number> {
  const { admins, tenant } = await ctx.db.platform(async (tx) => {
    const adminRows = await tx.query<{ email: string }>('SELECT email FROM users WHERE is_platform_admin AND disabled_at IS NULL ORDER BY email');
    const tenantRows = await tx.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [ticket.tenantId]);
    return { admins: adminRows.rows.map((r) => r.email), tenant: tenantRows.rows[0]?.name ?? ticket.tenantId };
  });
  const last = ticket.messages.at(-1)?.body ?? '';
  const subject =
    event === 'opened' ? `[Hỗ trợ] ${tenant}: ${ticket.subject} · New support ticket` : `[Hỗ trợ] ${tenant} trả lời: ${ticket.subject} · Tenant replied`;
  const text =
    `${event === 'opened' ? 'Cửa hàng gửi yêu cầu hỗ trợ mới' : 'Cửa hàng vừa trả lời yêu cầu hỗ trợ'}: ${tenant}\n\n${last}\n\n` +
    `${event === 'opened' ? 'A tenant opened a support ticket' : 'A tenant replied on a support ticket'}.\n\n` +
    `Trả lời tại / Reply at: ${ctx.publicUrl}/app/admin/support`;
  return sendAll(ctx, admins, subject, text);
}

/** Tells the tenant's people who wrote on the ticket about a platform reply. */
export async function mailTicketAuthors(ctx: SupportMailContext, ticket: TicketDetail): Promise<number> {
  const to = [...new Set(ticket.messages.filter((m) => m.authorKind === 'tenant' && m.authorEmail).map((m) => m.authorEmail!))];
  const reply = ticket.messages.at(-1)?.body ?? '';
  const subject = `Phản hồi yêu cầu hỗ trợ: ${ticket.subject} · Support reply`;
  const text =
    `Đội hỗ trợ đã trả lời yêu cầu "${ticket.subject}":\n\n${reply}\n\n` +
    `The support team replied to "${ticket.subject}".\n\n` +
    `Xem và trả lời / View and reply: ${ctx.publicUrl}/app/support`;
  return sendAll(ctx, to, subject, text);
}

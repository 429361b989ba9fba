/**
 * The soak's verdict, read from the database and the fake providers once the queue drains:
 * every inbound message stored once, exactly one bot reply per customer message (sent, or a
 * visible dead letter), and no more sends at the fakes than replies marked sent.
 */
import type { ProviderKit } from '../../../apps/runtime/test/channels/provider-kits';
import type { PgDb } from '../../../apps/runtime/src/db/pg-db';

/** Per-channel counts. */
export interface ChannelCounts {
  channel: string;
  inboundEvents: number;
  customerMessages: number;
  conversations: number;
  replies: number;
  repliesSent: number;
  deadLetters: number;
  pending: number;
  customerMessagesWithoutReply: number;
  /** Inbound events whose answering failed, listed as `unanswered` by GET /v1/tenant/dead-letters. */
  unansweredDeadLetters: number;
  customerMessagesWithSeveralReplies: number;
  sendsAtFake: number;
}

/** The soak's verdict. */
export interface SoakReport {
  ok: boolean;
  drainedSeconds: number;
  channels: ChannelCounts[];
  totals: Omit<ChannelCounts, 'channel'>;
  jobStates: Record<string, number>;
  failures: string[];
}

async function countsFor(db: PgDb, tenantId: string, connectionId: string, kit: ProviderKit): Promise<ChannelCounts> {
  const row = await db.platform(async (tx) => {
    const { rows } = await tx.query<Record<string, string>>(
      `WITH conv AS (SELECT id FROM conversations WHERE tenant_id = $1 AND connection_id = $2),
            per AS (SELECT m.conversation_id,
                           count(*) FILTER (WHERE m.role = 'customer') AS customers,
                           count(*) FILTER (WHERE m.role = 'bot') AS bots
                      FROM messages m JOIN conv ON conv.id = m.conversation_id GROUP BY m.conversation_id)
       SELECT (SELECT count(*) FROM external_events WHERE tenant_id = $1 AND connection_id = $2) AS inbound,
              (SELECT count(*) FROM conv) AS conversations,
              (SELECT coalesce(sum(customers), 0) FROM per) AS customers,
              (SELECT coalesce(sum(bots), 0) FROM per) AS replies,
              (SELECT count(*) FROM per WHERE bots < customers) AS without_reply,
              (SELECT count(*) FROM per WHERE bots > customers) AS several,
              (SELECT count(*) FROM external_events WHERE tenant_id = $1 AND connection_id = $2 AND error IS NOT NULL AND processed_at IS NULL) AS unanswered,
              (SELECT count(*) FROM messages m JOIN conv ON conv.id = m.conversation_id WHERE m.role = 'bot' AND m.delivery_status IN ('sent', 'delivered')) AS sent,
              (SELECT count(*) FROM messages m JOIN conv ON conv.id = m.conversation_id WHERE m.role = 'bot' AND m.delivery_status IN ('dead', 'window_closed', 'failed')) AS dead,
              (SELECT count(*) FROM messages m JOIN conv ON conv.id = m.conversation_id WHERE m.role = 'bot' AND m.delivery_status IN ('pending', 'sending')) AS pending`,
      [tenantId, connectionId],
    );
    return rows[0]!;
  });
  const n = (key: string) => Number(row[key] ?? 0);
  return {
    channel: kit.type,
    inboundEvents: n('inbound'),
    customerMessages: n('customers'),
    conversations: n('conversations'),
    replies: n('replies'),
    repliesSent: n('sent'),
    deadLetters: n('dead'),
    pending: n('pending'),
    customerMessagesWithoutReply: n('without_reply'),
    unansweredDeadLetters: n('unanswered'),
    customerMessagesWithSeveralReplies: n('several'),
    sendsAtFake: kit.sentTexts().length,
  };
}

async function jobStates(db: PgDb): Promise<Record<string, number>> {
  try {
    return await db.platform(async (tx) => {
      const { rows } = await tx.query<{ name: string; state: string; n: string }>(
        `SELECT name, state, count(*) AS n FROM pgboss.job WHERE name IN ('conversation.handle', 'message.deliver') GROUP BY name, state`,
      );
      return Object.fromEntries(rows.map((r) => [`${r.name}:${r.state}`, Number(r.n)]));
    });
  } catch (error) {
    return { unavailable: 1, error: String((error as Error).message).length };
  }
}

/** Waits (bounded) for the queue to drain, then judges. */
export async function checkSoak(options: {
  db: PgDb;
  drivers: ReadonlyArray<{ kit: ProviderKit; tenantId: string; connectionId: string }>;
  expectedInbound: number;
  drainSeconds: number;
  log: (text: string) => void;
}): Promise<SoakReport> {
  const started = Date.now();
  let channels: ChannelCounts[] = [];
  for (;;) {
    channels = [];
    for (const d of options.drivers) channels.push(await countsFor(options.db, d.tenantId, d.connectionId, d.kit));
    const settled = channels.every((c) => c.customerMessagesWithoutReply <= c.unansweredDeadLetters && c.pending === 0 && c.customerMessages === c.inboundEvents);
    if (settled || Date.now() - started > options.drainSeconds * 1000) break;
    options.log(`waiting: ${channels.map((c) => `${c.channel} ${c.replies}/${c.customerMessages} replied, ${c.pending} pending`).join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  const totals = Object.fromEntries(
    (Object.keys(channels[0]!) as Array<keyof ChannelCounts>).filter((key) => key !== 'channel').map((key) => [key, channels.reduce((sum, c) => sum + (c[key] as number), 0)]),
  ) as Omit<ChannelCounts, 'channel'>;
  const failures: string[] = [];
  if (totals.inboundEvents !== options.expectedInbound) failures.push(`stored inbound events ${totals.inboundEvents} ≠ messages sent ${options.expectedInbound} (lost or duplicated)`);
  if (totals.customerMessages !== options.expectedInbound) failures.push(`stored customer messages ${totals.customerMessages} ≠ messages sent ${options.expectedInbound}`);
  // A customer message without a reply is fine only when it is listed as an unanswered dead letter.
  for (const c of channels) {
    if (c.customerMessagesWithoutReply > c.unansweredDeadLetters) failures.push(`${c.channel}: ${c.customerMessagesWithoutReply - c.unansweredDeadLetters} customer messages have neither a reply nor a dead letter`);
  }
  if (totals.customerMessagesWithSeveralReplies > 0) failures.push(`${totals.customerMessagesWithSeveralReplies} customer messages got more than one reply`);
  if (totals.pending > 0) failures.push(`${totals.pending} replies still pending delivery`);
  for (const c of channels) if (c.sendsAtFake > c.repliesSent) failures.push(`${c.channel}: ${c.sendsAtFake} sends at the provider for ${c.repliesSent} replies marked sent (a reply went out twice)`);
  return { ok: failures.length === 0, drainedSeconds: Math.round((Date.now() - started) / 1000), channels, totals, jobStates: await jobStates(options.db), failures };
}

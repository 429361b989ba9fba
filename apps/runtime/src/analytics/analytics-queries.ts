/**
 * The aggregations behind the Analytics page, each a few SQL statements run inside the caller's
 * tenant transaction (row-level security confines them to that tenant). Same SQL on Postgres and
 * PGlite. Days are local days of the range's time zone.
 */
import type { Tx } from '../db/types';
import { dayOf, rangeParams, RANGE_END, RANGE_START, type DateRange } from './date-range';
import { clusterQuestions, jaccard, questionFeatures, type QuestionCluster } from './question-clusters';

/** One day of the overview. */
export interface DayStats {
  date: string;
  /** Conversations with at least one customer, bot or agent message that day. */
  conversations: number;
  messages: { customer: number; bot: number; agent: number };
  /** Bot messages answered by the fallback route. */
  fallback: number;
  /** Median first-response time of the customer turns that started that day (seconds), or null. */
  first_response_median_seconds: number | null;
  tokens_in: number;
  tokens_out: number;
  cost_vnd: number;
  /** Clicks on tracked links (conversion events). */
  conversions: number;
}

/** The whole range in one object. */
export interface Overview {
  from: string;
  to: string;
  timezone: string;
  days: DayStats[];
  totals: {
    conversations: number;
    messages: { customer: number; bot: number; agent: number };
    /** bot / (bot + agent) replies; null without replies. */
    bot_share: number | null;
    /** agent / (bot + agent) replies; null without replies. */
    human_share: number | null;
    fallback: number;
    /** fallback / bot messages; null without bot messages. */
    fallback_rate: number | null;
    first_response: { median_seconds: number | null; p90_seconds: number | null; samples: number };
    tokens_in: number;
    tokens_out: number;
    cost_vnd: number;
    conversions: number;
  };
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Math.round(Number(value) * 1000) / 1000);
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/**
 * First-response samples: a customer turn starts with a customer message whose previous message
 * in the conversation (customer, bot or agent) is not a customer's; its first-response time runs to
 * the first bot or agent message at or after it. Turns without a reply are not samples.
 */
const FIRST_RESPONSES = `
  WITH touched AS (
    SELECT DISTINCT conversation_id FROM messages
    WHERE role = 'customer' AND created_at >= ${RANGE_START} AND created_at < ${RANGE_END}
  ), ordered AS (
    SELECT m.conversation_id, m.role, m.created_at,
           lag(m.role) OVER (PARTITION BY m.conversation_id ORDER BY m.created_at, (m.role <> 'customer'), m.id) AS prev_role
    FROM messages m JOIN touched t ON t.conversation_id = m.conversation_id
    WHERE m.role IN ('customer', 'bot', 'agent')
  ), turns AS (
    SELECT o.conversation_id, o.created_at FROM ordered o
    WHERE o.role = 'customer' AND (o.prev_role IS NULL OR o.prev_role <> 'customer')
      AND o.created_at >= ${RANGE_START} AND o.created_at < ${RANGE_END}
  ), samples AS (
    SELECT ${dayOf('t.created_at')} AS day,
           extract(epoch FROM (r.reply_at - t.created_at))::double precision AS seconds
    FROM turns t
    CROSS JOIN LATERAL (
      SELECT min(x.created_at) AS reply_at FROM messages x
      WHERE x.conversation_id = t.conversation_id AND x.role IN ('bot', 'agent') AND x.created_at >= t.created_at
    ) r
    WHERE r.reply_at IS NOT NULL
  )
  SELECT day, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90, count(*)::int AS samples
  FROM samples GROUP BY GROUPING SETS ((day), ())`;

/** Conversations, messages, fallback, first response, tokens, cost and conversions of a range. */
export async function overview(tx: Tx, range: DateRange): Promise<Overview> {
  const params = rangeParams(range);
  const messageRows = (
    await tx.query<{ day: string | null; conversations: number; customer: number; bot: number; agent: number; fallback: number }>(
      `SELECT ${dayOf('created_at')} AS day, count(DISTINCT conversation_id)::int AS conversations,
              count(*) FILTER (WHERE role = 'customer')::int AS customer,
              count(*) FILTER (WHERE role = 'bot')::int AS bot,
              count(*) FILTER (WHERE role = 'agent')::int AS agent,
              count(*) FILTER (WHERE role = 'bot' AND route = 'fallback')::int AS fallback
       FROM messages
       WHERE role IN ('customer', 'bot', 'agent') AND created_at >= ${RANGE_START} AND created_at < ${RANGE_END}
       GROUP BY GROUPING SETS ((${dayOf('created_at')}), ())`,
      params,
    )
  ).rows;
  const responseRows = (await tx.query<{ day: string | null; median: number | null; p90: number | null; samples: number }>(FIRST_RESPONSES, params)).rows;
  const usageRows = (
    await tx.query<{ day: string; tokens_in: string; tokens_out: string; cost_vnd: string }>(
      `SELECT ${dayOf('occurred_at')} AS day, sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out, sum(cost_vnd) AS cost_vnd
       FROM usage_events WHERE occurred_at >= ${RANGE_START} AND occurred_at < ${RANGE_END} GROUP BY 1`,
      params,
    )
  ).rows;
  const clickRows = (
    await tx.query<{ day: string; clicks: number }>(
      `SELECT ${dayOf('clicked_at')} AS day, count(*)::int AS clicks
       FROM link_clicks WHERE clicked_at >= ${RANGE_START} AND clicked_at < ${RANGE_END} GROUP BY 1`,
      params,
    )
  ).rows;

  const byDay = <R extends { day: string | null }>(rows: R[]) => new Map(rows.filter((r) => r.day !== null).map((r) => [r.day!, r]));
  const messagesByDay = byDay(messageRows);
  const responsesByDay = byDay(responseRows);
  const usageByDay = byDay(usageRows);
  const clicksByDay = byDay(clickRows);
  const days: DayStats[] = range.days.map((date) => {
    const m = messagesByDay.get(date);
    const u = usageByDay.get(date);
    return {
      date,
      conversations: num(m?.conversations),
      messages: { customer: num(m?.customer), bot: num(m?.bot), agent: num(m?.agent) },
      fallback: num(m?.fallback),
      first_response_median_seconds: numOrNull(responsesByDay.get(date)?.median),
      tokens_in: num(u?.tokens_in),
      tokens_out: num(u?.tokens_out),
      cost_vnd: num(u?.cost_vnd),
      conversions: num(clicksByDay.get(date)?.clicks),
    };
  });
  const all = messageRows.find((r) => r.day === null);
  const responses = responseRows.find((r) => r.day === null);
  const bot = num(all?.bot);
  const agent = num(all?.agent);
  const fallback = num(all?.fallback);
  const sum = (pick: (d: DayStats) => number) => days.reduce((total, d) => total + pick(d), 0);
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    days,
    totals: {
      conversations: num(all?.conversations),
      messages: { customer: num(all?.customer), bot, agent },
      bot_share: ratio(bot, bot + agent),
      human_share: ratio(agent, bot + agent),
      fallback,
      fallback_rate: ratio(fallback, bot),
      first_response: { median_seconds: numOrNull(responses?.median), p90_seconds: numOrNull(responses?.p90), samples: num(responses?.samples) },
      tokens_in: sum((d) => d.tokens_in),
      tokens_out: sum((d) => d.tokens_out),
      cost_vnd: sum((d) => d.cost_vnd),
      conversions: sum((d) => d.conversions),
    },
  };
}

/** How many customer messages the clustering reads at most (the most recent of the range). */
export const QUESTION_SAMPLE_LIMIT = 5000;

/** A group of questions in an API answer. */
export interface QuestionGroup {
  question: string;
  count: number;
  examples: string[];
  last_asked_at: string;
  /** The most recent customer message of the group (for "add to FAQ"). */
  message_id: string;
  conversation_id: string;
}

interface Ref {
  messageId: string;
  conversationId: string;
}

const groupJson = (cluster: QuestionCluster<Ref>): QuestionGroup => ({
  question: cluster.label,
  count: cluster.count,
  examples: cluster.examples,
  last_asked_at: cluster.lastAskedAt.toISOString(),
  message_id: cluster.latestRef!.messageId,
  conversation_id: cluster.latestRef!.conversationId,
});

/** The customers' questions of the range, grouped by meaning, largest groups first. */
export async function topQuestions(tx: Tx, range: DateRange, limit: number): Promise<{ groups: QuestionGroup[]; sampled: number }> {
  const { rows } = await tx.query<{ id: string; conversation_id: string; content: string; created_at: Date }>(
    `SELECT id, conversation_id, content, created_at FROM messages
     WHERE role = 'customer' AND content <> '' AND created_at >= ${RANGE_START} AND created_at < ${RANGE_END}
     ORDER BY created_at DESC LIMIT ${QUESTION_SAMPLE_LIMIT}`,
    rangeParams(range),
  );
  const clusters = clusterQuestions(
    rows.map((r) => ({ text: r.content, at: new Date(r.created_at), ref: { messageId: r.id, conversationId: r.conversation_id } })),
  );
  return { groups: clusters.slice(0, limit).map(groupJson), sampled: rows.length };
}

/** Why a question counts as unanswered. */
export type UnansweredReason = 'fallback' | 'no_sources';

/** An unanswered group. */
export interface UnansweredGroup extends QuestionGroup {
  reason: UnansweredReason;
}

/**
 * Customer questions of the range the bot could not answer from the tenant's knowledge: its reply
 * (the bot message `in_reply_to` the question, else the next bot message) took the fallback route,
 * or was a model answer (cheap/premium) without any source. Grouped by meaning; groups similar to
 * an existing FAQ question are left out, so "add to FAQ" clears them.
 */
export async function unansweredQuestions(tx: Tx, range: DateRange, limit: number): Promise<{ groups: UnansweredGroup[] }> {
  const { rows } = await tx.query<{ id: string; conversation_id: string; content: string; created_at: Date; route: string }>(
    `SELECT c.id, c.conversation_id, c.content, c.created_at, r.route
     FROM messages c
     CROSS JOIN LATERAL (
       SELECT b.route, b.sources FROM messages b
       WHERE b.conversation_id = c.conversation_id AND b.role = 'bot'
         AND (b.in_reply_to = c.id OR (b.in_reply_to IS NULL AND b.created_at >= c.created_at))
       ORDER BY (b.in_reply_to = c.id) DESC, b.created_at, b.id LIMIT 1
     ) r
     WHERE c.role = 'customer' AND c.content <> '' AND c.created_at >= ${RANGE_START} AND c.created_at < ${RANGE_END}
       AND (r.route = 'fallback' OR (r.route IN ('cheap', 'premium') AND jsonb_array_length(r.sources) = 0))
     ORDER BY c.created_at DESC LIMIT ${QUESTION_SAMPLE_LIMIT}`,
    rangeParams(range),
  );
  const faq = (await tx.query<{ question: string }>(`SELECT question FROM faq_entries ORDER BY created_at DESC LIMIT 5000`)).rows.map((r) =>
    questionFeatures(r.question),
  );
  const reasons = new Map(rows.map((r) => [r.id, r.route === 'fallback' ? ('fallback' as const) : ('no_sources' as const)]));
  const clusters = clusterQuestions(
    rows.map((r) => ({ text: r.content, at: new Date(r.created_at), ref: { messageId: r.id, conversationId: r.conversation_id } })),
  ).filter((cluster) => !faq.some((features) => jaccard(features, cluster.features) >= 0.5));
  return {
    groups: clusters.slice(0, limit).map((cluster) => ({ ...groupJson(cluster), reason: reasons.get(cluster.latestRef!.messageId) ?? 'fallback' })),
  };
}

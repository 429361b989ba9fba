/**
 * The date range of an analytics request: whole days `from`–`to` (inclusive) in the tenant's
 * time zone (Asia/Ho_Chi_Minh unless the tenant set `settings.timezone` or the request passes `tz`).
 */
import { ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { Tx } from '../db/types';

/** The default analytics time zone (Vietnam). */
export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
/** The longest range one request may ask for, in days. */
export const MAX_RANGE_DAYS = 366;

/** Whether `tz` is an IANA time zone this process knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}

/** The query every analytics GET takes. */
export const rangeQuery = z
  .object({
    from: z.iso.date().optional().meta({ description: 'Ngày đầu (YYYY-MM-DD, mặc định 29 ngày trước) · first day (default 29 days ago)' }),
    to: z.iso.date().optional().meta({ description: 'Ngày cuối, tính cả ngày đó (mặc định hôm nay) · last day, inclusive (default today)' }),
    tz: z
      .string()
      .max(64)
      .refine(isTimeZone, { message: 'Unknown time zone · Múi giờ không hợp lệ' })
      .optional()
      .meta({ description: 'Múi giờ IANA (mặc định của tenant, Asia/Ho_Chi_Minh) · IANA time zone (default: the tenant\'s)' }),
  })
  .strict();

/** A resolved range. */
export interface DateRange {
  /** First day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last day (inclusive), `YYYY-MM-DD`. */
  readonly to: string;
  readonly timezone: string;
  /** Every day of the range, in order. */
  readonly days: string[];
}

/** Today's date (`YYYY-MM-DD`) in `tz`. */
export function todayIn(tz: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/**
 * Resolves a request's range within one tenant transaction (reads the tenant's time zone).
 * Throws a bilingual 400 when `from` is after `to` or the range is longer than {@link MAX_RANGE_DAYS}.
 */
export async function resolveRange(tx: Tx, query: z.output<typeof rangeQuery>, now: Date = new Date()): Promise<DateRange> {
  let timezone = query.tz;
  if (!timezone) {
    const { rows } = await tx.query<{ tz: string | null }>(`SELECT settings->>'timezone' AS tz FROM tenants LIMIT 1`);
    const configured = rows[0]?.tz ?? null;
    timezone = configured && isTimeZone(configured) ? configured : DEFAULT_TIMEZONE;
  }
  const to = query.to ?? todayIn(timezone, now);
  const from = query.from ?? addDays(to, -29);
  const span = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
  if (span < 1) throw new ValidationError('"from" must not be after "to"', 'Ngày bắt đầu không được sau ngày kết thúc');
  if (span > MAX_RANGE_DAYS) {
    throw new ValidationError(`The range is limited to ${MAX_RANGE_DAYS} days`, `Khoảng thời gian tối đa ${MAX_RANGE_DAYS} ngày`);
  }
  return { from, to, timezone, days: Array.from({ length: span }, (_, i) => addDays(from, i)) };
}

/**
 * SQL bounds of a range as bound parameters `$1` (from), `$2` (to), `$3` (tz): use
 * {@link RANGE_START} / {@link RANGE_END} / {@link dayOf} in queries whose first three
 * parameters are {@link rangeParams}.
 */
export const rangeParams = (range: DateRange): [string, string, string] => [range.from, range.to, range.timezone];
/** The first instant of the range (midnight of `from` in the zone). */
export const RANGE_START = `(($1::date)::timestamp AT TIME ZONE $3::text)`;
/** The first instant after the range (midnight after `to` in the zone). */
export const RANGE_END = `((($2::date) + 1)::timestamp AT TIME ZONE $3::text)`;
/** The local day (`YYYY-MM-DD`) of a timestamptz column in the range's zone. */
export const dayOf = (column: string): string => `to_char(${column} AT TIME ZONE $3::text, 'YYYY-MM-DD')`;

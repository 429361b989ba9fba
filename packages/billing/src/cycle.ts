import { ValidationError } from '@agent-chatbot/core';

/**
 * Billing cycles are calendar months in Asia/Ho_Chi_Minh. Vietnam has kept UTC+07:00 with no
 * daylight saving since 1975, so the boundaries are computed with a fixed offset (no tz database
 * needed, identical on every runtime).
 */
export const BILLING_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 60 * 60 * 1000;
const CYCLE_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A billing cycle: `id` is `'YYYY-MM'`; `start` inclusive, `end` exclusive (UTC instants). */
export interface BillingCycle {
  /** Cycle id, `YYYY-MM` in Vietnam time. */
  readonly id: string;
  /** First instant of the cycle. */
  readonly start: Date;
  /** First instant after the cycle. */
  readonly end: Date;
}

/** The cycle id (`'YYYY-MM'`, Vietnam time) an instant falls in. */
export function cycleIdOf(at: Date): string {
  const local = new Date(at.getTime() + OFFSET_MS);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The cycle with id `'YYYY-MM'`; a malformed id is a 400. */
export function billingCycle(id: string): BillingCycle {
  const match = CYCLE_PATTERN.exec(id);
  if (match === null) {
    throw new ValidationError(`Invalid billing cycle "${id}" (expected YYYY-MM)`, `Kỳ thanh toán "${id}" không hợp lệ (cần dạng YYYY-MM)`, {
      details: { cycle: id },
    });
  }
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  return {
    id,
    start: new Date(Date.UTC(year, month, 1) - OFFSET_MS),
    end: new Date(Date.UTC(year, month + 1, 1) - OFFSET_MS),
  };
}

/** The cycle an instant falls in (default: now). */
export function cycleOf(at: Date = new Date()): BillingCycle {
  return billingCycle(cycleIdOf(at));
}

/** The cycle before `cycle` (the one the monthly invoice job bills on the 1st). */
export function previousCycle(cycle: BillingCycle): BillingCycle {
  return cycleOf(new Date(cycle.start.getTime() - 1));
}

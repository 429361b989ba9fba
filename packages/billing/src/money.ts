import { ValidationError } from '@agent-chatbot/core';

/**
 * Money rules for the whole package: amounts are integer VND (`number`, safe integers, no
 * fractions). Charges to a tenant round UP to the next whole dong (the operator never bills
 * less than the provider cost), credits to a tenant round DOWN; products of price × quantity are
 * computed in integers (prices per million tokens, basis points for percentages) and divided once.
 */

/** Throws a 400 when `value` is not a safe integer amount of VND (negative allowed only if `signed`). */
export function assertVnd(value: number, field = 'amountVnd', signed = false): number {
  if (!Number.isSafeInteger(value) || (!signed && value < 0)) {
    throw new ValidationError(
      `${field} must be a whole number of VND${signed ? '' : ' (not negative)'}`,
      `${field} phải là số nguyên đồng (VND)${signed ? '' : ', không âm'}`,
      { details: { field, value } },
    );
  }
  return value;
}

/** `ceil(numerator / denominator)` for non-negative integers, exact (no float division). */
export function divCeil(numerator: number, denominator: number): number {
  if (numerator <= 0) return 0;
  const n = BigInt(Math.round(numerator));
  const d = BigInt(denominator);
  return Number((n + d - 1n) / d);
}

/** `floor(numerator / denominator)` for non-negative integers, exact. */
export function divFloor(numerator: number, denominator: number): number {
  if (numerator <= 0) return 0;
  return Number(BigInt(Math.round(numerator)) / BigInt(denominator));
}

/** Adds a margin in basis points (1 % = 100 bp) to a charge, rounding up: `applyMarginBp(1000, 2000) === 1200`. */
export function applyMarginBp(amount: number, marginBasisPoints: number): number {
  return divCeil(amount * (10_000 + marginBasisPoints), 10_000);
}

/** Formats VND the Vietnamese way: `formatVnd(1234567) === '1.234.567 ₫'`. */
export function formatVnd(amount: number): string {
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(Math.trunc(amount))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}${digits} ₫`;
}

import { foldDiacritics } from './normalize-vietnamese';

/**
 * Parses a number written the Vietnamese way: `.` groups thousands and `,` marks decimals
 * (`1.500.000`, `1,5`), while English-style `1,500,000.50` is also understood. A single separator
 * followed by exactly three digits is read as thousands (`1.500` → 1500). Returns `undefined`
 * when `text` is not a number.
 *
 * @example
 * ```ts
 * parseNumberVi('1.500.000') // 1500000
 * parseNumberVi('1,2') // 1.2
 * ```
 */
export function parseNumberVi(text: string): number | undefined {
  const raw = text.trim().replace(/\s+/g, '');
  if (!/^[+-]?\d[\d.,]*$/.test(raw) || /[.,]$/.test(raw)) return undefined;
  const dots = (raw.match(/\./g) ?? []).length;
  const commas = (raw.match(/,/g) ?? []).length;
  let normalised: string;
  if (dots > 0 && commas > 0) {
    // Whichever separator comes last is the decimal mark.
    const decimal = raw.lastIndexOf('.') > raw.lastIndexOf(',') ? '.' : ',';
    const thousands = decimal === '.' ? ',' : '.';
    normalised = raw.split(thousands).join('').replace(decimal, '.');
  } else if (dots + commas === 0) {
    normalised = raw;
  } else {
    const separator = dots > 0 ? '.' : ',';
    const groups = raw.split(separator);
    const thousandGroups = groups.slice(1).every((group) => group.length === 3);
    if (groups.length > 2) {
      if (!thousandGroups) return undefined;
      normalised = groups.join('');
    } else {
      normalised = thousandGroups ? groups.join('') : groups.join('.');
    }
  }
  const value = Number(normalised);
  return Number.isFinite(value) ? value : undefined;
}

/** Multipliers of Vietnamese price units (accent-folded, lower case); `củ` is slang for triệu. */
const PRICE_UNITS: Readonly<Record<string, number>> = {
  k: 1_000, nghin: 1_000, ngan: 1_000, canh: 1_000,
  tr: 1_000_000, trieu: 1_000_000, cu: 1_000_000,
  ty: 1_000_000_000, ti: 1_000_000_000,
};
const CURRENCY = '(?:vnd|dong|d|₫)';
const UNIT = '(?:nghin|ngan|canh|trieu|tr|cu|ty|ti|k)';
const NUMBER = '\\d[\\d.,]*\\d|\\d';
/** One amount: a number, an optional unit with an adjacent fraction ("1tr5"), an optional currency. */
const AMOUNT = `(${NUMBER})\\s*(?:(${UNIT})(?![a-z])(\\d{1,3})?(?!\\d))?(?:\\s*(${CURRENCY}(?![a-z])))?`;
/** An amount optionally followed by a smaller one ("1 triệu 200 nghìn"). */
const AMOUNT_PATTERN = new RegExp(`(?<![\\w.,])${AMOUNT}(?:\\s+(${NUMBER})\\s*(${UNIT})(?![a-z]))?`, 'gu');

/** A price found in free text by {@link extractPricesVnd}. */
export interface PriceMatchVnd {
  /** Amount in whole VND. */
  readonly value: number;
  /** The text that was matched, as written. */
  readonly raw: string;
  /** Offset of the match in the input. */
  readonly index: number;
}

function amountFromMatch(groups: ReadonlyArray<string | undefined>): number | undefined {
  const [, numberText, unit, fraction, currency, extraNumber, extraUnit] = groups;
  if (numberText === undefined) return undefined;
  const base = parseNumberVi(numberText);
  if (base === undefined) return undefined;
  if (unit === undefined) {
    // A bare number is a price only with a currency sign, or when it is written like money
    // ("150.000", "200000"); years ("2024") and phone numbers ("0912…") are not prices.
    if (currency === undefined && (numberText.startsWith('0') || (base < 10_000 && !/[.,]\d{3}$/.test(numberText)))) {
      return undefined;
    }
    return Math.round(base);
  }
  const multiplier = PRICE_UNITS[unit]!;
  let value = base * multiplier;
  // "1tr5" = 1.5 triệu, "2k5" = 2.5 nghìn: trailing digits are a decimal fraction of the unit.
  if (fraction !== undefined) value += Number(`0.${fraction}`) * multiplier;
  // "1 triệu 200 nghìn": a second, smaller amount is added.
  if (extraNumber !== undefined && extraUnit !== undefined) {
    const extra = parseNumberVi(extraNumber);
    const extraMultiplier = PRICE_UNITS[extraUnit]!;
    if (extra !== undefined && extraMultiplier < multiplier) value += extra * extraMultiplier;
  }
  return Math.round(value);
}

/**
 * Finds every price in free text, in VND. Understands `150k`, `150 nghìn`/`ngàn`, `1.500.000đ`,
 * `1,500,000 VND`, `1tr5`, `1,2 triệu`, `2 củ`, `1 tỷ`, `1 triệu 200 nghìn`, with or without
 * accents. A bare number counts only with a currency sign, thousands separators or at least 10,000.
 *
 * @example
 * ```ts
 * extractPricesVnd('áo dưới 200k, quần 1tr5').map((p) => p.value) // [200000, 1500000]
 * ```
 */
export function extractPricesVnd(text: string): PriceMatchVnd[] {
  // Folding keeps offsets stable: every Vietnamese letter folds to exactly one character in NFC.
  const source = foldDiacritics(text.normalize('NFC')).toLowerCase();
  const original = text.normalize('NFC');
  const out: PriceMatchVnd[] = [];
  for (const match of source.matchAll(AMOUNT_PATTERN)) {
    const value = amountFromMatch(match);
    if (value === undefined) continue;
    const raw = original.slice(match.index, match.index + match[0].length).trim();
    out.push({ value, raw, index: match.index });
  }
  return out;
}

/**
 * Parses one price to whole VND, or `undefined` when `text` holds no price. Accepts numbers
 * (returned rounded) as well as strings.
 *
 * @example
 * ```ts
 * parsePriceVnd('150k') // 150000
 * parsePriceVnd('1.500.000đ') // 1500000
 * parsePriceVnd('1tr5') // 1500000
 * parsePriceVnd('1,2 triệu') // 1200000
 * parsePriceVnd('200 nghìn') // 200000
 * ```
 */
export function parsePriceVnd(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : undefined;
  const trimmed = text.trim();
  const plain = parseNumberVi(trimmed);
  if (plain !== undefined) return plain >= 0 ? Math.round(plain) : undefined;
  const [first] = extractPricesVnd(trimmed);
  return first?.value;
}

/** Mobile and landline prefixes valid in Vietnam after the leading 0 (10- and 11-digit plans). */
const VN_MOBILE = /^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$/;
const VN_LANDLINE = /^02\d{9}$/;

/**
 * Normalises a Vietnamese phone number to E.164 (`+84…`), or `undefined` when it is not a valid
 * Vietnamese mobile or landline number. Spaces, dots, dashes and brackets are ignored; `84…`,
 * `+84…`, `0084…` and `0…` forms are accepted.
 *
 * @example
 * ```ts
 * normalizePhone('0912 345 678') // '+84912345678'
 * normalizePhone('+84 (28) 3823 4567') // '+842838234567'
 * ```
 */
export function normalizePhone(text: string): string | undefined {
  let digits = text.replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('0084')) digits = `0${digits.slice(4)}`;
  else if (digits.startsWith('84') && (digits.length === 11 || digits.length === 12)) digits = `0${digits.slice(2)}`;
  if (!/^\d+$/.test(digits)) return undefined;
  if (!VN_MOBILE.test(digits) && !VN_LANDLINE.test(digits)) return undefined;
  return `+84${digits.slice(1)}`;
}

/**
 * Finds Vietnamese phone numbers in free text, normalised to E.164 and de-duplicated.
 *
 * @example
 * ```ts
 * extractPhones('gọi 0912.345.678 hoặc +84 28 3823 4567') // ['+84912345678', '+842838234567']
 * ```
 */
export function extractPhones(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/(?:\+|\b)[\d][\d\s.\-()]{7,16}\d/g)) {
    const phone = normalizePhone(match[0]);
    if (phone) found.add(phone);
  }
  return [...found];
}

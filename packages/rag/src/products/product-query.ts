import { extractPricesVnd, foldDiacritics } from '@agent-chatbot/core';

/** What a customer's question asks of the catalog beyond its words. */
export interface ProductQueryConstraints {
  /** Inclusive price bounds in VND, when the question names a price ("dưới 200k", "từ 1tr đến 2tr"). */
  readonly minPrice?: number;
  /** Upper price bound in VND the question names ("dưới 200k"). */
  readonly maxPrice?: number;
  /** The question asks whether something is in stock ("còn không", "còn hàng ko"). */
  readonly asksStock: boolean;
  /** The question asks for a price ("giá bn", "bao nhiêu tiền"). */
  readonly asksPrice: boolean;
}

const BELOW = /(duoi|nho hon|re hon|khong qua|toi da|it hon|<=?|under|below|max)\s*$/;
const ABOVE = /(tren|lon hon|hon|toi thieu|it nhat|tro len|>=?|over|above|min)\s*$/;
const AROUND = /(khoang|tam|co|gia|chung|tam tam|~)\s*$/;

/**
 * Reads price bounds and stock/price intent from a question, with or without accents.
 *
 * @example
 * ```ts
 * parseProductQuery('dưới 200k có gì') // { maxPrice: 200000, asksStock: false, asksPrice: false }
 * parseProductQuery('áo thun trắng size M còn không') // { asksStock: true, asksPrice: false }
 * ```
 */
export function parseProductQuery(query: string): ProductQueryConstraints {
  const folded = foldDiacritics(query.normalize('NFC')).toLowerCase();
  const prices = extractPricesVnd(query);
  const asksStock = /\bcon\s+(hang|khong|ko|k|hok|ko\b|size|mau|khum|hong)\b|\bcon\s*\??$|\bhet hang\b|\bco san\b|\bin stock\b/.test(folded);
  const asksPrice = /\bgia\b|\bbao nhieu tien\b|\bbn\b|\bbao nhieu\b|\bprice\b/.test(folded) && prices.length === 0;
  const result: { minPrice?: number; maxPrice?: number; asksStock: boolean; asksPrice: boolean } = {
    asksStock,
    asksPrice,
  };
  if (prices.length >= 2 && /(tu|between)\s*$/.test(folded.slice(0, prices[0]!.index))) {
    result.minPrice = Math.min(prices[0]!.value, prices[1]!.value);
    result.maxPrice = Math.max(prices[0]!.value, prices[1]!.value);
    return result;
  }
  if (prices.length >= 2 && /^\s*(-|den|toi|~)\s*$/.test(folded.slice(prices[0]!.index + prices[0]!.raw.length, prices[1]!.index))) {
    result.minPrice = Math.min(prices[0]!.value, prices[1]!.value);
    result.maxPrice = Math.max(prices[0]!.value, prices[1]!.value);
    return result;
  }
  for (const price of prices) {
    const before = folded.slice(Math.max(0, price.index - 20), price.index);
    if (BELOW.test(before)) result.maxPrice = price.value;
    else if (ABOVE.test(before)) result.minPrice = price.value;
    else if (AROUND.test(before) || prices.length === 1) {
      // "tầm 300k", "có áo 200k không": a band around the amount.
      result.minPrice = Math.round(price.value * 0.8);
      result.maxPrice = Math.round(price.value * 1.2);
    }
  }
  return result;
}

/** Whether a product's price satisfies the bounds (products without a price never do). */
export function priceWithin(price: unknown, constraints: ProductQueryConstraints): boolean {
  if (constraints.minPrice === undefined && constraints.maxPrice === undefined) return true;
  if (typeof price !== 'number') return false;
  if (constraints.minPrice !== undefined && price < constraints.minPrice) return false;
  if (constraints.maxPrice !== undefined && price > constraints.maxPrice) return false;
  return true;
}

import { ValidationError } from '@agent-chatbot/core';

/** The shape the data model accepts for a tenant slug. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * A URL-safe slug from a (Vietnamese) name: diacritics folded ("đ" → "d"), lower case, runs of
 * anything else → "-". "Cửa hàng Hoa Đào" → "cua-hang-hoa-dao". Never empty: falls back to "shop".
 */
export function slugify(name: string): string {
  const folded = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/g, '');
  return folded.length >= 2 ? folded : `shop${folded ? `-${folded}` : ''}`;
}

/** Returns `slug` when valid, else throws a bilingual 400 explaining the rule. */
export function assertSlug(slug: string): string {
  if (!SLUG_PATTERN.test(slug)) {
    throw new ValidationError(
      `Invalid slug "${slug.slice(0, 70)}": 2–63 characters, lower-case letters, digits and "-", starting with a letter or digit`,
      `Slug "${slug.slice(0, 70)}" không hợp lệ: 2–63 ký tự gồm chữ thường, số và "-", bắt đầu bằng chữ hoặc số`,
      { details: { field: 'slug' } },
    );
  }
  return slug;
}

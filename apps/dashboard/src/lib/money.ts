/** Money and numbers in the reader's language (VND has no minor unit). */

/** `1.234.567 ₫` in Vietnamese, `₫1,234,567` in English. */
export function formatVnd(amount: number, language: string): string {
  return new Intl.NumberFormat(language.startsWith('vi') ? 'vi-VN' : 'en-US', { style: 'currency', currency: 'VND', maximumFractionDigits: 0 }).format(amount);
}

/** A whole number with the language's grouping (`12.345` / `12,345`). */
export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language.startsWith('vi') ? 'vi-VN' : 'en-US', { maximumFractionDigits: 0 }).format(value);
}

/** A ratio as a percentage (`4,2 %` / `4.2%`); `—` for null. */
export function formatPercent(ratio: number | null, language: string): string {
  if (ratio === null) return '—';
  return new Intl.NumberFormat(language.startsWith('vi') ? 'vi-VN' : 'en-US', { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

import { tokenizeSyllables } from './tokenize';

/**
 * Chat abbreviations and teencode Vietnamese customers type, keyed by the normalised token
 * (lower case, NFC). Values are the full words. Ambiguous short forms that would damage ordinary
 * text (`a`, `e`, `v`, `kg`) are deliberately absent.
 */
export const VIETNAMESE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  // không
  k: 'không', ko: 'không', kô: 'không', khg: 'không', kh: 'không', hok: 'không', hk: 'không',
  khum: 'không', hum: 'không', hông: 'không', hem: 'không', kp: 'không phải',
  // được, gì, rồi, vậy, với, cũng, biết, mình…
  dc: 'được', đc: 'được', dduoc: 'được',
  j: 'gì', gj: 'gì', r: 'rồi', ròi: 'rồi', vs: 'với', cx: 'cũng', cg: 'cũng',
  bik: 'biết', bít: 'biết', mk: 'mình', mik: 'mình', mn: 'mọi người', ng: 'người',
  ntn: 'như thế nào', trc: 'trước', ms: 'mới', lm: 'làm', nhiu: 'nhiêu', bnhiu: 'bao nhiêu',
  qa: 'quá', wa: 'quá', z: 'vậy', zậy: 'vậy', thik: 'thích', iu: 'yêu', hnay: 'hôm nay', hqua: 'hôm qua',
  // shop vocabulary
  sp: 'sản phẩm', bn: 'bao nhiêu', bnh: 'bao nhiêu',
  sdt: 'số điện thoại', sđt: 'số điện thoại', đt: 'điện thoại', dt: 'điện thoại',
  bh: 'bảo hành', tt: 'thanh toán', ck: 'chuyển khoản', stk: 'số tài khoản', tk: 'tài khoản',
  sz: 'size', ib: 'nhắn tin', inbox: 'nhắn tin', sl: 'số lượng', dv: 'dịch vụ', đv: 'đơn vị',
  nv: 'nhân viên', dchi: 'địa chỉ', đchi: 'địa chỉ',
  hcm: 'hồ chí minh', tphcm: 'thành phố hồ chí minh', hn: 'hà nội', sg: 'sài gòn',
  tks: 'cảm ơn', thanks: 'cảm ơn', thank: 'cảm ơn', freeship: 'miễn phí vận chuyển',
  cod: 'thanh toán khi nhận hàng', oke: 'ok', okie: 'ok',
};

/**
 * Groups of phrases a shop treats as the same thing. Query expansion adds the other members of a
 * group when one appears, so "ship" finds a policy that says "giao hàng".
 */
export const VIETNAMESE_SYNONYM_GROUPS: ReadonlyArray<ReadonlyArray<string>> = [
  ['giao hàng', 'ship', 'vận chuyển', 'gửi hàng'],
  ['bán sỉ', 'bán buôn', 'giá sỉ'],
  ['bán lẻ', 'giá lẻ'],
  ['đổi trả', 'đổi hàng', 'trả hàng', 'hoàn hàng'],
  ['size', 'kích cỡ', 'kích thước', 'cỡ'],
  ['còn hàng', 'có sẵn', 'còn không'],
  ['hết hàng', 'cháy hàng'],
  ['giá', 'giá tiền', 'giá bán', 'bao nhiêu tiền'],
  ['điện thoại', 'hotline', 'số điện thoại'],
  ['nhắn tin', 'inbox', 'liên hệ'],
  ['thanh toán', 'trả tiền'],
  ['chuyển khoản', 'banking'],
  ['khuyến mãi', 'giảm giá', 'sale', 'ưu đãi'],
  ['địa chỉ', 'cửa hàng ở đâu', 'shop ở đâu'],
  ['giờ mở cửa', 'mấy giờ mở cửa', 'giờ làm việc'],
];

/**
 * Replaces abbreviations and teencode with full Vietnamese words. Given a string, returns the
 * normalised text with abbreviations expanded; given tokens (already normalised), returns tokens.
 * `table` overrides the built-in {@link VIETNAMESE_ABBREVIATIONS} (for a tenant's own shorthand).
 *
 * @example
 * ```ts
 * expandAbbreviations('sp nay con ko, gia bn') // 'sản phẩm nay con không gia bao nhiêu'
 * expandAbbreviations(['ship', 'dc', 'k']) // ['ship', 'được', 'không']
 * ```
 */
export function expandAbbreviations(text: string, table?: Readonly<Record<string, string>>): string;
export function expandAbbreviations(tokens: readonly string[], table?: Readonly<Record<string, string>>): string[];
export function expandAbbreviations(
  input: string | readonly string[],
  table: Readonly<Record<string, string>> = VIETNAMESE_ABBREVIATIONS,
): string | string[] {
  const tokens = typeof input === 'string' ? tokenizeSyllables(input) : input;
  const out: string[] = [];
  for (const token of tokens) {
    const expansion = Object.hasOwn(table, token) ? table[token] : undefined;
    if (expansion === undefined) out.push(token);
    else out.push(...expansion.split(' '));
  }
  return typeof input === 'string' ? out.join(' ') : out;
}

/**
 * Returns extra tokens for every synonym group a token sequence mentions (the other members of the
 * group, tokenised), for query expansion. The input tokens are not repeated.
 *
 * @example
 * ```ts
 * expandSynonyms(['ship', 'hà', 'nội']) // ['giao', 'hàng', 'vận', 'chuyển', 'gửi', 'hàng']
 * ```
 */
export function expandSynonyms(
  tokens: readonly string[],
  groups: ReadonlyArray<ReadonlyArray<string>> = VIETNAMESE_SYNONYM_GROUPS,
): string[] {
  const joined = ` ${tokens.join(' ')} `;
  const extra: string[] = [];
  for (const group of groups) {
    const hit = group.find((phrase) => joined.includes(` ${phrase} `));
    if (hit === undefined) continue;
    for (const phrase of group) if (phrase !== hit) extra.push(...phrase.split(' '));
  }
  return extra;
}

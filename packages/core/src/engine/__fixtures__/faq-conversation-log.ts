/**
 * A replayed FAQ-heavy shop log, as real shops see it: eight customers, many asking the same
 * things in other words, without accents or with chat abbreviations. `fact` is the piece of
 * knowledge the answer needs (it must reach the prompt or the answer).
 */
export interface LoggedQuestion {
  readonly customer: string;
  readonly text: string;
  readonly fact: string;
}

const log = (customer: string, entries: Array<[string, string]>): LoggedQuestion[] =>
  entries.map(([text, fact]) => ({ customer, text, fact }));

/** The log, in the order the messages arrived per customer. */
export const FAQ_CONVERSATION_LOG: LoggedQuestion[] = [
  ...log('lan', [
    ['Shop mở cửa mấy giờ vậy?', '8h đến 21h'],
    ['Áo thun cotton giá bao nhiêu?', '150.000đ'],
    ['Mình nặng 55kg thì mặc size nào?', '50–57kg'],
    ['ship HN mat may ngay', '1–2 ngày'],
    ['Đổi trả trong bao lâu?', '7 ngày'],
    ['Áo thun cotton có những màu gì?', 'trắng, đen, be'],
  ]),
  ...log('minh', [
    ['shop mo cua luc may gio', '8h đến 21h'],
    ['áo thun cotton giá bn vậy shop', '150.000đ'],
    ['Giao hàng Hà Nội mất mấy ngày ạ?', '1–2 ngày'],
    ['Shop nhận thanh toán bằng hình thức nào?', 'MoMo'],
  ]),
  ...log('hoa', [
    ['Giá áo thun cotton bao nhiêu tiền?', '150.000đ'],
    ['Địa chỉ shop ở đâu?', '12 Hàng Bạc'],
    ['Túi da có bảo hành không?', '6 tháng'],
    ['tui da bh bao lau', '6 tháng'],
    ['Áo thun cotton có những màu gì ạ', 'trắng, đen, be'],
  ]),
  ...log('tuan', [
    ['sp ao thun cotton con hang ko', '25'],
    ['Shop có bán sỉ không?', '15%'],
    ['ship hà nội mấy ngày', '1–2 ngày'],
    ['doi tra trong bao lau vay', '7 ngày'],
  ]),
  ...log('mai', [
    ['Shop mở cửa mấy giờ?', '8h đến 21h'],
    ['Áo thun cotton giá bao nhiêu?', '150.000đ'],
    ['Giao hàng đi tỉnh mất bao lâu?', '3–5 ngày'],
    ['ship tinh xa mat bao lau', '3–5 ngày'],
    ['Túi da có bảo hành không ạ', '6 tháng'],
    ['Áo thun cotton giặt máy được không?', 'giặt máy'],
  ]),
  ...log('khoa', [
    ['áo thun cotton bao nhiêu tiền', '150.000đ'],
    ['Shop nhận thanh toán bằng hình thức nào vậy', 'MoMo'],
    ['dia chi cua hang o dau', '12 Hàng Bạc'],
    ['Mình nặng 55kg thì mặc size nào ạ', '50–57kg'],
  ]),
  ...log('thu', [
    ['Shop mở cửa mấy giờ ạ', '8h đến 21h'],
    ['Giao hàng Hà Nội mất mấy ngày?', '1–2 ngày'],
    ['Áo thun cotton có những màu gì', 'trắng, đen, be'],
    ['Chính sách đổi trả như thế nào?', '7 ngày'],
  ]),
  ...log('bao', [
    ['shop co ban si ko', '15%'],
    ['Áo thun cotton giá bao nhiêu vậy', '150.000đ'],
    ['Giao hàng đi tỉnh mất bao lâu ạ', '3–5 ngày'],
    ['Túi da bảo quản thế nào?', 'khăn mềm'],
  ]),
];

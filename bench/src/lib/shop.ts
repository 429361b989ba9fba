/** Deterministic Vietnamese shop content for benchmarks: a 30-entry FAQ and filler documents. */

const TOPICS = [
  ['Shop mở cửa mấy giờ?', 'Dạ, shop mở cửa từ 8h đến 21h tất cả các ngày ạ.'],
  ['Phí giao hàng nội thành bao nhiêu?', 'Dạ, phí giao nội thành là 20.000đ, miễn phí cho đơn từ 300.000đ ạ.'],
  ['Giao hàng đi tỉnh mất mấy ngày?', 'Dạ, giao đi tỉnh mất 2 đến 4 ngày tuỳ khu vực ạ.'],
  ['Shop có cho đổi size không?', 'Dạ, shop đổi size miễn phí trong 7 ngày nếu sản phẩm còn nguyên tem ạ.'],
  ['Thanh toán bằng cách nào?', 'Dạ, anh/chị có thể chuyển khoản, trả tiền mặt khi nhận hàng hoặc ví MoMo ạ.'],
  ['Địa chỉ cửa hàng ở đâu?', 'Dạ, shop ở số 12 Nguyễn Trãi, quận 1, TP.HCM ạ.'],
] as const;

/** 30 FAQ entries (6 topics × 5 product lines), questions distinct. */
export function faqEntries(): Array<{ question: string; answer: string }> {
  const lines = ['áo thun', 'quần jean', 'váy đầm', 'giày sneaker', 'túi xách'];
  return lines.flatMap((line) => TOPICS.map(([question, answer]) => ({ question: `${question.replace(/\?$/, '')} với ${line}?`, answer: `${answer} (${line})` })));
}

const WORDS = (
  'áo thun quần jean váy đầm giày dép túi xách nón khăn đồng hồ kính điện thoại tai nghe sạc bảo hành đổi trả giao hàng ' +
  'thanh toán chuyển khoản khuyến mãi giảm giá miễn phí nội thành toàn quốc hà nội sài gòn đà nẵng cửa hàng chi nhánh ' +
  'size màu trắng đen đỏ xanh chất liệu cotton lụa len da kaki khách hàng đơn hàng sản phẩm chính hãng còn hàng hết hàng'
).split(' ');

/** A deterministic paragraph of `words` words (seeded). */
export function paragraph(seed: number, words = 120): string {
  let state = seed + 1;
  const out: string[] = [];
  for (let i = 0; i < words; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    out.push(WORDS[state % WORDS.length]!);
    if (i % 15 === 14) out[out.length - 1] += '.';
  }
  return out.join(' ');
}

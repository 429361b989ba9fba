/** Deterministic Vietnamese shop content for benchmarks: a 30-entry FAQ and filler documents. */

const FAQ: ReadonlyArray<readonly [string, string]> = [
  ['Shop mở cửa mấy giờ?', 'Dạ, shop mở cửa từ 8h đến 21h tất cả các ngày ạ.'],
  ['Phí giao hàng nội thành bao nhiêu?', 'Dạ, phí giao nội thành là 20.000đ, miễn phí cho đơn từ 300.000đ ạ.'],
  ['Giao hàng đi tỉnh mất mấy ngày?', 'Dạ, giao đi tỉnh mất 2 đến 4 ngày tuỳ khu vực ạ.'],
  ['Shop có cho đổi size không?', 'Dạ, shop đổi size miễn phí trong 7 ngày nếu sản phẩm còn nguyên tem ạ.'],
  ['Thanh toán bằng những cách nào?', 'Dạ, anh/chị có thể chuyển khoản, trả tiền mặt khi nhận hàng hoặc ví MoMo ạ.'],
  ['Địa chỉ cửa hàng ở đâu?', 'Dạ, shop ở số 12 Nguyễn Trãi, quận 1, TP.HCM ạ.'],
  ['Có được kiểm tra hàng trước khi nhận không?', 'Dạ, anh/chị được mở hộp kiểm tra trước khi thanh toán ạ.'],
  ['Shop có xuất hoá đơn VAT không?', 'Dạ, shop xuất hoá đơn VAT cho đơn từ 500.000đ ạ.'],
  ['Bảo hành giày sneaker bao lâu?', 'Dạ, giày sneaker được bảo hành keo và đường may 6 tháng ạ.'],
  ['Áo thun làm từ chất liệu gì?', 'Dạ, áo thun là cotton 100% định lượng 220gsm ạ.'],
  ['Quần jean có co giãn không?', 'Dạ, quần jean co giãn nhẹ 2% spandex ạ.'],
  ['Túi xách có ngăn đựng laptop không?', 'Dạ, túi xách có ngăn chống sốc vừa laptop 14 inch ạ.'],
  ['Làm sao để tra cứu đơn hàng?', 'Dạ, anh/chị nhắn mã đơn để shop tra cứu, hoặc xem trong email xác nhận ạ.'],
  ['Shop có bán sỉ không?', 'Dạ, shop bán sỉ từ 20 sản phẩm, chiết khấu 15% ạ.'],
  ['Có chương trình tích điểm thành viên không?', 'Dạ, mỗi 10.000đ được 1 điểm, 100 điểm đổi voucher 50.000đ ạ.'],
  ['Shop có giao hàng hoả tốc không?', 'Dạ, nội thành có giao hoả tốc trong 2 giờ, phí 40.000đ ạ.'],
  ['Hoàn tiền mất bao lâu?', 'Dạ, hoàn tiền trong 3 đến 5 ngày làm việc sau khi nhận lại hàng ạ.'],
  ['Váy đầm có size cho người trên 70kg không?', 'Dạ, váy đầm có size XXL cho người đến 80kg ạ.'],
  ['Giặt áo len như thế nào?', 'Dạ, áo len nên giặt tay nước lạnh và phơi nằm ngang ạ.'],
  ['Shop có gói quà tặng không?', 'Dạ, shop gói quà miễn phí kèm thiệp viết tay ạ.'],
  ['Có trả góp qua thẻ tín dụng không?', 'Dạ, trả góp 0% qua thẻ tín dụng cho đơn từ 3 triệu ạ.'],
  ['Hàng có phải chính hãng không?', 'Dạ, tất cả sản phẩm đều chính hãng, có tem và hoá đơn nhập khẩu ạ.'],
  ['Shop có chi nhánh ở Hà Nội không?', 'Dạ, chi nhánh Hà Nội ở 45 Hàng Bài, Hoàn Kiếm ạ.'],
  ['Đặt hàng trước được không?', 'Dạ, hàng đặt trước cọc 30% và về sau 10 đến 15 ngày ạ.'],
  ['Có giao hàng ra nước ngoài không?', 'Dạ, hiện shop chỉ giao trong Việt Nam ạ.'],
  ['Đồng hồ có chống nước không?', 'Dạ, đồng hồ chống nước 5ATM, đi mưa và rửa tay thoải mái ạ.'],
  ['Kính mát có chống tia UV không?', 'Dạ, kính mát chống UV400 ạ.'],
  ['Làm sao để huỷ đơn hàng?', 'Dạ, anh/chị nhắn shop trước khi đơn được giao cho vận chuyển để huỷ ạ.'],
  ['Shop có tuyển cộng tác viên không?', 'Dạ, shop tuyển cộng tác viên bán hàng online, hoa hồng 10% ạ.'],
  ['Sinh nhật có ưu đãi gì không?', 'Dạ, tháng sinh nhật thành viên được giảm 20% một đơn ạ.'],
];

/** 30 FAQ entries on distinct topics (what a small shop is asked every day). */
export function faqEntries(): Array<{ question: string; answer: string }> {
  return FAQ.map(([question, answer]) => ({ question, answer }));
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

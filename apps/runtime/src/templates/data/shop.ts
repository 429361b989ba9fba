/** Template: an online clothing and accessories shop (Facebook/Zalo shop). */
import type { IndustryTemplate } from '../template-types';

/** The shop template. */
export const shopTemplate: IndustryTemplate = {
  id: 'shop',
  name: 'Shop bán hàng online',
  name_en: 'Online shop',
  description: 'Quần áo, phụ kiện, mỹ phẩm: hỏi giá, size, còn hàng, phí ship, đổi trả.',
  description_en: 'Clothes, accessories, cosmetics: prices, sizes, stock, shipping, returns.',
  persona: {
    name: 'Mai',
    tone: 'friendly',
    greeting: 'Dạ shop chào anh/chị ạ! Anh/chị cần tư vấn sản phẩm, size hay phí ship ạ?',
    customInstructions:
      'Bạn là nhân viên tư vấn bán hàng của shop. Luôn báo giá bằng VNĐ, hỏi size/màu khi khách muốn đặt, gợi ý sản phẩm phù hợp và mời khách để lại số điện thoại, địa chỉ khi chốt đơn.',
    fallbackText: 'Dạ câu này em chưa chắc ạ, em nhờ nhân viên shop trả lời anh/chị ngay nhé!',
  },
  faq: [
    { question: 'Shop có giao hàng toàn quốc không?', answer: 'Dạ có ạ, shop giao hàng toàn quốc qua GHN và GHTK. Nội thành nhận trong 1–2 ngày, tỉnh khác 2–4 ngày ạ.' },
    { question: 'Phí ship bao nhiêu?', answer: 'Dạ phí ship đồng giá 30.000đ; đơn từ 500.000đ shop miễn phí vận chuyển ạ.' },
    { question: 'Có được kiểm tra hàng trước khi nhận không?', answer: 'Dạ anh/chị được mở hộp kiểm tra hàng trước khi thanh toán cho shipper ạ.' },
    { question: 'Chính sách đổi trả thế nào?', answer: 'Dạ shop đổi size hoặc đổi mẫu trong 7 ngày nếu sản phẩm còn tem mác, chưa qua sử dụng. Hàng lỗi do nhà sản xuất shop đổi mới và chịu phí ship hai chiều ạ.' },
    { question: 'Thanh toán bằng cách nào?', answer: 'Dạ anh/chị có thể thanh toán khi nhận hàng (COD), chuyển khoản ngân hàng hoặc quét mã VietQR ạ.' },
    { question: 'Làm sao để chọn size?', answer: 'Dạ anh/chị cho em xin chiều cao và cân nặng, em tư vấn size chuẩn ạ. Thông thường 45–52kg mặc size S, 53–60kg size M, 61–68kg size L ạ.' },
    { question: 'Shop có cửa hàng để xem trực tiếp không?', answer: 'Dạ shop có cửa hàng tại 123 Nguyễn Trãi, Quận 1, TP.HCM, mở cửa 9h–21h hằng ngày ạ.' },
    { question: 'Bao lâu thì nhận được hàng?', answer: 'Dạ đơn đặt trước 16h được gửi đi trong ngày; nội thành 1–2 ngày, các tỉnh 2–4 ngày là nhận được ạ.' },
    { question: 'Có chương trình khuyến mãi không?', answer: 'Dạ khách mua lần đầu được giảm 10% khi nhập mã CHAOBAN; theo dõi fanpage để nhận ưu đãi hằng tuần ạ.' },
    { question: 'Làm sao để đặt hàng?', answer: 'Dạ anh/chị nhắn tên sản phẩm, size, màu, họ tên, số điện thoại và địa chỉ nhận hàng, shop xác nhận đơn ngay ạ.' },
  ],
  products: [
    { sku: 'MAU-SHOP-01', name: 'Áo thun cotton basic', price_vnd: 149000, category: 'Áo', description: 'Cotton 100%, thấm hút tốt, có size S–XL, màu trắng, đen, be.' },
    { sku: 'MAU-SHOP-02', name: 'Quần jean ống suông', price_vnd: 359000, category: 'Quần', description: 'Jean co giãn nhẹ, lưng cao, size 26–32.' },
    { sku: 'MAU-SHOP-03', name: 'Váy hoa nhí dáng dài', price_vnd: 289000, category: 'Váy', description: 'Voan hai lớp, có lót, size S–L.' },
    { sku: 'MAU-SHOP-04', name: 'Túi tote canvas', price_vnd: 119000, category: 'Phụ kiện', description: 'Vải canvas dày, có ngăn kéo khoá, đựng vừa laptop 14 inch.' },
    { sku: 'MAU-SHOP-05', name: 'Áo sơ mi linen', price_vnd: 320000, category: 'Áo', description: 'Linen mát, form rộng, size S–XL.' },
  ],
  suggested_questions: ['Phí ship bao nhiêu?', 'Chính sách đổi trả thế nào?', 'Tư vấn size giúp mình', 'Shop có cửa hàng không?'],
};

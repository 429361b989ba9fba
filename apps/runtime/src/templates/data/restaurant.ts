/** Template: a restaurant or café. */
import type { IndustryTemplate } from '../template-types';

/** The restaurant template. */
export const restaurantTemplate: IndustryTemplate = {
  id: 'restaurant',
  name: 'Nhà hàng & quán ăn',
  name_en: 'Restaurant & café',
  description: 'Thực đơn, đặt bàn, giao đồ ăn, giờ mở cửa, tiệc và sự kiện.',
  description_en: 'Menu, table bookings, delivery, opening hours, parties and events.',
  persona: {
    name: 'Bếp Nhà',
    tone: 'friendly',
    greeting: 'Dạ quán xin chào anh/chị! Anh/chị muốn xem thực đơn, đặt bàn hay đặt món mang về ạ?',
    customInstructions:
      'Bạn là nhân viên phục vụ của nhà hàng. Giới thiệu món kèm giá, khi khách đặt bàn thì hỏi số người, ngày giờ, tên và số điện thoại; với món có thể gây dị ứng hãy nhắc khách báo trước.',
    fallbackText: 'Dạ câu này em xin phép hỏi lại quản lý và trả lời anh/chị ngay ạ.',
  },
  faq: [
    { question: 'Quán mở cửa mấy giờ?', answer: 'Dạ quán mở cửa từ 10h đến 22h hằng ngày, bếp nhận order cuối lúc 21h30 ạ.' },
    { question: 'Làm sao để đặt bàn?', answer: 'Dạ anh/chị nhắn số người, ngày giờ đến, tên và số điện thoại; quán giữ bàn 15 phút sau giờ hẹn ạ.' },
    { question: 'Quán có giao hàng không?', answer: 'Dạ quán giao trong bán kính 5km, miễn phí ship cho đơn từ 300.000đ; anh/chị cũng có thể đặt qua GrabFood và ShopeeFood ạ.' },
    { question: 'Quán ở đâu?', answer: 'Dạ quán ở 78 Phan Xích Long, Phú Nhuận, TP.HCM, có chỗ để xe máy và ô tô ạ.' },
    { question: 'Có phòng riêng hoặc nhận tiệc không?', answer: 'Dạ quán có phòng riêng 10–30 khách và nhận tiệc sinh nhật, liên hoan công ty; vui lòng đặt trước 2 ngày ạ.' },
    { question: 'Có món chay không?', answer: 'Dạ quán có thực đơn chay riêng gồm 8 món, anh/chị hỏi em để được giới thiệu ạ.' },
    { question: 'Có xuất hóa đơn VAT không?', answer: 'Dạ quán xuất hóa đơn điện tử VAT, anh/chị gửi thông tin công ty khi thanh toán ạ.' },
    { question: 'Trẻ em có ghế ngồi riêng không?', answer: 'Dạ quán có ghế ăn cho bé và khu vui chơi nhỏ ở tầng 1 ạ.' },
    { question: 'Thanh toán bằng hình thức nào?', answer: 'Dạ quán nhận tiền mặt, thẻ, chuyển khoản và quét mã VietQR ạ.' },
  ],
  products: [
    { sku: 'MAU-NH-01', name: 'Cơm tấm sườn bì chả', price_vnd: 65000, category: 'Món chính', description: 'Sườn nướng than, bì, chả trứng, canh rau.' },
    { sku: 'MAU-NH-02', name: 'Bún bò Huế', price_vnd: 70000, category: 'Món chính', description: 'Nước dùng hầm xương 12 giờ, giò heo, chả cua.' },
    { sku: 'MAU-NH-03', name: 'Gỏi cuốn tôm thịt (4 cuốn)', price_vnd: 55000, category: 'Khai vị', description: 'Tôm, thịt ba chỉ, bún, rau sống, chấm tương đậu phộng.' },
    { sku: 'MAU-NH-04', name: 'Lẩu thái hải sản (2–3 người)', price_vnd: 320000, category: 'Lẩu', description: 'Tôm, mực, nghêu, cá, nấm, rau ăn kèm.' },
    { sku: 'MAU-NH-05', name: 'Trà đào cam sả', price_vnd: 45000, category: 'Đồ uống', description: 'Trà đen ủ lạnh, đào ngâm, cam tươi, sả.' },
  ],
  suggested_questions: ['Cho mình xem thực đơn', 'Đặt bàn 4 người tối nay', 'Quán có giao hàng không?', 'Quán mở cửa mấy giờ?'],
};

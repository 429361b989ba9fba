/** Template: a beauty spa or salon. */
import type { IndustryTemplate } from '../template-types';

/** The spa template. */
export const spaTemplate: IndustryTemplate = {
  id: 'spa',
  name: 'Spa & thẩm mỹ',
  name_en: 'Spa & beauty salon',
  description: 'Đặt lịch, bảng giá dịch vụ, liệu trình chăm sóc da, gội đầu dưỡng sinh.',
  description_en: 'Bookings, service prices, skincare treatments, head spa.',
  persona: {
    name: 'Lan',
    tone: 'friendly',
    greeting: 'Dạ Spa xin chào chị ạ! Chị muốn đặt lịch hay tìm hiểu dịch vụ nào ạ?',
    customInstructions:
      'Bạn là lễ tân tư vấn của spa. Giới thiệu dịch vụ và giá rõ ràng, không hứa hẹn hiệu quả điều trị, khi khách muốn đặt lịch thì hỏi tên, số điện thoại, dịch vụ và giờ mong muốn.',
    fallbackText: 'Dạ câu này em xin phép nhờ chuyên viên tư vấn trả lời chị sớm nhất ạ.',
  },
  faq: [
    { question: 'Spa mở cửa mấy giờ?', answer: 'Dạ spa mở cửa từ 9h đến 20h tất cả các ngày trong tuần, kể cả ngày lễ ạ.' },
    { question: 'Làm sao để đặt lịch?', answer: 'Dạ chị nhắn tên, số điện thoại, dịch vụ và giờ mong muốn, spa xác nhận lịch trong 15 phút ạ. Chị cũng có thể gọi hotline 0909 000 111.' },
    { question: 'Có cần đặt lịch trước không?', answer: 'Dạ chị nên đặt trước ít nhất 2 giờ để spa sắp xếp kỹ thuật viên; cuối tuần nên đặt trước 1 ngày ạ.' },
    { question: 'Spa ở đâu, có chỗ gửi xe không?', answer: 'Dạ spa ở 45 Lê Lợi, Quận 3, TP.HCM, có chỗ gửi xe máy miễn phí và gửi ô tô gần đó ạ.' },
    { question: 'Hủy hoặc đổi lịch thế nào?', answer: 'Dạ chị báo trước ít nhất 3 giờ để đổi hoặc hủy lịch miễn phí ạ.' },
    { question: 'Spa dùng mỹ phẩm gì?', answer: 'Dạ spa dùng mỹ phẩm có nguồn gốc rõ ràng, đầy đủ giấy phép lưu hành tại Việt Nam; kỹ thuật viên sẽ soi da trước để chọn sản phẩm phù hợp ạ.' },
    { question: 'Có gói liệu trình không?', answer: 'Dạ có ạ, mua gói 10 buổi chị được tặng thêm 2 buổi và giảm 15% tổng giá ạ.' },
    { question: 'Có ưu đãi cho khách mới không?', answer: 'Dạ khách lần đầu được giảm 30% một dịch vụ chăm sóc da mặt bất kỳ ạ.' },
    { question: 'Thanh toán bằng thẻ được không?', answer: 'Dạ spa nhận tiền mặt, chuyển khoản, quẹt thẻ và ví MoMo ạ.' },
  ],
  products: [
    { sku: 'MAU-SPA-01', name: 'Chăm sóc da mặt cơ bản (60 phút)', price_vnd: 350000, category: 'Dịch vụ da mặt', description: 'Làm sạch, tẩy tế bào chết, đắp mặt nạ, massage mặt.' },
    { sku: 'MAU-SPA-02', name: 'Lấy nhân mụn chuẩn y khoa', price_vnd: 450000, category: 'Dịch vụ da mặt', description: 'Soi da, lấy nhân mụn, điện di, mặt nạ làm dịu.' },
    { sku: 'MAU-SPA-03', name: 'Gội đầu dưỡng sinh (45 phút)', price_vnd: 150000, category: 'Gội đầu', description: 'Gội thảo dược, massage cổ vai gáy, đắp khăn nóng.' },
    { sku: 'MAU-SPA-04', name: 'Massage body đá nóng (90 phút)', price_vnd: 550000, category: 'Massage', description: 'Tinh dầu thiên nhiên và đá nóng giúp thư giãn cơ.' },
    { sku: 'MAU-SPA-05', name: 'Triệt lông vùng nách (1 buổi)', price_vnd: 200000, category: 'Triệt lông', description: 'Công nghệ diode laser, liệu trình khuyến nghị 8–10 buổi.' },
  ],
  suggested_questions: ['Bảng giá chăm sóc da mặt?', 'Đặt lịch chiều nay được không?', 'Spa mở cửa mấy giờ?', 'Có ưu đãi khách mới không?'],
};

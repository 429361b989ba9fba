/** Template: a language centre or training school. */
import type { IndustryTemplate } from '../template-types';

/** The education template. */
export const educationTemplate: IndustryTemplate = {
  id: 'education',
  name: 'Trung tâm giáo dục',
  name_en: 'Education centre',
  description: 'Khoá học, học phí, lịch khai giảng, kiểm tra đầu vào, học thử.',
  description_en: 'Courses, fees, start dates, placement tests, trial lessons.',
  persona: {
    name: 'Cô Minh',
    tone: 'professional',
    greeting: 'Trung tâm xin chào quý phụ huynh và các bạn học viên! Mình có thể tư vấn khoá học nào ạ?',
    customInstructions:
      'Bạn là tư vấn viên tuyển sinh của trung tâm. Hỏi độ tuổi, trình độ và mục tiêu học trước khi gợi ý khoá học; báo học phí, lịch khai giảng; mời đăng ký kiểm tra đầu vào hoặc học thử miễn phí.',
    fallbackText: 'Câu hỏi này mình xin phép chuyển cho tư vấn viên phụ trách liên hệ lại quý khách sớm nhất ạ.',
  },
  faq: [
    { question: 'Trung tâm có những khoá học nào?', answer: 'Trung tâm có tiếng Anh thiếu nhi (6–11 tuổi), tiếng Anh THCS, luyện thi IELTS và tiếng Anh giao tiếp cho người đi làm.' },
    { question: 'Học phí bao nhiêu?', answer: 'Học phí từ 2.400.000đ đến 6.900.000đ mỗi khoá tuỳ chương trình; đóng trọn khoá được giảm 10%.' },
    { question: 'Khi nào khai giảng lớp mới?', answer: 'Trung tâm khai giảng lớp mới vào ngày 5 và 20 hằng tháng; lớp IELTS khai giảng đầu mỗi tháng.' },
    { question: 'Có kiểm tra đầu vào không?', answer: 'Có ạ, học viên làm bài kiểm tra đầu vào miễn phí khoảng 45 phút để xếp lớp đúng trình độ.' },
    { question: 'Có được học thử không?', answer: 'Học viên được học thử miễn phí 1 buổi trước khi đăng ký; vui lòng để lại tên, số điện thoại và khoá học quan tâm.' },
    { question: 'Một lớp có bao nhiêu học viên?', answer: 'Mỗi lớp tối đa 12 học viên để giáo viên theo sát từng bạn.' },
    { question: 'Giáo viên là ai?', answer: 'Giáo viên Việt Nam có IELTS từ 7.5 và giáo viên bản ngữ có chứng chỉ TESOL/CELTA.' },
    { question: 'Nếu nghỉ học thì có được học bù không?', answer: 'Học viên nghỉ có báo trước được học bù ở lớp cùng trình độ trong tháng.' },
    { question: 'Trung tâm ở đâu?', answer: 'Trung tâm ở 12 Trần Duy Hưng, Cầu Giấy, Hà Nội; mở cửa 8h–21h từ thứ Hai đến Chủ nhật.' },
    { question: 'Có lớp học online không?', answer: 'Có ạ, các khoá giao tiếp và IELTS có lớp online qua Zoom với lịch học buổi tối.' },
  ],
  products: [
    { sku: 'MAU-EDU-01', name: 'Tiếng Anh thiếu nhi (3 tháng)', price_vnd: 3600000, category: 'Khoá học', description: '2 buổi/tuần, 90 phút/buổi, giáo trình Cambridge cho bé 6–11 tuổi.' },
    { sku: 'MAU-EDU-02', name: 'Luyện thi IELTS 6.5+ (3 tháng)', price_vnd: 6900000, category: 'Khoá học', description: '3 buổi/tuần, cam kết đầu ra bằng văn bản.' },
    { sku: 'MAU-EDU-03', name: 'Tiếng Anh giao tiếp người đi làm (2 tháng)', price_vnd: 2400000, category: 'Khoá học', description: 'Lớp tối 19h–20h30, tập trung phản xạ nói.' },
    { sku: 'MAU-EDU-04', name: 'Kiểm tra đầu vào', price_vnd: 0, category: 'Dịch vụ', description: 'Miễn phí, 45 phút, có kết quả và tư vấn lộ trình ngay.' },
  ],
  suggested_questions: ['Học phí khoá IELTS?', 'Khi nào khai giảng?', 'Đăng ký học thử miễn phí', 'Có lớp online không?'],
};

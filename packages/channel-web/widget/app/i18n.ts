/** The chat app's strings; Vietnamese unless the page asked for English. */
export const STRINGS = {
  vi: {
    placeholder: 'Nhập tin nhắn…',
    inputLabel: 'Tin nhắn của bạn',
    send: 'Gửi',
    attach: 'Gửi ảnh',
    close: 'Đóng khung chat',
    typing: 'Đang trả lời…',
    log: 'Cuộc trò chuyện',
    suggested: 'Câu hỏi gợi ý',
    refused: 'Trang web này không được phép dùng khung chat này.',
    sendFailed: 'Không gửi được tin nhắn, vui lòng thử lại.',
    tooBig: 'Ảnh quá lớn, vui lòng chọn ảnh nhỏ hơn.',
    startFailed: 'Không mở được khung chat, vui lòng tải lại trang.',
    image: 'Ảnh',
    you: 'Bạn',
    agent: 'Nhân viên',
  },
  en: {
    placeholder: 'Type a message…',
    inputLabel: 'Your message',
    send: 'Send',
    attach: 'Send an image',
    close: 'Close chat',
    typing: 'Typing…',
    log: 'Conversation',
    suggested: 'Suggested questions',
    refused: 'This website is not allowed to use this chat widget.',
    sendFailed: 'The message could not be sent, please try again.',
    tooBig: 'The image is too large, please choose a smaller one.',
    startFailed: 'The chat could not start, please reload the page.',
    image: 'Image',
    you: 'You',
    agent: 'Agent',
  },
} as const;

/** One language's strings. */
export type Strings = { readonly [K in keyof (typeof STRINGS)['vi']]: string };

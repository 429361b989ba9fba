import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { TestChatAnswer } from '../api/content-types';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler } from '../test/fake-api';

const conversationId = '00000000-0000-4000-8000-0000000000c9';
const final: TestChatAnswer = {
  answer: 'Dạ, shop mở cửa từ 8h đến 21h ạ.',
  conversation_id: conversationId,
  message_id: '00000000-0000-4000-8000-0000000000e1',
  route: 'premium',
  route_reason: 'model',
  model: 'gpt-4o',
  key_source: 'platform',
  tokens_in: 1234,
  tokens_out: 56,
  cost_vnd: 420,
  cache_hit: false,
  handoff: false,
  sources: [{ id: 'faq-hours', source_id: 'faq.csv', score: 0.912, title: 'Shop mở cửa mấy giờ?' }],
  quick_replies: [],
};

/** An SSE answer the test releases part by part. */
function streamedAnswer() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const send = (event: string, data: unknown) =>
    act(() => controller.enqueue(new TextEncoder().encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)));
  const end = () => act(() => controller.close());
  return { stream, send, end };
}

describe('/app/test-chat', () => {
  it('streams the answer with the chosen tier, tone and length cap, then shows sources, tokens and cost', async () => {
    const user = userEvent.setup();
    const answers = [streamedAnswer(), streamedAnswer()];
    let turn = 0;
    const handlers: Record<string, FakeHandler> = {
      'POST /v1/tenant/test-chat': () => ({ status: 200, raw: answers[turn++]!.stream, contentType: 'text/event-stream' }),
    };
    const { calls } = await renderApp({ path: '/app/test-chat', handlers, session: adminSession });
    await user.selectOptions(await screen.findByLabelText('Loại mô hình'), 'premium');
    await user.selectOptions(screen.getByLabelText('Giọng điệu'), 'concise');
    await user.type(screen.getByLabelText('Giới hạn độ dài (token)'), '200');
    await user.type(screen.getByLabelText('Tin nhắn'), 'Shop mở cửa mấy giờ?{Enter}');

    await waitFor(() => expect(calls.some((c) => c.path === '/v1/tenant/test-chat')).toBe(true));
    const request = calls.find((c) => c.path === '/v1/tenant/test-chat')!;
    expect(request.body).toEqual({ message: 'Shop mở cửa mấy giờ?', stream: true, tier: 'premium', tone: 'concise', max_output_tokens: 200 });
    expect(request.headers.get('authorization')).toBe('Bearer access-1');
    expect(request.headers.get('accept')).toBe('text/event-stream');
    const log = screen.getByRole('log', { name: 'Cuộc trò chuyện thử' });
    expect(within(log).getByText('Shop mở cửa mấy giờ?')).toBeTruthy();
    expect((screen.getByLabelText('Tin nhắn') as HTMLTextAreaElement).value).toBe('');

    // Deltas appear as they arrive, before the final event.
    await answers[0]!.send('delta', { text: 'Dạ, shop mở cửa ' });
    expect(await within(log).findByText('Dạ, shop mở cửa')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Gửi' })).toHaveProperty('disabled', true);
    await answers[0]!.send('delta', { text: 'từ 8h đến 21h ạ.' });
    await answers[0]!.send('final', final);
    await answers[0]!.end();
    expect(await within(log).findByText('Dạ, shop mở cửa từ 8h đến 21h ạ.')).toBeTruthy();
    expect(within(log).getByText('Mô hình cao cấp')).toBeTruthy();
    expect(within(log).getByText('gpt-4o')).toBeTruthy();
    expect(within(log).getByText('1.234 / 56')).toBeTruthy();
    expect(within(log).getByText(/420\s₫/)).toBeTruthy();
    expect(within(log).getByText('Shop mở cửa mấy giờ?', { selector: 'li li' })).toBeTruthy();
    expect(within(log).getByText('(0.91)')).toBeTruthy();

    // The next question continues the same conversation.
    await user.type(screen.getByLabelText('Tin nhắn'), 'Còn chủ nhật?');
    await user.click(screen.getByRole('button', { name: 'Gửi' }));
    await waitFor(() => expect(calls.filter((c) => c.path === '/v1/tenant/test-chat')).toHaveLength(2));
    expect(calls.filter((c) => c.path === '/v1/tenant/test-chat')[1]!.body).toMatchObject({ message: 'Còn chủ nhật?', conversation_id: conversationId });
    await answers[1]!.send('error', { error: { code: 'answer_failed', message: 'The answer could not be completed', message_vi: 'Không thể hoàn tất câu trả lời' } });
    await answers[1]!.end();
    expect(await within(log).findByText('Không thể hoàn tất câu trả lời')).toBeTruthy();

    // A new conversation forgets the old one.
    await user.click(screen.getByRole('button', { name: 'Cuộc trò chuyện mới' }));
    expect(within(log).queryByText('Còn chủ nhật?')).toBeNull();
  });

  it('keeps Shift+Enter as a new line, rejects an out-of-range cap, and shows a refused request in the reader language', async () => {
    const user = userEvent.setup();
    const handlers: Record<string, FakeHandler> = {
      'POST /v1/tenant/test-chat': () => errorReply(402, 'budget_exceeded', 'The monthly budget is used up', 'Đã dùng hết ngân sách tháng này'),
    };
    const { calls, i18n } = await renderApp({ path: '/app/test-chat', handlers, session: adminSession });
    const box = (await screen.findByLabelText('Tin nhắn')) as HTMLTextAreaElement;
    await user.type(box, 'dòng 1{Shift>}{Enter}{/Shift}dòng 2');
    expect(box.value).toBe('dòng 1\ndòng 2');
    expect(calls.some((c) => c.path === '/v1/tenant/test-chat')).toBe(false);

    await user.type(screen.getByLabelText('Giới hạn độ dài (token)'), '5');
    expect(screen.getByText('Nhập một số từ 16 đến 4096, hoặc để trống.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Gửi' })).toHaveProperty('disabled', true);
    await user.clear(screen.getByLabelText('Giới hạn độ dài (token)'));

    await user.click(screen.getByRole('button', { name: 'Gửi' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Đã dùng hết ngân sách tháng này');
    expect(calls.find((c) => c.path === '/v1/tenant/test-chat')?.body).toEqual({ message: 'dòng 1\ndòng 2', stream: true, tier: 'cheap' });
    await act(() => i18n.changeLanguage('en'));
    expect((await screen.findByRole('alert')).textContent).toBe('The monthly budget is used up');
  });
});

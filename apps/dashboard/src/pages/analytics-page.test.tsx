import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminSession, renderApp } from '../test/render-app';
import type { FakeHandler } from '../test/fake-api';
import type { AnalyticsOverview, TrackedLink, UnansweredGroup } from './analytics-page';

const day = (date: string, n: Partial<AnalyticsOverview['days'][number]> = {}): AnalyticsOverview['days'][number] => ({
  date,
  conversations: 0,
  messages: { customer: 0, bot: 0, agent: 0 },
  fallback: 0,
  first_response_median_seconds: null,
  tokens_in: 0,
  tokens_out: 0,
  cost_vnd: 0,
  conversions: 0,
  ...n,
});

const overview: AnalyticsOverview = {
  from: '2026-11-20',
  to: '2026-11-21',
  timezone: 'Asia/Ho_Chi_Minh',
  days: [
    day('2026-11-20', { conversations: 2, messages: { customer: 4, bot: 3, agent: 0 }, fallback: 1, cost_vnd: 30, tokens_in: 100, tokens_out: 50 }),
    day('2026-11-21', { conversations: 5, messages: { customer: 3, bot: 1, agent: 1 }, fallback: 1, cost_vnd: 70, conversions: 2 }),
  ],
  totals: {
    conversations: 6,
    messages: { customer: 7, bot: 4, agent: 1 },
    bot_share: 0.8,
    human_share: 0.2,
    fallback: 2,
    fallback_rate: 0.5,
    first_response: { median_seconds: 10, p90_seconds: 26, samples: 5 },
    tokens_in: 300,
    tokens_out: 130,
    cost_vnd: 100,
    conversions: 2,
  },
};

function analyticsServer() {
  let unanswered: UnansweredGroup[] = [
    {
      question: 'bao nhiêu tiền vậy shop',
      count: 2,
      examples: ['bao nhiêu tiền vậy shop', 'gia bao nhieu'],
      last_asked_at: '2026-11-20T16:30:00.000Z',
      message_id: '00000000-0000-4000-8000-0000000000q4',
      conversation_id: '00000000-0000-4000-8000-0000000000c2',
      reason: 'no_sources',
    },
  ];
  const links: TrackedLink[] = [];
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/analytics/overview': (call) => {
      const url = new URL(call.path, 'http://x');
      const from = url.searchParams.get('from');
      return { status: 200, body: from ? { ...overview, from, to: url.searchParams.get('to'), days: [day(from)] } : overview };
    },
    'GET /v1/tenant/analytics/top-questions': () => ({
      status: 200,
      body: {
        sampled: 7,
        items: [
          { question: 'Giá bao nhiêu', count: 3, examples: ['Giá bao nhiêu', 'gia bao nhieu', 'bao nhiêu tiền vậy shop'], last_asked_at: '2026-11-20T16:30:00.000Z', message_id: 'm1', conversation_id: 'c1' },
          { question: 'mấy giờ mở cửa', count: 2, examples: ['mấy giờ mở cửa', 'giờ làm việc thế nào'], last_asked_at: '2026-11-21T02:00:00.000Z', message_id: 'm6', conversation_id: 'c3' },
        ],
      },
    }),
    'GET /v1/tenant/analytics/unanswered': () => ({ status: 200, body: { items: unanswered } }),
    'POST /v1/tenant/analytics/unanswered/{messageId}/faq': (call) => {
      unanswered = [];
      const body = call.body as { question: string; answer: string };
      return { status: 201, body: { id: 'f1', ...body, tags: ['analytics'], document_id: null, created_at: '2026-11-26T04:00:00.000Z', updated_at: '2026-11-26T04:00:00.000Z' } };
    },
    'GET /v1/tenant/tracked-links': () => ({ status: 200, body: { items: links } }),
    'POST /v1/tenant/tracked-links': (call) => {
      const body = call.body as { name: string; target_url: string };
      links.unshift({ id: '00000000-0000-4000-8000-0000000000l1', code: 'AbCd2345', ...body, url: 'https://bot.example.vn/l/AbCd2345', clicks: 0, last_clicked_at: null, created_at: '2026-11-26T04:00:00.000Z' });
      return { status: 201, body: links[0] };
    },
    'DELETE /v1/tenant/tracked-links/{id}': () => {
      links.splice(0, 1);
      return { status: 204 };
    },
  };
  return handlers;
}

describe('/app/analytics', () => {
  it('shows the figures, accessible charts and grouped top questions', async () => {
    await renderApp({ path: '/app/analytics', handlers: analyticsServer(), session: adminSession });
    expect(await screen.findByRole('heading', { level: 1, name: 'Thống kê' })).toBeTruthy();
    const figures = await screen.findByRole('region', { name: 'Số liệu chính' });
    expect(within(figures).getByText('80%')).toBeTruthy();
    expect(within(figures).getByText('50%')).toBeTruthy();
    expect(within(figures).getByText('10 giây')).toBeTruthy();
    expect(within(figures).getByText('90% trong vòng 26 giây')).toBeTruthy();
    expect(within(figures).getByText('Khách 7 · bot 4 · nhân viên 1')).toBeTruthy();
    // Each chart is an image with a spoken summary computed from the days.
    const chart = screen.getByRole('img', { name: /Cuộc trò chuyện mỗi ngày/ });
    expect(chart.textContent).toContain('Tổng 7 trong 2 ngày; cao nhất 5 vào 2026-11-21.');
    expect(screen.getByRole('img', { name: /Tin nhắn mỗi ngày/ }).querySelectorAll('rect')).toHaveLength(5);
    const top = await screen.findByRole('list', { name: 'Câu hỏi nhiều nhất' });
    const items = within(top).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'Giá bao nhiêuCũng hỏi: gia bao nhieu · bao nhiêu tiền vậy shop3 lần',
      'mấy giờ mở cửaCũng hỏi: giờ làm việc thế nào2 lần',
    ]);
    // The date fields show the range the server resolved.
    expect((screen.getByLabelText('Từ ngày') as HTMLInputElement).value).toBe('2026-11-20');
    expect((screen.getByLabelText('Đến ngày') as HTMLInputElement).value).toBe('2026-11-21');
  });

  it('asks for another range, and refuses a start after the end', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/analytics', handlers: analyticsServer(), session: adminSession });
    // The fields are re-created with the range the server resolved.
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('Từ ngày').value).toBe('2026-11-20'));
    const from = screen.getByLabelText<HTMLInputElement>('Từ ngày');
    await user.clear(from);
    await user.type(from, '2026-11-25');
    await user.click(screen.getByRole('button', { name: 'Xem' }));
    expect(await screen.findByText('Ngày bắt đầu phải trước ngày kết thúc.')).toBeTruthy();
    expect(calls.some((c) => c.path.includes('from=2026-11-25'))).toBe(false);

    const from2 = screen.getByLabelText<HTMLInputElement>('Từ ngày');
    await user.clear(from2);
    await user.type(from2, '2026-11-01');
    await user.click(screen.getByRole('button', { name: 'Xem' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/v1/tenant/analytics/overview?from=2026-11-01&to=2026-11-21')).toBe(true));
    expect(calls.some((c) => c.path.startsWith('/v1/tenant/analytics/unanswered?from=2026-11-01&to=2026-11-21'))).toBe(true);
    await user.click(screen.getByRole('button', { name: '7 ngày gần nhất' }));
    await waitFor(() => expect(calls.filter((c) => c.path.startsWith('/v1/tenant/analytics/overview?from=')).length).toBe(2));
  });

  it('adds an unanswered question to the FAQ from the keyboard', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/analytics', handlers: analyticsServer(), session: adminSession });
    const add = await screen.findByRole('button', { name: 'Thêm vào FAQ: bao nhiêu tiền vậy shop' });
    expect(screen.getByText(/Trả lời không có nguồn · 2 lần/)).toBeTruthy();
    add.focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Thêm vào câu hỏi thường gặp' });
    expect(within(dialog).getByLabelText<HTMLInputElement>('Câu hỏi').value).toBe('bao nhiêu tiền vậy shop');
    await user.click(within(dialog).getByRole('button', { name: 'Lưu vào FAQ' }));
    expect(await within(dialog).findByText('Vui lòng nhập nội dung.')).toBeTruthy();
    await user.type(within(dialog).getByLabelText('Câu trả lời'), 'Áo thun giá 150.000đ ạ.');
    await user.keyboard('{Tab}{Tab}{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const post = calls.find((c) => c.method === 'POST' && c.path.includes('/faq'));
    expect(post?.path).toBe('/v1/tenant/analytics/unanswered/00000000-0000-4000-8000-0000000000q4/faq');
    expect(post?.body).toEqual({ question: 'bao nhiêu tiền vậy shop', answer: 'Áo thun giá 150.000đ ạ.' });
    expect(await screen.findByText('Bot đã trả lời được mọi câu hỏi trong khoảng này.')).toBeTruthy();
  });

  it('creates, lists and deletes a tracked link', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/analytics', handlers: analyticsServer(), session: adminSession });
    expect(await screen.findByText('Chưa có liên kết nào.')).toBeTruthy();
    await user.type(screen.getByLabelText('Tên liên kết'), 'Đặt hàng');
    await user.type(screen.getByLabelText('Trang đích'), 'shop.example.vn');
    await user.click(screen.getByRole('button', { name: 'Tạo liên kết' }));
    expect(await screen.findByText('Nhập địa chỉ bắt đầu bằng http:// hoặc https://.')).toBeTruthy();
    await user.clear(screen.getByLabelText('Trang đích'));
    await user.type(screen.getByLabelText('Trang đích'), 'https://shop.example.vn/dat-hang');
    await user.click(screen.getByRole('button', { name: 'Tạo liên kết' }));
    expect(await screen.findByText('https://bot.example.vn/l/AbCd2345')).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST' && c.path === '/v1/tenant/tracked-links')?.body).toEqual({ name: 'Đặt hàng', target_url: 'https://shop.example.vn/dat-hang' });

    await user.click(screen.getByRole('button', { name: 'Xoá: Đặt hàng' }));
    const confirm = await screen.findByRole('dialog', { name: 'Xoá liên kết "Đặt hàng"?' });
    await user.click(within(confirm).getByRole('button', { name: 'Xoá' }));
    expect(await screen.findByText('Chưa có liên kết nào.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/tenant/tracked-links/00000000-0000-4000-8000-0000000000l1')).toBe(true);
  });

  it('speaks English too, and is in the navigation', async () => {
    await renderApp({ path: '/app/analytics', handlers: analyticsServer(), session: adminSession, language: 'en' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Analytics' })).toBeTruthy();
    expect(await screen.findByRole('list', { name: 'Top questions' })).toBeTruthy();
    const nav = screen.getByRole('navigation');
    expect(within(nav).getByRole('link', { name: 'Analytics' }).getAttribute('aria-current')).toBe('page');
  });
});

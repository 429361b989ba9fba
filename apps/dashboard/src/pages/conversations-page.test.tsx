import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConversationSummary, TranscriptMessage } from '../api/content-types';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler } from '../test/fake-api';
import { filterQuery } from '../lib/download';
import { localDayStart } from './conversations-page';

afterEach(() => vi.unstubAllGlobals());

const conversation = (id: string, name: string | null, channel: string, last: string): ConversationSummary => ({
  id,
  channel,
  connection_id: null,
  external_conversation_id: null,
  status: 'open',
  mode: 'bot',
  needs_human: false,
  contact: { id: null, name },
  message_count: 2,
  unread_count: 0,
  last_message: { role: 'customer', content: last, created_at: '2026-11-20T03:00:00.000Z' },
  last_message_at: '2026-11-20T03:00:00.000Z',
  created_at: '2026-11-20T02:00:00.000Z',
});

const message = (id: string, role: string, content: string, extra: Partial<TranscriptMessage> = {}): TranscriptMessage => ({
  id,
  role,
  content,
  created_at: '2026-11-20T03:00:00.000Z',
  model: null,
  route: null,
  route_reason: null,
  key_source: null,
  tokens_in: null,
  tokens_out: null,
  cost_vnd: null,
  sources: [],
  in_reply_to: null,
  delivery_status: null,
  ...extra,
});

const lanId = '00000000-0000-4000-8000-00000000c001';
const webId = '00000000-0000-4000-8000-00000000c002';

function historyServer() {
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/conversations/export.csv': () => ({
      status: 200,
      raw: '\uFEFFMã cuộc trò chuyện · Conversation ID\r\n',
      contentType: 'text/csv; charset=utf-8',
    }),
    'GET /v1/tenant/conversations': (call) => {
      const q = new URL(call.path, 'http://x').searchParams.get('q');
      const items = [conversation(lanId, 'Nguyễn Thị Lan', 'zalo', 'Cho hỏi giá áo dài?'), conversation(webId, null, 'web', 'Ship Đà Nẵng bao lâu?')];
      return { status: 200, body: { items: q ? items.filter((c) => c.last_message!.content.includes(q)) : items, next_offset: null } };
    },
    'GET /v1/tenant/conversations/{id}/messages': (call) =>
      call.path.includes(lanId)
        ? {
            status: 200,
            body: {
              items: [
                message('m1', 'customer', 'Cho hỏi giá áo dài?'),
                message('m2', 'bot', 'Dạ áo dài lụa giá 450.000đ ạ.', {
                  model: 'gpt-4o-mini',
                  route: 'cheap',
                  tokens_in: 812,
                  tokens_out: 41,
                  cost_vnd: 37,
                  sources: [{ id: 'c1', sourceId: 'doc-1', score: 0.8, title: 'Bảng giá.pdf' }],
                }),
              ],
              next_before: null,
            },
          }
        : errorReply(404, 'not_found', 'Conversation not found', 'Không tìm thấy cuộc trò chuyện'),
  };
  return handlers;
}

describe('/app/conversations', () => {
  it('turns local dates into an exclusive ISO range and a query string', () => {
    expect(localDayStart('2026-01-10')).toBe(new Date(2026, 0, 10).toISOString());
    expect(localDayStart('2026-01-31', 1)).toBe(new Date(2026, 1, 1).toISOString());
    expect(localDayStart('10/01/2026')).toBeUndefined();
    expect(filterQuery({ q: 'áo dài', channel: '', from: undefined })).toBe('?q=%C3%A1o+d%C3%A0i');
    expect(filterQuery({})).toBe('');
  });

  it('searches by text, channel and dates, and shows a transcript with model, tokens, cost and sources', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/conversations', handlers: historyServer(), session: adminSession });
    expect(await screen.findByText('Nguyễn Thị Lan')).toBeTruthy();
    expect(screen.getByText('Khách chưa rõ tên')).toBeTruthy();

    await user.type(screen.getByLabelText('Tìm kiếm'), 'áo dài');
    await user.selectOptions(screen.getByLabelText('Kênh'), 'zalo');
    await user.type(screen.getByLabelText('Từ ngày'), '2026-11-01');
    await user.type(screen.getByLabelText('Đến ngày'), '2026-11-30');
    await user.click(screen.getByRole('button', { name: 'Tìm' }));
    await waitFor(() => expect(screen.queryByText('Khách chưa rõ tên')).toBeNull());
    const search = new URL(calls.filter((c) => c.path.startsWith('/v1/tenant/conversations?')).at(-1)!.path, 'http://x').searchParams;
    expect(search.get('q')).toBe('áo dài');
    expect(search.get('channel')).toBe('zalo');
    expect(search.get('from')).toBe(new Date(2026, 10, 1).toISOString());
    expect(search.get('to')).toBe(new Date(2026, 11, 1).toISOString());

    await user.click(screen.getByRole('button', { name: /Nguyễn Thị Lan/ }));
    const transcript = await screen.findByRole('list', { name: 'Nội dung cuộc trò chuyện' });
    const bot = within(transcript).getByText('Dạ áo dài lụa giá 450.000đ ạ.').closest('li')!;
    expect(within(bot).getByText('gpt-4o-mini')).toBeTruthy();
    expect(within(bot).getByText('Mô hình tiết kiệm')).toBeTruthy();
    expect(within(bot).getByText('812 / 41')).toBeTruthy();
    expect(within(bot).getByText(/37\s₫/)).toBeTruthy();
    expect(within(bot).getByText('Bảng giá.pdf')).toBeTruthy();
    const customer = within(transcript).getByText('Cho hỏi giá áo dài?').closest('li')!;
    expect(within(customer).queryByText('Mô hình')).toBeNull();
  });

  it('opens narrowed to one customer from ?contact= and can widen again', async () => {
    const user = userEvent.setup();
    const contactId = '00000000-0000-4000-8000-00000000a001';
    const handlers = historyServer();
    handlers['GET /v1/tenant/contacts/{id}'] = () => ({ status: 200, body: { id: contactId, name: 'Nguyễn Thị Lan' } });
    const { calls, history } = await renderApp({ path: `/app/conversations?contact=${contactId}`, handlers, session: adminSession });
    expect(await screen.findByText('Chỉ hiện các cuộc trò chuyện của Nguyễn Thị Lan.')).toBeTruthy();
    const listCalls = () => calls.filter((c) => c.path.startsWith('/v1/tenant/conversations?'));
    await waitFor(() => expect(listCalls().length).toBeGreaterThan(0));
    expect(new URL(listCalls()[0]!.path, 'http://x').searchParams.get('contact_id')).toBe(contactId);
    // A search keeps the customer filter.
    await user.type(screen.getByLabelText('Tìm kiếm'), 'áo');
    await user.click(screen.getByRole('button', { name: 'Tìm' }));
    await waitFor(() => expect(new URL(listCalls().at(-1)!.path, 'http://x').searchParams.get('q')).toBe('áo'));
    expect(new URL(listCalls().at(-1)!.path, 'http://x').searchParams.get('contact_id')).toBe(contactId);
    await user.click(screen.getByRole('button', { name: 'Xem của mọi khách' }));
    await waitFor(() => expect(history.location.search).not.toContain('contact'));
    await waitFor(() => expect(new URL(listCalls().at(-1)!.path, 'http://x').searchParams.get('contact_id')).toBeNull());
    expect(screen.queryByText('Chỉ hiện các cuộc trò chuyện của Nguyễn Thị Lan.')).toBeNull();
  });

  it('refuses an end date before the start date without calling the API', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/conversations', handlers: historyServer(), session: adminSession });
    await screen.findByText('Nguyễn Thị Lan');
    const before = calls.length;
    await user.type(screen.getByLabelText('Từ ngày'), '2026-11-10');
    await user.type(screen.getByLabelText('Đến ngày'), '2026-11-01');
    await user.click(screen.getByRole('button', { name: 'Tìm' }));
    expect(screen.getByRole('alert').textContent).toBe('Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.');
    expect(calls.length).toBe(before);
  });

  it('exports the filtered history as a CSV download with the server file name', async () => {
    const user = userEvent.setup();
    const createObjectURL = vi.fn(() => 'blob:csv');
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const handlers = historyServer();
    handlers['GET /v1/tenant/conversations/export.csv'] = () => ({
      status: 200,
      raw: '\uFEFFa,b\r\n',
      contentType: 'text/csv; charset=utf-8',
      headers: { 'content-disposition': `attachment; filename="hoi-thoai-2026-11-26.csv"; filename*=UTF-8''h%E1%BB%99i-tho%E1%BA%A1i.csv` },
    });
    const { calls } = await renderApp({ path: '/app/conversations', handlers, session: adminSession });
    await screen.findByText('Nguyễn Thị Lan');
    await user.type(screen.getByLabelText('Tìm kiếm'), 'ship');
    await user.click(screen.getByRole('button', { name: 'Tìm' }));
    await user.click(screen.getByRole('button', { name: 'Xuất CSV' }));
    expect(await screen.findByText('Đã tải xuống hội-thoại.csv.')).toBeTruthy();
    const exported = calls.find((c) => c.path.startsWith('/v1/tenant/conversations/export.csv'))!;
    expect(exported.path).toBe('/v1/tenant/conversations/export.csv?q=ship');
    expect(exported.headers.get('authorization')).toBe('Bearer access-1');
    expect(createObjectURL).toHaveBeenCalledTimes(1);
    expect(click).toHaveBeenCalledTimes(1);
    click.mockRestore();
  });

  it('shows the bilingual error when the export is refused', async () => {
    const user = userEvent.setup();
    const handlers = historyServer();
    handlers['GET /v1/tenant/conversations/export.csv'] = () => errorReply(403, 'forbidden', 'Not allowed', 'Bạn không có quyền thực hiện thao tác này');
    await renderApp({ path: '/app/conversations', handlers, session: adminSession });
    await screen.findByText('Nguyễn Thị Lan');
    await user.click(screen.getByRole('button', { name: 'Xuất CSV' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Bạn không có quyền thực hiện thao tác này');
  });
});

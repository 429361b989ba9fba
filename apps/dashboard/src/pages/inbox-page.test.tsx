import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminSession, renderApp } from '../test/render-app';
import type { FakeHandler } from '../test/fake-api';

const me = adminSession.user.id;
const colleague = '00000000-0000-4000-8000-000000000002';
const convA = '00000000-0000-4000-8000-0000000000c1';
const convB = '00000000-0000-4000-8000-0000000000c2';

/** A stand-in for the browser's EventSource: records instances, lets the test push events. */
class FakeEventSource {
  static instances: FakeEventSource[] = [];
  readonly listeners = new Map<string, Array<(event: MessageEvent<string>) => void>>();
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(name: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }
  close() {
    this.closed = true;
  }
  emit(name: string, data: unknown, id = '') {
    for (const listener of this.listeners.get(name) ?? []) listener(new MessageEvent(name, { data: JSON.stringify(data), lastEventId: id }));
  }
}

interface Conv {
  id: string;
  name: string;
  mode: 'bot' | 'human' | 'closed';
  needs_human: boolean;
  assignee: { id: string; name: string | null; email: string } | null;
  unread: number;
  channel: string;
  messages: Array<{ id: string; role: 'customer' | 'bot' | 'agent' | 'note'; content: string }>;
}

function inboxServer() {
  const convs: Conv[] = [
    { id: convA, name: 'Chị Lan', mode: 'human', needs_human: true, assignee: null, unread: 2, channel: 'messenger', messages: [{ id: 'm1', role: 'customer', content: 'Cho mình gặp nhân viên' }] },
    { id: convB, name: 'Anh Minh', mode: 'bot', needs_human: false, assignee: null, unread: 0, channel: 'zalo', messages: [{ id: 'm2', role: 'customer', content: 'Giá bao nhiêu?' }] },
  ];
  const item = (c: Conv) => ({
    id: c.id,
    channel: c.channel,
    connection_id: null,
    mode: c.mode,
    status: c.mode === 'closed' ? 'closed' : 'open',
    needs_human: c.needs_human,
    assignee: c.assignee,
    contact: { id: `k-${c.id}`, name: c.name },
    last_message: { role: 'customer', content: c.messages.at(-1)!.content, created_at: '2026-11-26T04:00:00.000Z' },
    last_message_at: '2026-11-26T04:00:00.000Z',
    last_customer_message_at: '2026-11-26T04:00:00.000Z',
    unread_count: c.unread,
    created_at: '2026-11-26T03:00:00.000Z',
  });
  const find = (path: string) => convs.find((c) => path.includes(c.id))!;
  const state = (c: Conv) => ({ status: 200, body: { id: c.id, mode: c.mode, status: 'open', assignee_id: c.assignee?.id ?? null, needs_human: c.needs_human } });
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/inbox/conversations': (call) => {
      const query = new URL(`http://x${call.path}`).searchParams;
      const items = convs
        .filter((c) => query.get('needs_human') !== 'true' || c.needs_human)
        .filter((c) => query.get('mine') !== 'true' || c.assignee?.id === me)
        .filter((c) => !query.get('channel') || c.channel === query.get('channel'));
      return { status: 200, body: { items: items.map(item), next_cursor: null } };
    },
    'GET /v1/tenant/inbox/conversations/{id}': (call) => {
      const c = find(call.path);
      return {
        status: 200,
        body: {
          conversation: { ...item(c), reply_window_ends_at: c.channel === 'messenger' ? '2026-11-27T04:00:00.000Z' : null },
          contact: { id: `k-${c.id}`, name: c.name, phone: '0901234567', email: null, tags: ['khách quen'], notes: 'Thích màu đỏ', identities: [{ channel: c.channel, external_user_id: 'psid-1', display_name: c.name, last_inbound_at: null }] },
          notes: c.messages.filter((m) => m.role === 'note').map((m) => ({ ...m, author: null, delivery_status: null, delivery_error: null, route: null, created_at: '2026-11-26T04:00:00.000Z' })),
          messages: c.messages.map((m) => ({ ...m, author: null, delivery_status: m.role === 'agent' ? 'sent' : null, delivery_error: null, route: null, created_at: '2026-11-26T04:00:00.000Z' })),
        },
      };
    },
    'POST /v1/tenant/inbox/conversations/{id}/read': (call) => {
      find(call.path).unread = 0;
      return { status: 204 };
    },
    'POST /v1/tenant/inbox/conversations/{id}/take-over': (call) => {
      const c = find(call.path);
      Object.assign(c, { mode: 'human', needs_human: false, assignee: { id: me, name: 'Chị Đào', email: adminSession.user.email } });
      return state(c);
    },
    'POST /v1/tenant/inbox/conversations/{id}/hand-back': (call) => {
      const c = find(call.path);
      Object.assign(c, { mode: 'bot', assignee: null });
      return state(c);
    },
    'POST /v1/tenant/inbox/conversations/{id}/close': (call) => {
      const c = find(call.path);
      c.mode = 'closed';
      return state(c);
    },
    'POST /v1/tenant/inbox/conversations/{id}/assign': (call) => {
      const c = find(call.path);
      c.assignee = { id: colleague, name: 'Bạn Hà', email: 'ha@example.vn' };
      return state(c);
    },
    'POST /v1/tenant/inbox/conversations/{id}/messages': (call) => {
      find(call.path).messages.push({ id: `a${Date.now()}`, role: 'agent', content: (call.body as { content: string }).content });
      return { status: 201, body: { id: 'a1', delivery_status: 'pending', created_at: '2026-11-26T04:01:00.000Z' } };
    },
    'POST /v1/tenant/inbox/conversations/{id}/notes': (call) => {
      find(call.path).messages.push({ id: `n${Date.now()}`, role: 'note', content: (call.body as { content: string }).content });
      return { status: 201, body: { id: 'n1', created_at: '2026-11-26T04:01:00.000Z' } };
    },
    'POST /v1/tenant/inbox/stream-ticket': () => ({ status: 201, body: { ticket: 't', expires_in: 60, url: '/v1/tenant/inbox/stream?ticket=t' } }),
    'GET /v1/tenant/members': () => ({
      status: 200,
      body: {
        items: [
          { user_id: me, email: adminSession.user.email, name: 'Chị Đào', role: 'tenant-admin', joined_at: '2026-11-01T00:00:00.000Z' },
          { user_id: colleague, email: 'ha@example.vn', name: 'Bạn Hà', role: 'tenant-agent', joined_at: '2026-11-02T00:00:00.000Z' },
        ],
      },
    }),
  };
  return { handlers, convs };
}

describe('/app/inbox', () => {
  const original = globalThis.EventSource;
  beforeEach(() => {
    FakeEventSource.instances = [];
    (globalThis as { EventSource?: unknown }).EventSource = FakeEventSource;
  });
  afterEach(() => {
    (globalThis as { EventSource?: unknown }).EventSource = original;
  });

  it('filters the list, opens a conversation with its contact panel, takes over, replies, notes, assigns and hands back', async () => {
    const user = userEvent.setup();
    const server = inboxServer();
    const { calls } = await renderApp({ path: '/app/inbox', handlers: server.handlers, session: adminSession });
    const list = await screen.findByRole('list', { name: 'Danh sách cuộc trò chuyện' });
    await within(list).findByText('Chị Lan');
    expect(within(list).getByText('Anh Minh')).toBeTruthy();
    expect(within(list).getByLabelText('2 tin chưa đọc')).toBeTruthy();

    await user.click(screen.getByLabelText('Cần nhân viên'));
    await waitFor(() => expect(within(list).queryByText('Anh Minh')).toBeNull());
    expect(calls.some((c) => c.path.includes('needs_human=true'))).toBe(true);
    await user.selectOptions(screen.getByLabelText('Kênh'), 'messenger');
    await waitFor(() => expect(calls.some((c) => c.path.includes('channel=messenger') && c.path.includes('needs_human=true'))).toBe(true));

    await user.click(within(list).getByRole('button', { name: /Chị Lan/ }));
    const panel = await screen.findByRole('complementary', { name: 'Thông tin khách' });
    expect(within(panel).getByText('0901234567')).toBeTruthy();
    expect(within(panel).getByText('khách quen')).toBeTruthy();
    expect(within(panel).getByText('Thích màu đỏ')).toBeTruthy();
    expect(within(panel).getByText(/chỉ cho phép trả lời đến/)).toBeTruthy();
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path.endsWith(`${convA}/read`))).toBe(true));

    await user.click(screen.getByRole('button', { name: 'Tiếp nhận (bot ngừng trả lời)' }));
    await screen.findByRole('button', { name: 'Trả lại cho bot' });
    expect(screen.queryByRole('button', { name: 'Tiếp nhận (bot ngừng trả lời)' })).toBeNull();

    await user.type(screen.getByLabelText('Trả lời khách'), 'Dạ shop hỗ trợ chị ngay ạ');
    await user.click(screen.getByRole('button', { name: 'Gửi cho khách' }));
    await screen.findByText('Dạ shop hỗ trợ chị ngay ạ');
    expect(calls.find((c) => c.path.endsWith(`${convA}/messages`))?.body).toEqual({ content: 'Dạ shop hỗ trợ chị ngay ạ' });

    await user.type(screen.getByLabelText('Trả lời khách'), 'Khách VIP');
    await user.click(screen.getByRole('button', { name: 'Lưu ghi chú nội bộ' }));
    await screen.findByText('Khách VIP');
    expect(calls.find((c) => c.path.endsWith(`${convA}/notes`))?.body).toEqual({ content: 'Khách VIP' });
    expect(calls.filter((c) => c.path.endsWith(`${convA}/messages`))).toHaveLength(1);

    await user.selectOptions(screen.getByLabelText('Giao cho đồng nghiệp'), colleague);
    await user.click(screen.getByRole('button', { name: 'Giao' }));
    await screen.findByText('Giao cho Bạn Hà');
    expect(calls.find((c) => c.path.endsWith(`${convA}/assign`))?.body).toEqual({ user_id: colleague });

    await user.click(screen.getByRole('button', { name: 'Trả lại cho bot' }));
    await screen.findByRole('button', { name: 'Tiếp nhận (bot ngừng trả lời)' });
  });

  it('updates live from the event stream and reconnects with a fresh ticket and the last event id', async () => {
    const server = inboxServer();
    const { calls } = await renderApp({ path: `/app/inbox?conversation=${convB}`, handlers: server.handlers, session: adminSession });
    await screen.findByText('Giá bao nhiêu?', { selector: 'p' });
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(1));
    const source = FakeEventSource.instances[0]!;
    expect(source.url).toBe('/v1/tenant/inbox/stream?ticket=t');
    source.emit('ready', {});
    expect(await screen.findByText('Đang cập nhật trực tiếp')).toBeTruthy();

    // A customer writes: the server has the message; the stream says so; the open conversation shows it.
    server.convs[1]!.messages.push({ id: 'm3', role: 'customer', content: 'Còn hàng không shop?' });
    source.emit('message.created', { id: '41', type: 'message.created', conversation_id: convB, payload: { role: 'customer' }, created_at: '2026-11-26T04:02:00.000Z' });
    expect(await screen.findByText('Còn hàng không shop?', { selector: 'p' })).toBeTruthy();

    // A handoff elsewhere: the agent is told at once and can jump to it.
    source.emit('handoff.requested', { id: '42', type: 'handoff.requested', conversation_id: convA, payload: { reason: 'keyword' }, created_at: '2026-11-26T04:03:00.000Z' });
    const user = userEvent.setup();
    await screen.findByText('Có khách vừa cần nhân viên hỗ trợ.');
    await user.click(screen.getByRole('button', { name: 'Mở cuộc trò chuyện' }));
    expect(await screen.findByRole('heading', { name: 'Chị Lan' })).toBeTruthy();
    expect(screen.queryByText('Có khách vừa cần nhân viên hỗ trợ.')).toBeNull();

    const tickets = calls.filter((c) => c.path === '/v1/tenant/inbox/stream-ticket').length;
    source.onerror?.();
    expect(source.closed).toBe(true);
    expect(await screen.findByText('Mất kết nối trực tiếp, đang thử lại…')).toBeTruthy();
    await waitFor(() => expect(FakeEventSource.instances).toHaveLength(2), { timeout: 5000 });
    expect(FakeEventSource.instances[1]!.url).toBe('/v1/tenant/inbox/stream?ticket=t&last_event_id=42');
    expect(calls.filter((c) => c.path === '/v1/tenant/inbox/stream-ticket').length).toBe(tickets + 1);
  });

  it('lets an admin set the idle time, Telegram chat and handoff keywords, with field errors first', async () => {
    const user = userEvent.setup();
    const server = inboxServer();
    let saved: unknown;
    server.handlers['GET /v1/tenant/inbox/settings'] = () => ({
      status: 200,
      body: { idle_minutes: 30, notify_email: true, telegram_chat_id: null, telegram_connection_id: null, handoff_keywords: ['gặp nhân viên'] },
    });
    server.handlers['PUT /v1/tenant/inbox/settings'] = (call) => {
      saved = call.body;
      return { status: 200, body: { ...(call.body as object), telegram_connection_id: null } };
    };
    await renderApp({ path: '/app/inbox', handlers: server.handlers, session: adminSession });
    await user.click(await screen.findByText('Cài đặt hộp thư và chuyển cho nhân viên'));
    const idle = await screen.findByLabelText('Trả lại cho bot sau (phút không có nhân viên hoạt động)');
    await user.clear(idle);
    await user.type(idle, '45');
    await user.type(screen.getByLabelText('Chat ID Telegram của chủ cửa hàng'), 'abc');
    await user.click(screen.getByRole('button', { name: 'Lưu cài đặt' }));
    expect(await screen.findByText('Chat ID chỉ gồm chữ số (có thể có dấu - ở đầu).')).toBeTruthy();
    expect(saved).toBeUndefined();

    await user.clear(screen.getByLabelText('Chat ID Telegram của chủ cửa hàng'));
    await user.type(screen.getByLabelText('Chat ID Telegram của chủ cửa hàng'), '123456');
    await user.type(screen.getByLabelText('Cụm từ khách dùng để gặp nhân viên'), '\ngặp quản lý');
    await user.click(screen.getByLabelText('Gửi e-mail cho nhân viên khi có khách cần người'));
    await user.click(screen.getByRole('button', { name: 'Lưu cài đặt' }));
    expect(await screen.findByText('Đã lưu cài đặt hộp thư.')).toBeTruthy();
    expect(saved).toEqual({ idle_minutes: 45, notify_email: false, telegram_chat_id: '123456', handoff_keywords: ['gặp nhân viên', 'gặp quản lý'] });
  });

  it('hides the settings from a tenant-agent', async () => {
    const agent = { ...adminSession, tenant: { ...adminSession.tenant!, role: 'tenant-agent' as const } };
    await renderApp({ path: '/app/inbox', handlers: inboxServer().handlers, session: agent });
    await screen.findByRole('list', { name: 'Danh sách cuộc trò chuyện' });
    expect(screen.queryByText('Cài đặt hộp thư và chuyển cho nhân viên')).toBeNull();
  });

  it('has the inbox in the navigation, in English too', async () => {
    await renderApp({ path: '/app/inbox', handlers: inboxServer().handlers, session: adminSession, language: 'en' });
    const nav = await screen.findByRole('navigation');
    expect(within(nav).getByRole('link', { name: 'Inbox' })).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Live inbox' })).toBeTruthy();
    expect(screen.getByLabelText('Needs a human')).toBeTruthy();
  });
});

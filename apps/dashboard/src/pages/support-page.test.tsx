import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SupportTicket } from '../api/billing-types';
import type { FakeHandler } from '../test/fake-api';
import { adminSession, renderApp } from '../test/render-app';

const agentSession = {
  ...adminSession,
  tenant: { ...adminSession.tenant!, role: 'tenant-agent' as const },
  tenants: [{ ...adminSession.tenants[0]!, role: 'tenant-agent' as const }],
};

function supportServer() {
  const tickets: SupportTicket[] = [];
  const now = () => '2026-11-26T05:00:00.000Z';
  const summary = (t: SupportTicket) => {
    const { messages: _messages, ...rest } = t;
    return rest;
  };
  const find = (path: string) => tickets.find((t) => path.includes(t.id));
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/support/tickets': () => ({ status: 200, body: { items: tickets.map(summary) } }),
    'POST /v1/tenant/support/tickets': (call) => {
      const body = call.body as { subject: string; body: string };
      const ticket: SupportTicket = {
        id: `00000000-0000-4000-8000-00000000010${tickets.length}`,
        tenant_id: adminSession.tenant!.id,
        tenant_name: null,
        subject: body.subject,
        status: 'open',
        message_count: 1,
        created_at: now(),
        updated_at: now(),
        closed_at: null,
        messages: [{ id: 'm1', author_kind: 'tenant', author_email: adminSession.user.email, body: body.body, created_at: now() }],
      };
      tickets.unshift(ticket);
      return { status: 201, body: ticket };
    },
    'GET /v1/tenant/support/tickets/{id}': (call) => ({ status: 200, body: find(call.path) }),
    'POST /v1/tenant/support/tickets/{id}/messages': (call) => {
      const ticket = find(call.path)!;
      ticket.messages.push({ id: `m${ticket.messages.length + 1}`, author_kind: 'tenant', author_email: adminSession.user.email, body: (call.body as { body: string }).body, created_at: now() });
      Object.assign(ticket, { status: 'open', message_count: ticket.messages.length, closed_at: null });
      return { status: 200, body: ticket };
    },
    'POST /v1/tenant/support/tickets/{id}/close': (call) => {
      const ticket = find(call.path)!;
      Object.assign(ticket, { status: 'closed', closed_at: now() });
      return { status: 200, body: ticket };
    },
  };
  return { handlers, tickets };
}

describe('/app/support', () => {
  it('opens a ticket (validated), shows it with its status, reads a platform reply, answers and closes it', async () => {
    const user = userEvent.setup();
    const { handlers, tickets } = supportServer();
    const { calls } = await renderApp({ path: '/app/support', handlers, session: adminSession });
    expect(await screen.findByText('Chưa có yêu cầu nào.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Gửi yêu cầu' }));
    expect(await screen.findByText('Tiêu đề cần ít nhất 3 ký tự.')).toBeTruthy();
    expect(screen.getByText('Hãy nhập nội dung.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    await user.type(screen.getByLabelText('Tiêu đề'), 'Zalo không nhận tin');
    await user.type(screen.getByLabelText('Nội dung'), 'Từ sáng khách nhắn mà bot không trả lời.');
    await user.click(screen.getByRole('button', { name: 'Gửi yêu cầu' }));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ subject: 'Zalo không nhận tin', body: 'Từ sáng khách nhắn mà bot không trả lời.' });
    const thread = await screen.findByRole('list', { name: 'Các tin nhắn' });
    expect(within(thread).getByText('Từ sáng khách nhắn mà bot không trả lời.')).toBeTruthy();
    expect((screen.getByLabelText<HTMLInputElement>('Tiêu đề')).value).toBe('');

    // The platform answers (as the admin console would); the tenant sees it after a reload of the ticket.
    tickets[0]!.messages.push({ id: 'r1', author_kind: 'platform', author_email: 'ops@example.vn', body: 'Anh/chị kết nối lại OA giúp em ạ.', created_at: '2026-11-26T05:10:00.000Z' });
    tickets[0]!.status = 'answered';
    await user.type(screen.getByLabelText('Trả lời'), 'Em đã kết nối lại, vẫn lỗi.');
    await user.click(screen.getByRole('button', { name: 'Gửi' }));
    expect(await within(thread).findByText('Anh/chị kết nối lại OA giúp em ạ.')).toBeTruthy();
    expect(within(thread).getByText(/Đội hỗ trợ/)).toBeTruthy();
    expect(await within(thread).findByText('Em đã kết nối lại, vẫn lỗi.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Đóng yêu cầu' }));
    await waitFor(() => expect(screen.getAllByText('Đã đóng').length).toBeGreaterThan(0));
    expect(screen.queryByRole('button', { name: 'Đóng yêu cầu' })).toBeNull();
    expect(screen.getByText('Gửi tin nhắn sẽ mở lại yêu cầu.')).toBeTruthy();
  });

  it('is open to agents too, with the Support link in the menu', async () => {
    const { handlers } = supportServer();
    await renderApp({ path: '/app/support', handlers, session: agentSession });
    expect(await screen.findByRole('heading', { name: 'Hỗ trợ', level: 1 })).toBeTruthy();
    const nav = screen.getByRole('navigation');
    expect(within(nav).getByRole('link', { name: 'Hỗ trợ' })).toBeTruthy();
    expect(within(nav).queryByRole('link', { name: 'Thanh toán' })).toBeNull();
  });
});

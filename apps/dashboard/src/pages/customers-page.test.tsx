import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Contact } from '../api/content-types';
import type { SessionResponse } from '../api/types';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler } from '../test/fake-api';

const at = '2026-11-20T03:00:00.000Z';
const lan: Contact = {
  id: '00000000-0000-4000-8000-00000000a001',
  name: 'Nguyễn Thị Lan',
  phone: '0901234567',
  email: null,
  tags: ['VIP'],
  notes: 'Thích áo màu be',
  identities: [
    { channel: 'zalo', external_user_id: 'zl-8842', display_name: 'Lan Nguyễn', last_inbound_at: at },
    { channel: 'web', external_user_id: 'visitor-17', display_name: null, last_inbound_at: null },
  ],
  conversation_count: 3,
  last_message_at: at,
  created_at: at,
  updated_at: at,
};

function contactServer() {
  const contacts: Contact[] = [structuredClone(lan), { ...structuredClone(lan), id: '00000000-0000-4000-8000-00000000a002', name: null, tags: [], notes: null, identities: [] }];
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/contacts/export.csv': () => ({ status: 200, raw: '\uFEFFx\r\n', contentType: 'text/csv; charset=utf-8' }),
    'GET /v1/tenant/contacts': (call) => {
      const tag = new URL(call.path, 'http://x').searchParams.get('tag');
      const items = tag ? contacts.filter((c) => c.tags.includes(tag)) : contacts;
      return { status: 200, body: { items, total: items.length } };
    },
    'PATCH /v1/tenant/contacts/{id}': (call) => {
      const contact = contacts.find((c) => call.path.endsWith(c.id));
      if (!contact) return errorReply(404, 'not_found', 'Contact not found', 'Không tìm thấy khách hàng');
      Object.assign(contact, call.body);
      return { status: 200, body: contact };
    },
  };
  return { handlers, contacts };
}

describe('/app/customers', () => {
  it('lists contacts with their channel identities, tags and notes, and filters by tag', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/customers', handlers: contactServer().handlers, session: adminSession });
    const row = (await screen.findByText('Nguyễn Thị Lan')).closest('tr')!;
    expect(within(row).getByText('0901234567')).toBeTruthy();
    expect(within(row).getByText('Zalo')).toBeTruthy();
    expect(within(row).getByText('Lan Nguyễn')).toBeTruthy();
    expect(within(row).getByText('Website')).toBeTruthy();
    expect(within(row).getByText('visitor-17')).toBeTruthy();
    expect(within(row).getByText('VIP')).toBeTruthy();
    expect(within(row).getByText('Thích áo màu be')).toBeTruthy();
    expect(within(row).getByText('3 cuộc trò chuyện')).toBeTruthy();
    expect(screen.getByText('Chưa rõ tên')).toBeTruthy();

    await user.type(screen.getByLabelText('Thẻ'), 'VIP');
    await user.type(screen.getByLabelText('Tìm kiếm'), 'Lan');
    await user.selectOptions(screen.getByLabelText('Kênh'), 'zalo');
    await user.click(screen.getByRole('button', { name: 'Tìm' }));
    await waitFor(() => expect(screen.queryByText('Chưa rõ tên')).toBeNull());
    const query = new URL(calls.filter((c) => c.path.startsWith('/v1/tenant/contacts?')).at(-1)!.path, 'http://x').searchParams;
    expect(Object.fromEntries(query)).toEqual({ q: 'Lan', tag: 'VIP', channel: 'zalo', limit: '50', offset: '0' });
  });

  it("links to the customer's conversations", async () => {
    const user = userEvent.setup();
    const server = contactServer();
    server.handlers['GET /v1/tenant/conversations'] = () => ({ status: 200, body: { items: [], next_offset: null } });
    server.handlers['GET /v1/tenant/contacts/{id}'] = () => ({ status: 200, body: lan });
    const { calls, history } = await renderApp({ path: '/app/customers', handlers: server.handlers, session: adminSession });
    await user.click(await screen.findByRole('link', { name: 'Xem các cuộc trò chuyện của Nguyễn Thị Lan' }));
    await waitFor(() => expect(history.location.pathname).toBe('/app/conversations'));
    expect(await screen.findByText('Chỉ hiện các cuộc trò chuyện của Nguyễn Thị Lan.')).toBeTruthy();
    await waitFor(() => expect(calls.some((c) => c.path.startsWith('/v1/tenant/conversations?') && c.path.includes(`contact_id=${lan.id}`))).toBe(true));
  });

  it('edits tags and notes from the keyboard (an agent may too)', async () => {
    const user = userEvent.setup();
    const agent: SessionResponse = { ...adminSession, tenant: { ...adminSession.tenant!, role: 'tenant-agent' } };
    const { calls } = await renderApp({ path: '/app/customers', handlers: contactServer().handlers, session: agent });
    await screen.findByText('Nguyễn Thị Lan');
    screen.getByRole('button', { name: 'Sửa khách hàng Nguyễn Thị Lan' }).focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Sửa thông tin Nguyễn Thị Lan' });
    const tags = within(dialog).getByLabelText('Thẻ');
    await user.clear(tags);
    await user.type(tags, 'VIP, khách sỉ');
    const notes = within(dialog).getByLabelText('Ghi chú');
    await user.clear(notes);
    await user.type(notes, 'Giao giờ hành chính');
    await user.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.find((c) => c.method === 'PATCH')).toMatchObject({
      path: `/v1/tenant/contacts/${lan.id}`,
      body: { name: 'Nguyễn Thị Lan', phone: '0901234567', email: null, tags: ['VIP', 'khách sỉ'], notes: 'Giao giờ hành chính' },
    });
    expect(await screen.findByText('khách sỉ')).toBeTruthy();
    expect(screen.getByText('Giao giờ hành chính')).toBeTruthy();
  });

  it('refuses too many tags before calling the API, and shows the API error in the reader language', async () => {
    const user = userEvent.setup();
    const server = contactServer();
    server.handlers['PATCH /v1/tenant/contacts/{id}'] = () => errorReply(404, 'not_found', 'Contact not found', 'Không tìm thấy khách hàng');
    const { calls } = await renderApp({ path: '/app/customers', handlers: server.handlers, session: adminSession });
    await user.click(await screen.findByRole('button', { name: 'Sửa khách hàng Nguyễn Thị Lan' }));
    const dialog = await screen.findByRole('dialog');
    const tags = within(dialog).getByLabelText('Thẻ');
    await user.clear(tags);
    await user.type(tags, Array.from({ length: 21 }, (_, i) => `t${i}`).join(','));
    await user.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect(within(dialog).getByText('Tối đa 20 thẻ, mỗi thẻ tối đa 40 ký tự.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    await user.clear(tags);
    await user.type(tags, 'VIP');
    await user.click(within(dialog).getByRole('button', { name: 'Lưu' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Không tìm thấy khách hàng');
  });

  it('exports the filtered customers as CSV', async () => {
    const user = userEvent.setup();
    URL.createObjectURL = vi.fn(() => 'blob:csv');
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const { calls } = await renderApp({ path: '/app/customers', handlers: contactServer().handlers, session: adminSession });
    await screen.findByText('Nguyễn Thị Lan');
    await user.type(screen.getByLabelText('Thẻ'), 'VIP');
    await user.click(screen.getByRole('button', { name: 'Tìm' }));
    await user.click(screen.getByRole('button', { name: 'Xuất CSV' }));
    expect(await screen.findByText('Đã tải xuống khach-hang.csv.')).toBeTruthy();
    expect(calls.find((c) => c.path.startsWith('/v1/tenant/contacts/export.csv'))?.path).toBe('/v1/tenant/contacts/export.csv?tag=VIP');
    expect(click).toHaveBeenCalledTimes(1);
    click.mockRestore();
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler } from '../test/fake-api';

const zaloId = '00000000-0000-4000-8000-00000000c0a1';
const messengerId = '00000000-0000-4000-8000-00000000c0a2';

function channel(id: string, type: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    type,
    name,
    status: 'active',
    external_account_id: null,
    webhook_url: `https://bot.example.vn/webhooks/${type}/${id}`,
    config: {},
    health: { last_event_at: '2026-11-26T03:00:00.000Z', last_error: null, last_error_at: null, token_expires_at: null },
    created_at: '2026-11-26T04:00:00.000Z',
    updated_at: '2026-11-26T04:00:00.000Z',
    ...extra,
  };
}

function channelsApi() {
  const items = [
    channel(zaloId, 'zalo', 'Zalo Quận 1', { health: { last_event_at: null, last_error: 'test_failed: invalid access token', last_error_at: '2026-11-26T03:30:00.000Z', token_expires_at: '2026-11-27T03:00:00.000Z' } }),
    channel(messengerId, 'messenger', 'Fanpage Spa', { verify_token: 'verify-abc-123' }),
  ];
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/channels': () => ({ status: 200, body: { items } }),
    'POST /v1/tenant/channels/{id}/test': (call) =>
      call.path.includes(zaloId) ? { status: 200, body: { ok: false, details: 'Access token không hợp lệ' } } : { status: 200, body: { ok: true } },
    'PATCH /v1/tenant/channels/{id}': (call) => {
      const target = items.find((c) => call.path.endsWith(c.id))!;
      Object.assign(target, call.body as object);
      return { status: 200, body: target };
    },
    'DELETE /v1/tenant/channels/{id}': (call) => {
      items.splice(items.findIndex((c) => call.path.endsWith(c.id)), 1);
      return { status: 204 };
    },
    'POST /v1/tenant/channels': (call) => {
      const body = call.body as { type: string; config: Record<string, string> };
      if (body.config['page_access_token'] === 'sai') return errorReply(502, 'provider_error', 'subscribePage failed', 'Nhà cung cấp từ chối bước "subscribePage"');
      const created = channel('00000000-0000-4000-8000-00000000c0a3', body.type, 'LINE mới');
      items.unshift(created);
      return { status: 201, body: created };
    },
  };
  return { handlers, items };
}

describe('channels settings', () => {
  it('lists channels with health, webhook URL and verify token, and tests each connection', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/channels', session: adminSession, handlers: channelsApi().handlers });
    const zalo = (await screen.findByRole('heading', { name: /Zalo Quận 1/ })).closest('div.rounded-lg, [class*="border"]') as HTMLElement;
    expect(within(zalo).getByText(/test_failed: invalid access token/)).toBeTruthy();
    expect(within(zalo).getByText('Có lỗi')).toBeTruthy();
    expect(within(zalo).getByText(`https://bot.example.vn/webhooks/zalo/${zaloId}`)).toBeTruthy();
    const fanpage = screen.getByRole('heading', { name: /Fanpage Spa/ }).closest('[class*="border"]') as HTMLElement;
    expect(within(fanpage).getByText('verify-abc-123')).toBeTruthy();
    expect(within(fanpage).getByRole('button', { name: 'Sao chép Mã xác minh (verify token)' })).toBeTruthy();

    await user.click(within(zalo).getByRole('button', { name: 'Kiểm tra kết nối' }));
    expect(await within(zalo).findByText('Kết nối lỗi: Access token không hợp lệ')).toBeTruthy();
    await user.click(within(fanpage).getByRole('button', { name: 'Kiểm tra kết nối' }));
    expect(await within(fanpage).findByText(/Kết nối tốt/)).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([`/v1/tenant/channels/${zaloId}/test`, `/v1/tenant/channels/${messengerId}/test`]);
  });

  it('renames, pauses and removes a channel after confirmation', async () => {
    const user = userEvent.setup();
    const api = channelsApi();
    const { calls } = await renderApp({ path: '/app/settings/channels', session: adminSession, handlers: api.handlers });
    const card = () => screen.getByRole('heading', { name: /Fanpage Spa|Fanpage chính/ }).closest('[class*="border"]') as HTMLElement;
    await screen.findByRole('heading', { name: /Fanpage Spa/ });
    await user.click(within(card()).getByRole('button', { name: 'Đổi tên' }));
    const name = within(card()).getByLabelText('Tên hiển thị');
    await user.clear(name);
    await user.type(name, 'Fanpage chính');
    await user.click(within(card()).getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByRole('heading', { name: /Fanpage chính/ })).toBeTruthy();
    await user.click(within(card()).getByRole('button', { name: 'Tạm dừng' }));
    await waitFor(() => expect(within(card()).getByRole('button', { name: 'Bật lại' })).toBeTruthy());
    await user.click(within(card()).getByRole('button', { name: 'Xoá' }));
    const dialog = await screen.findByRole('dialog', { name: 'Gỡ kênh này?' });
    await user.click(within(dialog).getByRole('button', { name: 'Xoá' }));
    await waitFor(() => expect(screen.queryByRole('heading', { name: /Fanpage chính/ })).toBeNull());
    expect(calls.filter((c) => c.method !== 'GET').map((c) => [c.method, c.body])).toEqual([
      ['PATCH', { name: 'Fanpage chính' }],
      ['PATCH', { status: 'disabled' }],
      ['DELETE', undefined],
    ]);
  });

  it('replaces only the credentials typed in, showing the stored masks', async () => {
    const user = userEvent.setup();
    const api = channelsApi();
    api.items[1]!.config = { page_id: '102938475610', page_access_token: '…9999', app_secret: '…0000' };
    const { calls } = await renderApp({ path: '/app/settings/channels', session: adminSession, handlers: api.handlers });
    const card = (await screen.findByRole('heading', { name: /Fanpage Spa/ })).closest('[class*="border"]') as HTMLElement;
    await user.click(within(card).getByRole('button', { name: 'Cập nhật thông tin đăng nhập' }));
    const form = within(card).getByRole('form', { name: 'Thông tin đăng nhập mới cho Fanpage Spa' });
    expect(within(form).getByText('Đang lưu: …9999')).toBeTruthy();
    await user.click(within(form).getByRole('button', { name: 'Lưu' }));
    expect(await within(form).findByText('Nhập ít nhất một giá trị mới.')).toBeTruthy();
    const token = within(form).getByLabelText<HTMLInputElement>('Page access token');
    expect(token.type).toBe('password');
    await user.type(token, 'EAAG-token-moi');
    await user.click(within(form).getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(within(card).queryByRole('form', { name: /Thông tin đăng nhập mới/ })).toBeNull());
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => [c.path, c.body])).toEqual([[`/v1/tenant/channels/${messengerId}`, { config: { page_access_token: 'EAAG-token-moi' } }]]);
  });

  it('adds a channel with the provider fields, showing the provider refusal and the guide', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/channels', session: adminSession, handlers: channelsApi().handlers });
    const form = await screen.findByRole('form', { name: 'Kết nối Zalo OA' });
    expect(within(form).getByLabelText<HTMLInputElement>('App secret').type).toBe('password');
    await user.selectOptions(screen.getByLabelText('Nhà cung cấp'), 'messenger');
    const messenger = await screen.findByRole('form', { name: 'Kết nối Facebook Messenger' });
    expect(within(messenger.parentElement!).getByText(/messaging_postbacks/)).toBeTruthy();
    await user.type(within(messenger).getByLabelText('Page ID'), 'abc');
    await user.type(within(messenger).getByLabelText('Page access token'), 'sai');
    await user.type(within(messenger).getByLabelText('App secret'), 'meta-secret');
    await user.click(within(messenger).getByRole('button', { name: 'Kết nối' }));
    expect(await within(messenger).findByText('Chỉ gồm chữ số.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    await user.clear(within(messenger).getByLabelText('Page ID'));
    await user.type(within(messenger).getByLabelText('Page ID'), '102938475610');
    await user.click(within(messenger).getByRole('button', { name: 'Kết nối' }));
    expect(await within(messenger).findByText('Nhà cung cấp từ chối bước "subscribePage"')).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ type: 'messenger', config: { page_id: '102938475610', page_access_token: 'sai', app_secret: 'meta-secret' } });

    await user.selectOptions(screen.getByLabelText('Nhà cung cấp'), 'line');
    const line = await screen.findByRole('form', { name: 'Kết nối LINE' });
    await user.type(within(line).getByLabelText('Channel secret'), 'line-secret');
    await user.type(within(line).getByLabelText('Channel access token'), 'line-token');
    await user.click(within(line).getByRole('button', { name: 'Kết nối' }));
    expect(await screen.findByText(/Đã kết nối kênh LINE mới/)).toBeTruthy();
    expect(await screen.findByRole('heading', { name: /LINE mới/ })).toBeTruthy();
    // The secrets typed are gone from the form once sent.
    expect(within(line).getByLabelText<HTMLInputElement>('Channel secret').value).toBe('');
  });

  it('shows English when the reader chose English', async () => {
    await renderApp({ path: '/app/settings/channels', session: adminSession, handlers: channelsApi().handlers, language: 'en' });
    expect(await screen.findByRole('heading', { name: 'Channels', level: 1 })).toBeTruthy();
    expect(await screen.findAllByRole('button', { name: 'Test connection' })).toHaveLength(2);
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SessionResponse } from '../api/types';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler } from '../test/fake-api';

const tenant = {
  id: adminSession.tenant!.id,
  name: 'Hoa Đào',
  slug: 'hoa-dao',
  plan: 'free',
  status: 'active',
  settings: { persona: { name: 'Mai', greeting: 'Chào anh/chị!', handoffKeywords: ['gặp người'] }, other: 1 },
  created_at: '2026-11-26T04:00:00.000Z',
  updated_at: '2026-11-26T04:00:00.000Z',
};

describe('bot settings', () => {
  it('saves the persona under settings.persona, keeping keys the form does not edit and dropping emptied ones', async () => {
    const user = userEvent.setup();
    const { calls, session } = await renderApp({
      path: '/app/settings/bot',
      session: adminSession,
      handlers: {
        'GET /v1/tenant': () => ({ status: 200, body: tenant }),
        'PATCH /v1/tenant': (call) => ({ status: 200, body: { ...tenant, name: (call.body as { name: string }).name } }),
      },
    });
    const botName = await screen.findByLabelText<HTMLInputElement>('Tên bot');
    expect(botName.value).toBe('Mai');
    await user.clear(screen.getByLabelText('Lời chào'));
    await user.selectOptions(screen.getByLabelText('Giọng điệu'), 'professional');
    await user.clear(screen.getByLabelText('Tên cửa hàng'));
    await user.type(screen.getByLabelText('Tên cửa hàng'), 'Hoa Đào Quận 1');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Đã lưu thay đổi.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      name: 'Hoa Đào Quận 1',
      settings: { persona: { name: 'Mai', tone: 'professional', handoffKeywords: ['gặp người'] } },
    });
    // The header shows the new shop name at once.
    expect(session.getState().tenant?.name).toBe('Hoa Đào Quận 1');
  });

  it('refuses an empty bot name in Vietnamese', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/bot', session: adminSession, handlers: { 'GET /v1/tenant': () => ({ status: 200, body: tenant }) } });
    await user.clear(await screen.findByLabelText('Tên bot'));
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Vui lòng đặt tên cho bot.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
  });
});

describe('platform-admin tenants', () => {
  const platformAdmin: SessionResponse = { ...adminSession, user: { ...adminSession.user, platform_admin: true }, tenant: null, tenants: [] };
  const row = { id: '00000000-0000-4000-8000-0000000000aa', name: 'Hoa Đào', slug: 'hoa-dao', plan: 'free', status: 'active', created_at: '2026-11-26T04:00:00.000Z', member_count: 2 };

  function adminHandlers(): Record<string, FakeHandler> {
    let status = 'active';
    return {
      'GET /v1/admin/tenants': () => ({ status: 200, body: { items: [{ ...row, status }] } }),
      'POST /v1/admin/tenants/{id}/suspend': () => {
        status = 'suspended';
        return { status: 200, body: { ...row, status } };
      },
      'POST /v1/admin/tenants/{id}/resume': () => {
        status = 'active';
        return { status: 200, body: { ...row, status } };
      },
    };
  }

  it('suspends after confirmation and resumes', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/admin/tenants', session: platformAdmin, handlers: adminHandlers() });
    await user.click(await screen.findByRole('button', { name: 'Tạm ngưng' }));
    const dialog = await screen.findByRole('dialog', { name: 'Tạm ngưng cửa hàng?' });
    await user.click(within(dialog).getByRole('button', { name: 'Tạm ngưng' }));
    await user.click(await screen.findByRole('button', { name: 'Mở lại' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Tạm ngưng' })).toBeTruthy());
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
      `/v1/admin/tenants/${row.id}/suspend`,
      `/v1/admin/tenants/${row.id}/resume`,
    ]);
  });

  it('filters by status and sends tenant admins away from the console', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/admin/tenants', session: platformAdmin, handlers: adminHandlers() });
    await user.selectOptions(await screen.findByLabelText('Lọc theo trạng thái'), 'suspended');
    await waitFor(() => expect(calls.some((c) => c.path.includes('status=suspended'))).toBe(true));

    const other = await renderApp({
      path: '/app/admin/tenants',
      session: adminSession,
      handlers: { ...adminHandlers(), 'GET /v1/tenant': () => errorReply(500, 'x', 'x', 'x') },
    });
    await waitFor(() => expect(other.history.location.pathname).toBe('/app'));
    expect(other.calls.some((c) => c.path.startsWith('/v1/admin'))).toBe(false);
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SessionResponse } from '../api/types';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler } from '../test/fake-api';

const tenant = { id: 't', name: 'Hoa Đào', slug: 'hoa-dao', plan: 'free', status: 'active', settings: {}, created_at: '2026-11-26T04:00:00.000Z', updated_at: '2026-11-26T04:00:00.000Z' };
const me = { user: adminSession.user, tenant: adminSession.tenant, tenants: adminSession.tenants };
const handlers: Record<string, FakeHandler> = {
  'GET /v1/tenant': (call) => (call.headers.get('authorization') ? { status: 200, body: tenant } : errorReply(401, 'unauthenticated', 'Sign in', 'Vui lòng đăng nhập')),
  'GET /v1/me': () => ({ status: 200, body: me }),
  'POST /v1/auth/login': () => ({ status: 200, body: adminSession }),
  'POST /v1/auth/refresh': () => ({ status: 200, body: { access_token: 'access-2', refresh_token: 'refresh-token-2', token_type: 'Bearer', expires_in: 900 } }),
  'POST /v1/auth/logout': () => ({ status: 204 }),
};

describe('app shell and session guard', () => {
  it('sends visitors without a session to /login and back to the page they asked for', async () => {
    const user = userEvent.setup();
    const { history } = await renderApp({ path: '/app/settings/team', handlers: { ...handlers, 'GET /v1/tenant/members': () => ({ status: 200, body: { items: [] } }), 'GET /v1/tenant/invitations': () => ({ status: 200, body: { items: [] } }) } });
    await screen.findByRole('heading', { name: 'Đăng nhập' });
    expect(history.location.pathname).toBe('/login');
    await user.type(screen.getByLabelText('Email'), 'chu.shop@example.vn');
    await user.type(screen.getByLabelText('Mật khẩu'), 'mat-khau-that-dai-2024');
    await user.click(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect(await screen.findByRole('heading', { name: 'Nhân viên' })).toBeTruthy();
    expect(history.location.pathname).toBe('/app/settings/team');
  });

  it('restores a session from the stored refresh token after a reload', async () => {
    const { calls, session } = await renderApp({ path: '/app', handlers, storedRefreshToken: 'refresh-token-1' });
    expect(await screen.findByRole('heading', { name: 'Xin chào, Hoa Đào' })).toBeTruthy();
    expect(calls.slice(0, 2).map((c) => c.path)).toEqual(['/v1/auth/refresh', '/v1/me']);
    expect(session.getState().refreshToken).toBe('refresh-token-2');
  });

  it('switches to English from the keyboard and sets <html lang>', async () => {
    const user = userEvent.setup();
    await renderApp({ path: '/app', handlers, session: adminSession });
    await screen.findByRole('heading', { name: 'Xin chào, Hoa Đào' });
    const picker = screen.getByLabelText('Ngôn ngữ');
    picker.focus();
    await user.selectOptions(picker, 'en');
    expect(await screen.findByRole('heading', { name: 'Hello, Hoa Đào' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    expect(screen.getByRole('navigation', { name: 'Dashboard menu' })).toBeTruthy();
  });

  it('shows a support agent only the pages an agent may open', async () => {
    const agent: SessionResponse = { ...adminSession, tenant: { ...adminSession.tenant!, role: 'tenant-agent' } };
    await renderApp({ path: '/app', handlers, session: agent });
    const nav = await screen.findByRole('navigation', { name: 'Menu quản lý' });
    const links = within(nav).getAllByRole('link').map((a) => a.textContent);
    expect(links).toEqual(expect.arrayContaining(['Tổng quan', 'Kho tri thức', 'Lịch sử trò chuyện', 'Khách hàng', 'Chat thử', 'Nhân viên']));
    for (const adminOnly of ['Cài đặt bot', 'API key', 'Khoá LLM', 'Nhật ký thao tác', 'Quản lý cửa hàng']) expect(links).not.toContain(adminOnly);
  });

  it('logs out from the user menu: the server revokes the refresh token and the login page opens', async () => {
    const user = userEvent.setup();
    const { calls, history, session } = await renderApp({ path: '/app', handlers, session: adminSession });
    await user.click(await screen.findByRole('button', { name: 'Tài khoản' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Đăng xuất' }));
    await waitFor(() => expect(history.location.pathname).toBe('/login'));
    expect(calls.find((c) => c.path === '/v1/auth/logout')?.body).toEqual({ refresh_token: 'refresh-token-1' });
    expect(session.getState().accessToken).toBeNull();
  });
});

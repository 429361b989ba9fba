import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply } from '../test/fake-api';

const tenant = {
  id: adminSession.tenant!.id,
  name: 'Hoa Đào',
  slug: 'hoa-dao',
  plan: 'free',
  status: 'active',
  settings: {},
  created_at: '2026-11-26T04:00:00.000Z',
  updated_at: '2026-11-26T04:00:00.000Z',
};

async function fill(user: ReturnType<typeof userEvent.setup>, values: { shop?: string; email?: string; password?: string }) {
  if (values.shop) await user.type(screen.getByLabelText('Tên cửa hàng'), values.shop);
  if (values.email) await user.type(screen.getByLabelText('Email'), values.email);
  if (values.password) await user.type(screen.getByLabelText('Mật khẩu'), values.password);
}

describe('/signup', () => {
  it('shows Vietnamese validation messages, marks the fields invalid and sends nothing', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/signup', handlers: {} });
    await user.click(await screen.findByRole('button', { name: 'Tạo tài khoản' }));
    expect(await screen.findByText('Vui lòng nhập tên cửa hàng.')).toBeTruthy();
    expect(screen.getByText('Vui lòng nhập email.')).toBeTruthy();
    expect(screen.getByText('Mật khẩu cần ít nhất 10 ký tự.')).toBeTruthy();
    const shop = screen.getByLabelText('Tên cửa hàng');
    expect(shop.getAttribute('aria-invalid')).toBe('true');
    // The error is announced with the field (aria-describedby points at it).
    const describedBy = shop.getAttribute('aria-describedby') ?? '';
    expect(describedBy.split(' ').map((id) => document.getElementById(id)?.textContent)).toContain('Vui lòng nhập tên cửa hàng.');
    expect(calls).toHaveLength(0);
  });

  it('rejects a malformed e-mail, a short password and a password equal to the e-mail', async () => {
    const user = userEvent.setup();
    await renderApp({ path: '/signup', handlers: {} });
    await fill(user, { shop: 'Hoa Đào', email: 'khong-phai-email', password: 'ngan' });
    await user.click(screen.getByRole('button', { name: 'Tạo tài khoản' }));
    expect(await screen.findByText('Email không hợp lệ (ví dụ: chu.shop@example.vn).')).toBeTruthy();
    expect(screen.getByText('Mật khẩu cần ít nhất 10 ký tự.')).toBeTruthy();

    await user.clear(screen.getByLabelText('Email'));
    await user.clear(screen.getByLabelText('Mật khẩu'));
    await fill(user, { email: 'chu.shop@example.vn', password: 'chu.shop@example.vn' });
    await user.click(screen.getByRole('button', { name: 'Tạo tài khoản' }));
    expect(await screen.findByText('Mật khẩu không được trùng với email.')).toBeTruthy();
    expect(screen.queryByText('Email không hợp lệ (ví dụ: chu.shop@example.vn).')).toBeNull();
  });

  it('submits with the keyboard, stores the session and opens the dashboard', async () => {
    const user = userEvent.setup();
    const { calls, session, history } = await renderApp({
      path: '/signup',
      handlers: {
        'POST /v1/auth/signup': () => ({ status: 201, body: adminSession }),
        'GET /v1/tenant': () => ({ status: 200, body: tenant }),
      },
    });
    await fill(user, { shop: '  Hoa Đào ', email: 'chu.shop@example.vn', password: 'mat-khau-that-dai-2024{Enter}' });
    expect(await screen.findByRole('heading', { name: 'Xin chào, Hoa Đào' })).toBeTruthy();
    expect(history.location.pathname).toBe('/app');
    expect(calls[0]).toMatchObject({
      method: 'POST',
      path: '/v1/auth/signup',
      body: { tenant_name: 'Hoa Đào', email: 'chu.shop@example.vn', password: 'mat-khau-that-dai-2024' },
    });
    expect(session.getState().accessToken).toBe('access-1');
    // Pages after sign-up call the API with the new access token.
    await waitFor(() => expect(calls.find((c) => c.path === '/v1/tenant')?.headers.get('authorization')).toBe('Bearer access-1'));
  });

  it("shows the API's message_vi in Vietnamese and message in English", async () => {
    const handlers = {
      'POST /v1/auth/signup': () => errorReply(409, 'conflict', 'E-mail already registered', 'Email này đã được đăng ký'),
    };
    const user = userEvent.setup();
    const vi = await renderApp({ path: '/signup', handlers });
    await fill(user, { shop: 'Hoa Đào', email: 'chu.shop@example.vn', password: 'mat-khau-that-dai-2024' });
    await user.click(screen.getByRole('button', { name: 'Tạo tài khoản' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Email này đã được đăng ký');
    vi.unmount();

    await renderApp({ path: '/signup', handlers, language: 'en' });
    await user.type(screen.getByLabelText('Shop name'), 'Hoa Dao');
    await user.type(screen.getByLabelText('E-mail'), 'chu.shop@example.vn');
    await user.type(screen.getByLabelText('Password'), 'mat-khau-that-dai-2024');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByRole('alert')).textContent).toBe('E-mail already registered');
  });
});

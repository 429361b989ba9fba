import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminSession, renderApp } from '../test/render-app';
import { type FakeHandler } from '../test/fake-api';

function widgetApi() {
  const widget = {
    id: 'w1',
    enabled: true,
    public_key: 'pk_abc',
    snippet: '<script src="https://bot.example.vn/widget.js" data-key="pk_abc" async></script>',
    loader_url: 'https://bot.example.vn/widget.js',
    allowed_domains: [] as string[],
    bot_name: 'Lan',
    color: '#0f766e',
    logo_url: null as string | null,
    position: 'right',
    greeting: { vi: 'Chào chị!', en: null as string | null },
    suggested_questions: { vi: ['Giá gội đầu?'], en: [] as string[] },
    identity: { enabled: false, required: false, secret_mask: null as string | null, secret: undefined as string | undefined },
    created_at: '2026-11-26T04:00:00.000Z',
    updated_at: '2026-11-26T04:00:00.000Z',
  };
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/widget': () => ({ status: 200, body: { ...widget, identity: { ...widget.identity, secret: undefined } } }),
    'PUT /v1/tenant/widget': (call) => {
      const body = call.body as Record<string, unknown> & { identity?: { enabled?: boolean; required?: boolean; rotate_secret?: boolean }; rotate_public_key?: boolean };
      const { identity, rotate_public_key, ...rest } = body;
      Object.assign(widget, rest);
      let secret: string | undefined;
      if (identity?.enabled && !widget.identity.enabled) secret = 'wsec_FULL_SECRET_0001';
      if (identity?.rotate_secret) secret = 'wsec_FULL_SECRET_0002';
      if (identity) widget.identity = { enabled: identity.enabled ?? widget.identity.enabled, required: identity.required ?? widget.identity.required, secret_mask: secret ? `wsec…${secret.slice(-4)}` : widget.identity.secret_mask, secret: undefined };
      if (rotate_public_key) {
        widget.public_key = 'pk_new';
        widget.snippet = '<script src="https://bot.example.vn/widget.js" data-key="pk_new" async></script>';
      }
      return { status: 200, body: { ...widget, identity: { ...widget.identity, ...(secret ? { secret } : {}) } } };
    },
  };
  return { handlers, widget };
}

describe('widget settings', () => {
  it('shows the snippet with a copy button and warns while no domain is allowed', async () => {
    await renderApp({ path: '/app/settings/widget', session: adminSession, handlers: widgetApi().handlers });
    expect(await screen.findByText('<script src="https://bot.example.vn/widget.js" data-key="pk_abc" async></script>')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Sao chép Đoạn mã' })).toBeTruthy();
    expect(screen.getByText(/Chưa có tên miền nào được phép/)).toBeTruthy();
  });

  it('saves domains, branding and suggested questions, refusing bad values first', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/widget', session: adminSession, handlers: widgetApi().handlers });
    const domains = await screen.findByLabelText('Tên miền được phép');
    await user.type(domains, 'spahoasen.vn{Enter}*.spahoasen.vn{Enter}bad domain');
    await user.clear(screen.getByLabelText('Màu chủ đạo'));
    await user.type(screen.getByLabelText('Màu chủ đạo'), 'xanh');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Tên miền không hợp lệ (ví dụ: shop.vn).')).toBeTruthy();
    expect(screen.getByText('Màu phải có dạng #0f766e.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await user.clear(domains);
    await user.type(domains, 'spahoasen.vn{Enter}*.spahoasen.vn');
    await user.clear(screen.getByLabelText('Màu chủ đạo'));
    await user.type(screen.getByLabelText('Màu chủ đạo'), '#BE185D');
    await user.selectOptions(screen.getByLabelText('Vị trí'), 'left');
    await user.type(screen.getByLabelText('Lời chào (tiếng Anh)'), 'Hello!');
    await user.type(screen.getByLabelText('Câu hỏi gợi ý (tiếng Việt)'), '{Enter}Đặt lịch thế nào?');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Đã lưu thay đổi.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({
      enabled: true,
      allowed_domains: ['spahoasen.vn', '*.spahoasen.vn'],
      bot_name: 'Lan',
      color: '#BE185D',
      logo_url: null,
      position: 'left',
      greeting: { vi: 'Chào chị!', en: 'Hello!' },
      suggested_questions: { vi: ['Giá gội đầu?', 'Đặt lịch thế nào?'], en: [] },
      identity: { enabled: false, required: false },
    });
    await waitFor(() => expect(screen.queryByText(/Chưa có tên miền nào được phép/)).toBeNull());
  });

  it('shows the identity secret once, when it is generated, and rotates the public key after confirmation', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/widget', session: adminSession, handlers: widgetApi().handlers });
    await user.click(await screen.findByLabelText('Bật xác minh danh tính'));
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('wsec_FULL_SECRET_0001')).toBeTruthy();
    expect(screen.getByText(/lần duy nhất khoá bí mật hiện đầy đủ/)).toBeTruthy();
    expect(await screen.findByText('Khoá bí mật hiện tại: wsec…0001')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Tạo khoá bí mật mới' }));
    expect(await screen.findByText('wsec_FULL_SECRET_0002')).toBeTruthy();
    expect(screen.queryByText('wsec_FULL_SECRET_0001')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Đổi mã công khai' }));
    const dialog = await screen.findByRole('dialog', { name: 'Đổi mã công khai?' });
    await user.click(within(dialog).getByRole('button', { name: 'Đổi mã công khai' }));
    expect(await screen.findByText('<script src="https://bot.example.vn/widget.js" data-key="pk_new" async></script>')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body).slice(1)).toEqual([{ identity: { rotate_secret: true } }, { rotate_public_key: true }]);
  });
});

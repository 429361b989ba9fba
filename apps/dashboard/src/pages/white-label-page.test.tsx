import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler } from '../test/fake-api';

const tenant = {
  id: adminSession.tenant!.id,
  name: 'Hoa Đào',
  slug: 'hoa-dao',
  plan: 'free',
  status: 'active',
  settings: {} as Record<string, unknown>,
  created_at: '2026-11-26T04:00:00.000Z',
  updated_at: '2026-11-26T04:00:00.000Z',
};

function whiteLabelApi() {
  let stored: Record<string, unknown> = {};
  const view = () => ({
    ...stored,
    platform_domain: 'bot.example.vn',
    subdomain_host: stored['subdomain'] ? `${String(stored['subdomain'])}.bot.example.vn` : null,
    dns_records: stored['custom_domain'] ? [{ type: 'CNAME', name: stored['custom_domain'], value: 'bot.example.vn' }] : [],
  });
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant': () => ({ status: 200, body: { ...tenant, settings: { white_label: stored } } }),
    'GET /v1/tenant/white-label': () => ({ status: 200, body: view() }),
    'PUT /v1/tenant/white-label': (call) => {
      const body = call.body as Record<string, unknown>;
      if (body['subdomain'] === 'spa2') return errorReply(409, 'conflict', 'This subdomain is taken', 'Tên miền con này đã có cửa hàng khác dùng');
      stored = Object.fromEntries(Object.entries({ ...stored, ...body }).filter(([, v]) => v !== null));
      return { status: 200, body: view() };
    },
  };
  return handlers;
}

describe('white-label settings', () => {
  it('saves brand, colours and domains, shows the DNS record and rebrands the app shell', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/white-label', session: adminSession, handlers: whiteLabelApi() });
    await user.type(await screen.findByLabelText('Tên thương hiệu'), 'Spa Hoa Sen');
    await user.type(screen.getByLabelText('Màu chính'), '#be185d');
    await user.type(screen.getByLabelText('Tên miền con'), 'Spa1');
    await user.type(screen.getByLabelText('Tên miền riêng'), 'chat.spahoasen.vn');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Đã lưu thay đổi.')).toBeTruthy();
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({
      brand_name: 'Spa Hoa Sen',
      logo_url: null,
      primary_color: '#be185d',
      accent_color: null,
      subdomain: 'spa1',
      custom_domain: 'chat.spahoasen.vn',
    });
    expect(screen.getByText('https://spa1.bot.example.vn')).toBeTruthy();
    expect(screen.getByRole('cell', { name: 'CNAME' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: 'chat.spahoasen.vn' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: 'bot.example.vn' })).toBeTruthy();
    // The shell takes the brand name and colour.
    await waitFor(() => expect(screen.getByRole('link', { name: 'Spa Hoa Sen' })).toBeTruthy());
    expect((document.querySelector('[style*="--color-primary"]') as HTMLElement).style.getPropertyValue('--color-primary')).toBe('#be185d');
  });

  it('refuses bad values in Vietnamese and shows a taken subdomain', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/white-label', session: adminSession, handlers: whiteLabelApi() });
    await user.type(await screen.findByLabelText('Màu chính'), 'đỏ');
    await user.type(screen.getByLabelText('Tên miền con'), '-x');
    await user.type(screen.getByLabelText('Tên miền riêng'), 'không phải tên miền');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Màu phải có dạng #0f766e.')).toBeTruthy();
    expect(screen.getByText(/3–32 chữ thường, số hoặc dấu gạch ngang, không bắt đầu/)).toBeTruthy();
    expect(screen.getByText('Tên miền không hợp lệ (ví dụ: chat.shop.vn).')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
    await user.clear(screen.getByLabelText('Màu chính'));
    await user.clear(screen.getByLabelText('Tên miền riêng'));
    await user.clear(screen.getByLabelText('Tên miền con'));
    await user.type(screen.getByLabelText('Tên miền con'), 'spa2');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Tên miền con này đã có cửa hàng khác dùng')).toBeTruthy();
  });

  it('uploads a small logo as an image and refuses a large one', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/white-label', session: adminSession, handlers: whiteLabelApi() });
    const input = await screen.findByLabelText('Tải ảnh logo lên');
    await user.upload(input, new File([new Uint8Array(40 * 1024)], 'lon.png', { type: 'image/png' }));
    expect(await screen.findByText(/nhỏ hơn 32 KB/)).toBeTruthy();
    await user.upload(input, new File([new Uint8Array([137, 80, 78, 71])], 'logo.png', { type: 'image/png' }));
    const preview = await screen.findByRole('img', { name: 'Xem trước logo' });
    expect(preview.getAttribute('src')).toBe('data:image/png;base64,iVBORw==');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PUT')?.body).toMatchObject({ logo_url: 'data:image/png;base64,iVBORw==' }));
  });

  it("shows the shop's brand on the sign-in page of its own domain (the meta tag the runtime injects)", async () => {
    const meta = document.createElement('meta');
    meta.name = 'acb-brand';
    meta.content = JSON.stringify({ name: 'Spa Hoa Sen', logo: 'javascript:alert(1)' });
    document.head.append(meta);
    try {
      await renderApp({ path: '/login', handlers: {} });
      const home = await screen.findByRole('link', { name: 'Spa Hoa Sen' });
      // A logo that is not https or an image data URL is ignored.
      expect(home.querySelector('img')).toBeNull();
    } finally {
      meta.remove();
    }
    await renderApp({ path: '/login', handlers: {} });
    expect((await screen.findAllByRole('link', { name: 'agent-chatbot' })).length).toBeGreaterThan(0);
  });
});

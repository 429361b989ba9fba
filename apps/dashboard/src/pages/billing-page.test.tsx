import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cycleIdOf, type BillingAlert, type BillingStatus } from '../api/billing-types';
import { browser } from '../lib/browser';
import { errorReply, type FakeHandler } from '../test/fake-api';
import { adminSession, renderApp } from '../test/render-app';

const cycle = cycleIdOf();
const [year, month] = cycle.split('-').map(Number) as [number, number];
const lastCycle = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;

function status(capVnd = 500_000): BillingStatus {
  return {
    tenant_id: adminSession.tenant!.id,
    cycle,
    plan: { id: 'starter', kind: 'subscription', name: 'Starter', name_vi: 'Khởi đầu', included_chats: 1000 },
    balance_vnd: 150_000,
    budget: { cap_vnd: capVnd, spent_vnd: 420_000, reserved_vnd: 0, used_percent: 84 },
    usage: {
      chats: 812,
      chats_included: 1000,
      overage_chats: 0,
      messages: 2400,
      embedding_tokens: 0,
      storage_bytes: 0,
      platform_cost_vnd: 420_000,
      models: [{ provider: 'openai', model: 'gpt-4o-mini', key_source: 'platform', tokens_in: 1_200_000, tokens_out: 300_000, cost_vnd: 420_000 }],
    },
    mode: 'full',
    offer_human: false,
    mode_reason: null,
    faq_only: null,
  };
}

const alert80: BillingAlert = {
  id: '00000000-0000-4000-8000-0000000000a8',
  kind: 'budget',
  key: `budget:${cycle}:80`,
  details: { cycle, percent: 80, spentVnd: 420_000, capVnd: 500_000 },
  created_at: '2026-11-20T03:00:00.000Z',
  acknowledged_at: null,
};
const oldAlert: BillingAlert = { ...alert80, id: '00000000-0000-4000-8000-0000000000a7', key: `budget:${lastCycle}:100`, details: { cycle: lastCycle, percent: 100, spentVnd: 1, capVnd: 1 } };

function billingServer(options: { alerts?: BillingAlert[] } = {}) {
  let alerts = options.alerts ?? [];
  let current = status();
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/billing': () => ({ status: 200, body: { ...current, alerts } }),
    'GET /v1/tenant/billing/alerts': () => ({ status: 200, body: { items: alerts } }),
    'POST /v1/tenant/billing/alerts/{id}/acknowledge': (call) => {
      alerts = alerts.filter((a) => !call.path.includes(a.id));
      return { status: 204 };
    },
    'PUT /v1/tenant/billing/budget': (call) => {
      const cap = (call.body as { monthly_cap_vnd: number | null }).monthly_cap_vnd;
      current = status(cap ?? 500_000);
      return { status: 200, body: current };
    },
    'GET /v1/tenant/billing/invoices': () => ({
      status: 200,
      body: {
        items: [
          { id: '00000000-0000-4000-8000-0000000000c1', number: 'HD-2026-000042', cycle: lastCycle, plan_id: 'starter', status: 'issued', total_vnd: 199_000, lines: [], issued_at: '2026-11-01T01:00:00.000Z', pdf_url: '/v1/tenant/billing/invoices/00000000-0000-4000-8000-0000000000c1/pdf' },
        ],
      },
    }),
    'GET /v1/tenant/billing/invoices/{id}/pdf': () => ({ status: 200, raw: '%PDF-1.4 hoa don', contentType: 'application/pdf' }),
    'GET /v1/tenant/billing/ledger': () => ({
      status: 200,
      body: { items: [{ id: 'l1', kind: 'topup', amount_vnd: 200_000, reference: 'NAP1', description: 'Nạp VietQR', created_at: '2026-11-02T02:00:00.000Z' }] },
    }),
    'POST /v1/tenant/billing/topups': (call) => {
      const body = call.body as { method: string; amount_vnd: number };
      if (body.method === 'vietqr') {
        return {
          status: 201,
          body: {
            method: 'vietqr', payment_id: 'p1', amount_vnd: body.amount_vnd, memo: 'NAPAB12CD', payload: '00020101021238570010A000000727',
            qr_svg: '<svg/>', qr_png_data_url: 'data:image/png;base64,iVBORw0KGgo=', account: { bank_bin: '970436', account_number: '0071000123456', account_name: 'CONG TY TRO LY AO' },
          },
        };
      }
      if (body.method === 'momo') return errorReply(400, 'validation_failed', 'Payment method momo is not configured', 'Máy chủ chưa cấu hình phương thức thanh toán momo');
      return { status: 201, body: { method: body.method, payment_id: 'p2', amount_vnd: body.amount_vnd, order_ref: 'VNP1', payment_url: 'https://sandbox.vnpayment.vn/pay?vnp_TxnRef=VNP1' } };
    },
  };
  return handlers;
}

afterEach(() => vi.restoreAllMocks());

describe('/app/billing', () => {
  it('shows the plan, usage against quota, balance and cap; the 80% alert is a banner that can be acknowledged', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/billing', handlers: billingServer({ alerts: [alert80, oldAlert] }), session: adminSession });
    expect(await screen.findByRole('heading', { name: 'Thanh toán', level: 1 })).toBeTruthy();
    expect(await screen.findByText('Khởi đầu')).toBeTruthy();
    const chats = screen.getByRole('progressbar', { name: 'Cuộc trò chuyện' });
    expect(chats.getAttribute('aria-valuenow')).toBe('81');
    expect(screen.getByRole('progressbar', { name: 'Đã chi tháng này' }).getAttribute('aria-valuenow')).toBe('84');
    expect(screen.getByText(/150\.000/)).toBeTruthy();
    expect(screen.getAllByText('openai:gpt-4o-mini')).toHaveLength(1);

    // The page banner and the shell banner show only this cycle's unacknowledged alert.
    const banners = await screen.findAllByRole('alert');
    const texts = banners.map((b) => b.textContent ?? '');
    expect(texts.filter((text) => text.includes('Đã dùng 80% hạn mức chi phí tháng này'))).toHaveLength(2);
    expect(texts.some((text) => text.includes('Đã dùng hết'))).toBe(false);

    const pageBanner = screen.getAllByRole('region', { name: 'Cảnh báo ngân sách' }).at(-1)!;
    await user.click(within(pageBanner).getByRole('button', { name: 'Đã xem' }));
    await waitFor(() => expect(screen.queryByText(/Đã dùng 80%/)).toBeNull());
    expect(calls.some((c) => c.method === 'POST' && c.path === `/v1/tenant/billing/alerts/${alert80.id}/acknowledge`)).toBe(true);
  });

  it('sets the monthly cap, refuses a bad amount, and goes back to the default', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/billing', handlers: billingServer(), session: adminSession });
    const field = await screen.findByLabelText<HTMLInputElement>('Hạn mức tháng (VND)');
    await user.clear(field);
    await user.type(field, '-5');
    await user.click(screen.getByRole('button', { name: 'Lưu hạn mức' }));
    expect(await screen.findByText('Nhập số tiền nguyên, không âm.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await user.clear(field);
    await user.type(field, '1.000.000');
    await user.click(screen.getByRole('button', { name: 'Lưu hạn mức' }));
    expect(await screen.findByText('Đã lưu hạn mức.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([{ monthly_cap_vnd: 1_000_000 }]);
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('Hạn mức tháng (VND)').value).toBe('1000000'));

    await user.click(screen.getByRole('button', { name: 'Dùng mức mặc định' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toEqual({ monthly_cap_vnd: null }));
  });

  it('tops up by VietQR (QR, account, memo, payload) and redirects to VNPay; shows a gateway error', async () => {
    const user = userEvent.setup();
    const redirect = vi.spyOn(browser, 'redirect').mockImplementation(() => undefined);
    const { calls } = await renderApp({ path: '/app/billing', handlers: billingServer(), session: adminSession });
    const amount = await screen.findByLabelText<HTMLInputElement>('Số tiền (VND)');
    await user.clear(amount);
    await user.type(amount, '500000');
    await user.click(screen.getByRole('button', { name: 'Tạo mã QR' }));
    const qr = await screen.findByRole('img', { name: /Mã VietQR chuyển khoản 500\.000/ });
    expect(qr.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(screen.getByText('NAPAB12CD')).toBeTruthy();
    expect(screen.getByText('00020101021238570010A000000727')).toBeTruthy();
    expect(screen.getByText('0071000123456')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Chép nội dung' })).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST' && c.path === '/v1/tenant/billing/topups')?.body).toEqual({ method: 'vietqr', amount_vnd: 500_000 });
    expect(redirect).not.toHaveBeenCalled();

    await user.click(screen.getByRole('radio', { name: 'VNPay' }));
    await user.click(screen.getByRole('button', { name: 'Thanh toán' }));
    await waitFor(() => expect(redirect).toHaveBeenCalledWith('https://sandbox.vnpayment.vn/pay?vnp_TxnRef=VNP1'));

    await user.click(screen.getByRole('radio', { name: 'Ví MoMo' }));
    await user.click(screen.getByRole('button', { name: 'Thanh toán' }));
    expect(await screen.findByText('Máy chủ chưa cấu hình phương thức thanh toán momo')).toBeTruthy();
    expect(redirect).toHaveBeenCalledTimes(1);

    await user.clear(amount);
    await user.type(amount, '5000');
    await user.click(screen.getByRole('button', { name: 'Thanh toán' }));
    expect(await screen.findByText('Số tiền phải từ 10.000 ₫ đến 500.000.000 ₫.')).toBeTruthy();
  });

  it('lists invoices and downloads the PDF with the session; lists the ledger', async () => {
    const user = userEvent.setup();
    const save = vi.spyOn(browser, 'saveBlob').mockImplementation(() => undefined);
    const { calls } = await renderApp({ path: '/app/billing', handlers: billingServer(), session: adminSession });
    expect(await screen.findByText('HD-2026-000042')).toBeTruthy();
    expect(await screen.findByText('Nạp VietQR')).toBeTruthy();
    expect(screen.getByText('Nạp tiền', { selector: 'td' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Tải hoá đơn HD-2026-000042 (PDF)' }));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(1));
    const [blob, name] = save.mock.calls[0]!;
    expect(name).toBe('HD-2026-000042.pdf');
    expect(await blob.text()).toBe('%PDF-1.4 hoa don');
    const pdfCall = calls.find((c) => c.path.endsWith('/pdf'))!;
    expect(pdfCall.headers.get('authorization')).toBe('Bearer access-1');
  });
});

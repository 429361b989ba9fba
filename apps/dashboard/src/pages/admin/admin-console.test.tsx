import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { cycleIdOf, type MoneyOverview, type PlatformLlm, type SupportTicket } from '../../api/billing-types';
import type { SessionResponse } from '../../api/types';
import { errorReply, type FakeHandler } from '../../test/fake-api';
import { adminSession, renderApp } from '../../test/render-app';

const platformSession: SessionResponse = {
  ...adminSession,
  user: { ...adminSession.user, email: 'ops@example.vn', platform_admin: true },
  tenant: null,
  tenants: [],
};

const line = (over: Partial<MoneyOverview['items'][number]>): MoneyOverview['items'][number] => ({
  tenant_id: '00000000-0000-4000-8000-0000000000aa', name: 'Hoa Đào', slug: 'hoa-dao', status: 'active', plan_id: 'starter', plan_known: true,
  monthly_cap_vnd: null, faq_only: false, balance_vnd: 80_000, chats: 1200, messages: 3000, tokens_in: 900_000, tokens_out: 100_000, platform_tokens: 1_000_000,
  cost_vnd: 15_600, revenue_vnd: 278_720, subscription_vnd: 199_000, overage_vnd: 60_000, usage_vnd: 19_720, margin_vnd: 263_120, ...over,
});

const envLlm: PlatformLlm = {
  configured: true, source: 'environment', provider: 'openai', base_url: null, cheap_model: 'gpt-4o-mini', premium_model: 'gpt-4o', api_key_hint: 'sk-…WXYZ',
  failover: null, updated_at: null, env: ['CHATBOT_PLATFORM_LLM_API_KEY'],
};

const plans = { plans: [{ id: 'free', kind: 'free', name: 'Free', name_vi: 'Miễn phí', monthly_fee_vnd: 0, included_chats: 100, overage_per_chat_vnd: null }, { id: 'starter', kind: 'subscription', name: 'Starter', name_vi: 'Khởi đầu', monthly_fee_vnd: 199_000, included_chats: 1000, overage_per_chat_vnd: 300 }], credit_prices: [] };

describe('platform-admin console', () => {
  it('/app/admin/billing: revenue, cost and margin per tenant with totals; changes a plan; confirms a transfer', async () => {
    const user = userEvent.setup();
    const handlers: Record<string, FakeHandler> = {
      'GET /v1/admin/billing/overview': (call) => ({
        status: 200,
        body: call.path.includes('cycle=2020-01')
          ? { cycle: '2020-01', items: [], totals: { cost_vnd: 0, revenue_vnd: 0, margin_vnd: 0, chats: 0, messages: 0 } }
          : { cycle: cycleIdOf(), items: [line({}), line({ tenant_id: '00000000-0000-4000-8000-0000000000bb', name: 'Spa Sen', slug: 'spa-sen', plan_id: 'free', revenue_vnd: 0, cost_vnd: 5_000, margin_vnd: -5_000, faq_only: true })], totals: { cost_vnd: 20_600, revenue_vnd: 278_720, margin_vnd: 258_120, chats: 1300, messages: 3100 } },
      }),
      'GET /v1/plans': () => ({ status: 200, body: plans }),
      'PUT /v1/admin/billing/tenants/{tenantId}/account': () => ({ status: 200, body: {} }),
      'POST /v1/admin/billing/transfers/confirm': (call) =>
        (call.body as { memo: string }).memo === 'NAPAB12CD' ? { status: 200, body: { outcome: 'credited', paymentId: 'p', tenantId: 't', amountVnd: 200000 } } : { status: 200, body: { outcome: 'rejected', reason: 'order_not_found' } },
    };
    const { calls } = await renderApp({ path: '/app/admin/billing', handlers, session: platformSession });
    expect(await screen.findByRole('heading', { name: 'Doanh thu & chi phí', level: 1 })).toBeTruthy();
    expect(await screen.findByText('Spa Sen')).toBeTruthy();
    expect(screen.getAllByText(/258\.120/).length).toBeGreaterThan(0);
    expect(screen.getByText(/-5\.000/)).toBeTruthy();
    expect(screen.getByText('Chỉ FAQ')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Đổi gói hoặc hạn mức của Spa Sen' }));
    const form = await screen.findByRole('form', { name: 'Đổi gói hoặc hạn mức của Spa Sen' });
    await user.selectOptions(within(form).getByLabelText('Gói'), 'starter');
    await user.type(within(form).getByLabelText('Hạn mức tháng (VND)'), '300000');
    await user.click(within(form).getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'PUT')).toBeTruthy());
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.path).toBe('/v1/admin/billing/tenants/00000000-0000-4000-8000-0000000000bb/account');
    expect(put.body).toEqual({ plan_id: 'starter', monthly_cap_vnd: 300_000 });

    await user.type(screen.getByLabelText('Nội dung chuyển khoản'), 'NAPZZZ');
    await user.type(screen.getByLabelText('Số tiền (VND)'), '200000');
    await user.type(screen.getByLabelText('Mã giao dịch ngân hàng'), 'FT2611001');
    await user.click(screen.getByRole('button', { name: 'Xác nhận' }));
    expect(await screen.findByText(/Bị từ chối\. Không tìm thấy lệnh nạp có nội dung này\./)).toBeTruthy();
    expect(calls.find((c) => c.path === '/v1/admin/billing/transfers/confirm')?.body).toEqual({ memo: 'NAPZZZ', amount_vnd: 200_000, bank_transaction_id: 'FT2611001' });

    const cycle = screen.getByLabelText<HTMLInputElement>('Kỳ');
    fireEvent.change(cycle, { target: { value: '2020-01' } });
    await waitFor(() => expect(calls.some((c) => c.path.includes('cycle=2020-01'))).toBe(true));
  });

  it('/app/admin/plans: shows plans and model prices, shows validation issues, saves the JSON', async () => {
    const user = userEvent.setup();
    const config = {
      plans: [{ id: 'free', kind: 'free', name: 'Free', nameVi: 'Miễn phí', includedChats: 100, rateLimits: {} }],
      modelCosts: { 'openai:gpt-4o-mini': { inputVndPerMillionTokens: 3900, outputVndPerMillionTokens: 15600 } },
      marginBasisPoints: 2000,
      defaultMonthlyCapVnd: 500000,
      alertThresholdsPercent: [80, 100],
    };
    let saves = 0;
    const handlers: Record<string, FakeHandler> = {
      'GET /v1/admin/billing/config': () => ({ status: 200, body: { config, source: 'file', payment_methods: { vietqr: true, vnpay: false, momo: false, stripe: false }, bank_webhook: false } }),
      'PUT /v1/admin/billing/config': (call) => {
        saves += 1;
        const next = (call.body as { config: { plans: unknown[] } }).config;
        if (next.plans.length === 0) {
          return { status: 400, body: { error: { code: 'validation_failed', message: 'Invalid billing configuration', message_vi: 'Cấu hình thanh toán không hợp lệ', details: { issues: [{ path: 'plans', message: 'Too small: expected array to have >=1 items' }] } } } };
        }
        return { status: 200, body: { config: next, source: 'file' } };
      },
    };
    const { calls } = await renderApp({ path: '/app/admin/plans', handlers, session: platformSession });
    expect(await screen.findByText('Miễn phí')).toBeTruthy();
    expect(screen.getByText('openai:gpt-4o-mini')).toBeTruthy();
    expect(screen.getByText('Biên lợi nhuận: 20%')).toBeTruthy();
    const editor = screen.getByLabelText<HTMLTextAreaElement>('Cấu hình (JSON)');
    expect(JSON.parse(editor.value)).toEqual(config);

    await user.clear(editor);
    await user.type(editor, '{{ khong phai json');
    await user.click(screen.getByRole('button', { name: 'Kiểm tra và lưu' }));
    expect(await screen.findByText('JSON không hợp lệ.')).toBeTruthy();
    expect(saves).toBe(0);

    await user.clear(editor);
    await user.click(editor);
    await user.paste(JSON.stringify({ ...config, plans: [] }));
    await user.click(screen.getByRole('button', { name: 'Kiểm tra và lưu' }));
    expect(await screen.findByText('Cấu hình thanh toán không hợp lệ')).toBeTruthy();
    expect(screen.getByText(/Too small/)).toBeTruthy();

    await user.clear(editor);
    await user.click(editor);
    await user.paste(JSON.stringify({ ...config, marginBasisPoints: 2500 }));
    await user.click(screen.getByRole('button', { name: 'Kiểm tra và lưu' }));
    expect(await screen.findByText('Đã lưu và áp dụng cấu hình mới.')).toBeTruthy();
    expect((calls.filter((c) => c.method === 'PUT').at(-1)?.body as { config: { marginBasisPoints: number } }).config.marginBasisPoints).toBe(2500);
  });

  it('/app/admin/system: health with queues and dead letters; the platform key masked', async () => {
    const handlers: Record<string, FakeHandler> = {
      'GET /v1/admin/system/health': () => ({
        status: 200,
        body: {
          status: 'degraded', checked_at: '2026-11-26T05:00:00.000Z', database: { ok: true, latency_ms: 3 },
          queues: [{ name: 'conversation.handle', queued: 12, active: 2, dead_letters: 4, completed_last_hour: 300, failed_last_hour: 1 }],
          totals: { queued: 12, dead_letters: 4, dead_letters_last_day: 60, job_error_rate_last_hour: 1 / 301 },
          http: { requests: 1000, server_errors: 7, error_rate: 0.007 }, process: { uptime_seconds: 3600, rss_bytes: 1 }, limits: { queued: 1000, dead_letters_last_day: 50, error_rate: 0.05 },
        },
      }),
      'GET /v1/admin/platform-llm': () => ({ status: 200, body: envLlm }),
    };
    await renderApp({ path: '/app/admin/system', handlers, session: platformSession });
    expect(await screen.findByText('Cần chú ý')).toBeTruthy();
    expect(screen.getByText('conversation.handle')).toBeTruthy();
    expect(screen.getByText('(60 trong 24 giờ)')).toBeTruthy();
    expect(screen.getByText('Tốt (3 ms)')).toBeTruthy();
    expect(await screen.findByText('sk-…WXYZ')).toBeTruthy();
    expect(screen.getByText('gpt-4o')).toBeTruthy();
  });

  it('/app/admin/system: edits the platform key — a refused key shows the server error, a good one is saved masked, then removed', async () => {
    const user = userEvent.setup();
    const savedLlm: PlatformLlm = {
      ...envLlm, source: 'database', provider: 'openai', base_url: 'https://llm.example.vn/v1', cheap_model: 'qwen-mini', premium_model: 'qwen-max',
      api_key_hint: 'sk-…9999', updated_at: '2026-11-26T06:00:00.000Z',
    };
    let current: PlatformLlm = envLlm;
    const handlers: Record<string, FakeHandler> = {
      'GET /v1/admin/system/health': () => errorReply(503, 'down', 'down', 'Hệ thống bận'),
      'GET /v1/admin/platform-llm': () => ({ status: 200, body: current }),
      'PUT /v1/admin/platform-llm': (call) => {
        if ((call.body as { api_key?: string }).api_key === 'sk-wrong-key-0000') {
          return errorReply(422, 'invalid_llm_key', 'The provider rejected this API key', 'Nhà cung cấp từ chối khoá API này');
        }
        const failover = (call.body as { failover?: { provider: 'anthropic'; cheap_model: string | null } | null }).failover;
        current = failover
          ? { ...savedLlm, updated_at: '2026-11-26T06:05:00.000Z', failover: { provider: failover.provider, base_url: null, cheap_model: failover.cheap_model ?? 'claude-3-5-haiku-latest', premium_model: 'claude-sonnet-4-5', api_key_hint: 'sk-…7654' } }
          : savedLlm;
        return { status: 200, body: current };
      },
      'DELETE /v1/admin/platform-llm': () => {
        current = envLlm;
        return { status: 200, body: current };
      },
    };
    const { calls } = await renderApp({ path: '/app/admin/system', handlers, session: platformSession });
    expect(await screen.findByText('Từ biến môi trường')).toBeTruthy();
    // No saved key yet: the key field is required (client-side), nothing is sent.
    await user.click(screen.getByRole('button', { name: 'Kiểm tra và lưu' }));
    expect(await screen.findByText(/khoá/i, { selector: '.text-destructive' })).toBeTruthy();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await user.selectOptions(screen.getByLabelText('Nhà cung cấp'), 'openai_compatible');
    await user.type(screen.getByLabelText('Địa chỉ API'), 'https://llm.example.vn/v1');
    const key = screen.getByLabelText('Khoá API') as HTMLInputElement;
    expect(key.type).toBe('password');
    await user.type(key, 'sk-wrong-key-0000');
    await user.clear(screen.getByLabelText('Mô hình rẻ'));
    await user.type(screen.getByLabelText('Mô hình rẻ'), 'qwen-mini');
    await user.clear(screen.getByLabelText('Mô hình cao cấp'));
    await user.type(screen.getByLabelText('Mô hình cao cấp'), 'qwen-max');
    await user.click(screen.getByRole('button', { name: 'Kiểm tra và lưu' }));
    expect(await screen.findByText('Nhà cung cấp từ chối khoá API này')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toEqual({
      provider: 'openai', base_url: 'https://llm.example.vn/v1', cheap_model: 'qwen-mini', premium_model: 'qwen-max', api_key: 'sk-wrong-key-0000',
    });
    // The key never stays in the page after it was sent.
    await waitFor(() => expect((screen.getByLabelText('Khoá API') as HTMLInputElement).value).toBe(''));

    await user.type(screen.getByLabelText('Khoá API'), 'sk-good-key-99999999');
    await user.click(screen.getByRole('button', { name: 'Kiểm tra và lưu' }));
    expect(await screen.findByText('Đã lưu trong bảng điều khiển')).toBeTruthy();
    expect(screen.getByText('sk-…9999')).toBeTruthy();
    expect(screen.getByText('https://llm.example.vn/v1')).toBeTruthy();
    expect(document.body.textContent).not.toContain('sk-good-key-99999999');
    // A saved key of the same provider can be kept: the field hints at its mask.
    expect(screen.getByText('Để trống để giữ khoá đang lưu (sk-…9999).')).toBeTruthy();

    // A failover account: its own key is required, then sent next to the kept main key.
    await user.click(screen.getByLabelText('Dùng tài khoản dự phòng khi tài khoản chính lỗi'));
    await user.selectOptions(screen.getByLabelText('Nhà cung cấp dự phòng'), 'anthropic');
    await user.click(screen.getByRole('button', { name: 'Kiểm tra và lưu' }));
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2);
    await user.type(screen.getByLabelText('Khoá API dự phòng'), 'sk-ant-backup-87654');
    await user.type(screen.getByLabelText('Mô hình rẻ dự phòng'), 'claude-3-5-haiku-latest');
    await user.click(screen.getByRole('button', { name: 'Kiểm tra và lưu' }));
    expect(await screen.findByText('Tài khoản dự phòng: anthropic · claude-3-5-haiku-latest · khoá sk-…7654')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toEqual({
      provider: 'openai', base_url: 'https://llm.example.vn/v1', cheap_model: 'qwen-mini', premium_model: 'qwen-max',
      failover: { provider: 'anthropic', base_url: null, cheap_model: 'claude-3-5-haiku-latest', premium_model: null, api_key: 'sk-ant-backup-87654' },
    });

    await user.click(screen.getByRole('button', { name: 'Xoá cấu hình đã lưu' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Xoá cấu hình đã lưu' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'DELETE' && c.path === '/v1/admin/platform-llm')).toBe(true));
    expect(await screen.findByText('Từ biến môi trường')).toBeTruthy();
  });

  it('/app/admin/support: lists open tickets, replies and closes', async () => {
    const user = userEvent.setup();
    const ticket: SupportTicket = {
      id: '00000000-0000-4000-8000-000000000201', tenant_id: 't', tenant_name: 'Hoa Đào', subject: 'Zalo không nhận tin', status: 'open', message_count: 1,
      created_at: '2026-11-26T04:00:00.000Z', updated_at: '2026-11-26T04:00:00.000Z', closed_at: null,
      messages: [{ id: 'm1', author_kind: 'tenant', author_email: 'chu.shop@example.vn', body: 'Bot không trả lời.', created_at: '2026-11-26T04:00:00.000Z' }],
    };
    const handlers: Record<string, FakeHandler> = {
      'GET /v1/admin/support/tickets': (call) => ({ status: 200, body: { items: call.path.includes(`status=${ticket.status}`) || !call.path.includes('status=') ? [ticket] : [] } }),
      'GET /v1/admin/support/tickets/{id}': () => ({ status: 200, body: ticket }),
      'POST /v1/admin/support/tickets/{id}/messages': (call) => {
        ticket.messages.push({ id: 'm2', author_kind: 'platform', author_email: 'ops@example.vn', body: (call.body as { body: string }).body, created_at: '2026-11-26T05:00:00.000Z' });
        ticket.status = 'answered';
        return { status: 200, body: ticket };
      },
      'POST /v1/admin/support/tickets/{id}/close': () => {
        ticket.status = 'closed';
        return { status: 200, body: ticket };
      },
    };
    const { calls } = await renderApp({ path: '/app/admin/support', handlers, session: platformSession });
    await user.click(await screen.findByRole('button', { name: 'Mở yêu cầu "Zalo không nhận tin"' }));
    expect(await screen.findByText('Bot không trả lời.')).toBeTruthy();
    await user.type(screen.getByLabelText('Trả lời'), 'Anh/chị kết nối lại OA giúp em.');
    await user.click(screen.getByRole('button', { name: 'Gửi' }));
    expect(await screen.findByText('Anh/chị kết nối lại OA giúp em.')).toBeTruthy();
    expect(calls.find((c) => c.path.endsWith('/messages'))?.body).toEqual({ body: 'Anh/chị kết nối lại OA giúp em.' });
    await user.click(screen.getByRole('button', { name: 'Đóng yêu cầu' }));
    await waitFor(() => expect(calls.some((c) => c.path.endsWith('/close'))).toBe(true));
    // "Đang chờ" filter now lists nothing; "Tất cả" lists it again.
    expect(await screen.findByText('Không có yêu cầu nào.')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Lọc theo trạng thái'), 'all');
    expect(await screen.findByRole('button', { name: 'Mở yêu cầu "Zalo không nhận tin"' })).toBeTruthy();
  });

  it('sends a tenant admin away from the console and shows the platform menu only to platform admins', async () => {
    const { history } = await renderApp({
      path: '/app/admin/system',
      handlers: { 'GET /v1/tenant': () => errorReply(404, 'not_found', 'x', 'x'), 'GET /v1/admin/system/health': () => ({ status: 200, body: {} }) },
      session: adminSession,
    });
    await waitFor(() => expect(history.location.pathname).toBe('/app'));
    expect(screen.queryByRole('link', { name: 'Hệ thống' })).toBeNull();
  });
});

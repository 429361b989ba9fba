import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler, type RecordedCall } from '../test/fake-api';

// Uploads go through XMLHttpRequest (for progress), which the fake API does not see: stand in for it.
vi.mock('../lib/upload', () => ({
  uploadFile: vi.fn(async (options: { file: File; onProgress?: (p: number) => void }) => {
    options.onProgress?.(40);
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (options.file.name.endsWith('.exe'))
      return { ok: false, error: { status: 415, code: 'unsupported', message: 'Unsupported file', messageVi: 'Không hỗ trợ loại tệp này' }, body: undefined };
    return { ok: true, status: 201, body: {} };
  }),
}));

const tenant = {
  id: adminSession.tenant!.id,
  name: 'Spa Hoa Sen',
  slug: 'spa-hoa-sen',
  plan: 'free',
  status: 'active',
  settings: { persona: { name: 'Lan', handoffKeywords: ['gặp người'] }, limits: { topK: 4 }, suggested_questions: ['Spa mở cửa mấy giờ?'] },
  created_at: '2026-11-26T04:00:00.000Z',
  updated_at: '2026-11-26T04:00:00.000Z',
};

const spaTemplate = {
  id: 'spa',
  name: 'Spa & thẩm mỹ',
  name_en: 'Spa & beauty salon',
  description: 'Đặt lịch, bảng giá dịch vụ',
  description_en: 'Bookings, prices',
  persona: { name: 'Lan', tone: 'friendly', greeting: 'Dạ chào chị', customInstructions: 'x', fallbackText: 'y' },
  faq: Array.from({ length: 9 }, (_, i) => ({ question: `Câu ${i}?`, answer: `Đáp ${i}` })),
  products: Array.from({ length: 5 }, (_, i) => ({ sku: `MAU-SPA-0${i}`, name: `Dịch vụ ${i}`, price_vnd: 100000, category: 'Dịch vụ', description: 'd' })),
  suggested_questions: ['Đặt lịch chiều nay được không?', 'Bảng giá chăm sóc da mặt?'],
};

function channelJson(id: string, type: string, name: string) {
  return {
    id,
    type,
    name,
    status: 'active',
    external_account_id: '7011223344',
    webhook_url: `https://bot.example.vn/webhooks/${type}/${id}`,
    config: { bot_token: '…3333' },
    health: { last_event_at: null, last_error: null, last_error_at: null, token_expires_at: null },
    created_at: '2026-11-26T04:00:00.000Z',
    updated_at: '2026-11-26T04:00:00.000Z',
  };
}

/** A fake runtime that remembers what the wizard did. */
function wizardApi() {
  const state = { status: 'pending', finished_at: null as string | null, checklist: { channel: false, knowledge: false, llm: false, template: null as string | null } };
  const channels: ReturnType<typeof channelJson>[] = [];
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/onboarding': () => ({ status: 200, body: state }),
    'PUT /v1/tenant/onboarding': (call) => {
      state.status = (call.body as { status: string }).status;
      state.finished_at = '2026-11-26T05:00:00.000Z';
      return { status: 200, body: state };
    },
    'GET /v1/tenant/channels': () => ({ status: 200, body: { items: channels } }),
    'POST /v1/tenant/channels': (call) => {
      const body = call.body as { type: string; name?: string };
      const created = channelJson('00000000-0000-4000-8000-00000000c001', body.type, body.name ?? `${body.type} 7011223344`);
      channels.push(created);
      state.checklist.channel = true;
      return { status: 201, body: created };
    },
    'POST /v1/tenant/channels/{id}/test': () => ({ status: 200, body: { ok: true } }),
    'GET /v1/templates': () => ({ status: 200, body: { items: [spaTemplate] } }),
    'POST /v1/tenant/templates/{id}/apply': () => {
      state.checklist.knowledge = true;
      state.checklist.template = 'spa';
      return { status: 200, body: { template_id: 'spa', faq_added: 9, faq_skipped: 0, products: 5, suggested_questions: spaTemplate.suggested_questions } };
    },
    'GET /v1/tenant/llm': () => ({ status: 200, body: { provider: 'openai', key_mode: 'own_then_platform', api_key_set: false, api_key_hint: null } }),
    'PUT /v1/tenant/llm': (call) => {
      const body = call.body as { key_mode: string; api_key?: string };
      if (body.api_key === 'sk-sai') return errorReply(422, 'provider_auth', 'The provider rejected the key', 'Nhà cung cấp từ chối khoá API này');
      state.checklist.llm = true;
      return { status: 200, body: { provider: 'openai', key_mode: body.key_mode, api_key_set: false, api_key_hint: null } };
    },
    'GET /v1/tenant': () => ({ status: 200, body: tenant }),
    'PATCH /v1/tenant': (call) => ({ status: 200, body: { ...tenant, settings: { ...tenant.settings, ...(call.body as { settings: object }).settings } } }),
    'POST /v1/tenant/test-chat': (call) => ({
      status: 200,
      body: {
        answer: `Dạ được ạ: ${(call.body as { message: string }).message}`,
        conversation_id: '00000000-0000-4000-8000-00000000d001',
        message_id: null,
        route: 'faq',
        route_reason: 'faq match',
        model: null,
        key_source: null,
        tokens_in: 0,
        tokens_out: 0,
        cost_vnd: 0,
        cache_hit: false,
        handoff: false,
        sources: [],
        quick_replies: [],
      },
    }),
    'GET /v1/tenant/widget': () => ({ status: 200, body: widget }),
    'PUT /v1/tenant/widget': (call) => {
      Object.assign(widget, call.body as object);
      state.checklist.channel = true;
      return { status: 200, body: widget };
    },
  };
  const widget = {
    id: 'w1',
    enabled: true,
    public_key: 'pk_abc',
    snippet: '<script src="https://bot.example.vn/widget.js" data-key="pk_abc" async></script>',
    loader_url: 'https://bot.example.vn/widget.js',
    allowed_domains: [] as string[],
    bot_name: 'Lan',
    color: '#0f766e',
    logo_url: null,
    position: 'right',
    greeting: { vi: null, en: null },
    suggested_questions: { vi: [], en: [] },
    identity: { enabled: false, required: false, secret_mask: null },
    created_at: '2026-11-26T04:00:00.000Z',
    updated_at: '2026-11-26T04:00:00.000Z',
  };
  return { handlers, state, channels };
}

const sent = (calls: RecordedCall[], method: string, path: string) => calls.filter((c) => c.method === method && c.path.startsWith(path));

describe('onboarding wizard', () => {
  it('walks all four steps: connect and test Telegram, apply the spa template, choose the key mode, chat and save the style', async () => {
    const user = userEvent.setup();
    const api = wizardApi();
    const { calls, history } = await renderApp({ path: '/app/onboarding', session: adminSession, handlers: api.handlers });

    // Step 1: Telegram, with its guide, the token in a password field, then the webhook URL and a test.
    expect(await screen.findByRole('heading', { name: /Kết nối kênh chat/ })).toBeTruthy();
    await user.click(screen.getByRole('radio', { name: 'Telegram' }));
    expect(screen.getByText(/@BotFather/)).toBeTruthy();
    const token = screen.getByLabelText<HTMLInputElement>('Bot token');
    expect(token.type).toBe('password');
    await user.click(screen.getByRole('button', { name: 'Kết nối' }));
    expect(await screen.findByText('Vui lòng nhập trường này.')).toBeTruthy();
    await user.type(screen.getByLabelText('Bot token'), '7011223344:AAH-telegram-bot');
    await user.click(screen.getByRole('button', { name: 'Kết nối' }));
    expect(await screen.findByText('https://bot.example.vn/webhooks/telegram/00000000-0000-4000-8000-00000000c001')).toBeTruthy();
    expect(sent(calls, 'POST', '/v1/tenant/channels')[0]!.body).toEqual({ type: 'telegram', config: { bot_token: '7011223344:AAH-telegram-bot' } });
    await user.click(screen.getByRole('button', { name: 'Kiểm tra kết nối' }));
    expect(await screen.findByText(/Kết nối tốt/)).toBeTruthy();
    expect(sent(calls, 'POST', '/v1/tenant/channels/00000000-0000-4000-8000-00000000c001/test')).toHaveLength(1);
    await user.click(await screen.findByRole('button', { name: 'Tiếp tục' }));

    // Step 2: an upload with its progress bar, then the spa template.
    expect(await screen.findByRole('heading', { name: /Cho bot biết về cửa hàng/ })).toBe(document.activeElement);
    await user.upload(screen.getByLabelText('Chọn tệp để tải lên'), new File(['Giá gội đầu: 150k'], 'bang-gia.txt', { type: 'text/plain' }));
    const bar = await screen.findByRole('progressbar', { name: 'Tiến độ tải lên bang-gia.txt' });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('100'));
    expect(screen.getByText('Đã tải lên')).toBeTruthy();
    await user.click(await screen.findByRole('radio', { name: /Spa & thẩm mỹ/ }));
    await user.click(screen.getByRole('button', { name: 'Áp dụng mẫu' }));
    expect(await screen.findByText(/thêm 9 câu hỏi \(0 câu đã có\), 5 sản phẩm\/dịch vụ/)).toBeTruthy();
    expect(sent(calls, 'POST', '/v1/tenant/templates/spa/apply')).toHaveLength(1);
    // Telegram was chosen, not the website: the widget is left alone.
    expect(sent(calls, 'GET', '/v1/tenant/widget')).toHaveLength(0);
    await user.click(await screen.findByRole('button', { name: 'Tiếp tục' }));

    // Step 3: a key the provider refuses shows its Vietnamese error; platform credits are saved.
    await user.click(await screen.findByRole('radio', { name: /Khoá API của tôi/ }));
    await user.type(screen.getByLabelText('Khoá API'), 'sk-sai');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Nhà cung cấp từ chối khoá API này')).toBeTruthy();
    expect(sent(calls, 'PUT', '/v1/tenant/llm')[0]!.body).toEqual({ provider: 'openai', key_mode: 'own_then_platform', api_key: 'sk-sai' });
    expect(screen.getByLabelText<HTMLInputElement>('Khoá API').value).toBe('');
    // An OpenAI-compatible API (here Groq) is OpenAI with a base URL; a refused key keeps the URL typed.
    await user.selectOptions(screen.getByLabelText('Nhà cung cấp AI'), 'openai_compatible');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Vui lòng nhập địa chỉ API.')).toBeTruthy();
    await user.type(screen.getByLabelText('Địa chỉ API (base URL)'), 'https://api.groq.com/openai/v1');
    await user.type(screen.getByLabelText('Khoá API'), 'sk-sai');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    await waitFor(() => expect(sent(calls, 'PUT', '/v1/tenant/llm')).toHaveLength(2));
    expect(sent(calls, 'PUT', '/v1/tenant/llm')[1]!.body).toEqual({ provider: 'openai', key_mode: 'own_then_platform', base_url: 'https://api.groq.com/openai/v1', api_key: 'sk-sai' });
    expect(screen.getByLabelText<HTMLInputElement>('Địa chỉ API (base URL)').value).toBe('https://api.groq.com/openai/v1');
    await user.click(screen.getByRole('radio', { name: /Tín dụng nền tảng/ }));
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Đã chọn tín dụng nền tảng.')).toBeTruthy();
    expect(sent(calls, 'PUT', '/v1/tenant/llm')[2]!.body).toEqual({ provider: 'openai', key_mode: 'platform' });
    await user.click(await screen.findByRole('button', { name: 'Tiếp tục' }));

    // Step 4: tune, ask a suggested question from the template, save the style, finish.
    await user.selectOptions(await screen.findByLabelText('Giọng điệu'), 'professional');
    await user.selectOptions(screen.getByLabelText('Độ dài câu trả lời'), 'short');
    await user.click(screen.getByRole('button', { name: 'Đặt lịch chiều nay được không?' }));
    expect(await screen.findByText('Dạ được ạ: Đặt lịch chiều nay được không?')).toBeTruthy();
    expect(screen.getByText('Cách trả lời: Câu hỏi thường gặp · 0 token · 0 đ')).toBeTruthy();
    expect(sent(calls, 'POST', '/v1/tenant/test-chat')[0]!.body).toEqual({ message: 'Đặt lịch chiều nay được không?', tone: 'professional', max_output_tokens: 150 });
    await user.type(screen.getByLabelText('Tin nhắn'), 'Còn lịch tối nay không?{Enter}');
    expect(await screen.findByText('Dạ được ạ: Còn lịch tối nay không?')).toBeTruthy();
    // The second question continues the same conversation.
    expect(sent(calls, 'POST', '/v1/tenant/test-chat')[1]!.body).toMatchObject({ conversation_id: '00000000-0000-4000-8000-00000000d001' });
    await user.click(screen.getByRole('button', { name: 'Lưu giọng điệu và độ dài' }));
    expect(await screen.findByText(/Đã lưu: bot sẽ trả lời khách/)).toBeTruthy();
    expect(sent(calls, 'PATCH', '/v1/tenant')[0]!.body).toEqual({
      settings: {
        persona: { name: 'Lan', handoffKeywords: ['gặp người'], tone: 'professional' },
        limits: { topK: 4, maxOutputTokens: 150, maxAnswerChars: 500 },
      },
    });
    await user.click(screen.getByRole('button', { name: 'Hoàn tất' }));
    await waitFor(() => expect(history.location.pathname).toBe('/app'));
    expect(sent(calls, 'PUT', '/v1/tenant/onboarding')[0]!.body).toEqual({ status: 'completed' });
    // Finished: the overview no longer sends the owner back to the wizard.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(history.location.pathname).toBe('/app');
  }, 30_000);

  it('sets up the website widget: allows the domain, shows the snippet and fills its suggested questions from the template', async () => {
    const user = userEvent.setup();
    const api = wizardApi();
    const { calls } = await renderApp({ path: '/app/onboarding', session: adminSession, handlers: api.handlers });
    await user.click(await screen.findByRole('radio', { name: 'Website' }));
    expect(await screen.findByText('<script src="https://bot.example.vn/widget.js" data-key="pk_abc" async></script>')).toBeTruthy();
    await user.type(screen.getByLabelText('Tên miền website'), 'không hợp lệ');
    await user.click(screen.getByRole('button', { name: 'Cho phép' }));
    expect(await screen.findByText('Tên miền không hợp lệ (ví dụ: shop.vn).')).toBeTruthy();
    await user.clear(screen.getByLabelText('Tên miền website'));
    await user.type(screen.getByLabelText('Tên miền website'), 'SpaHoaSen.vn');
    await user.click(screen.getByRole('button', { name: 'Cho phép' }));
    expect(await screen.findByText('Tên miền được phép: spahoasen.vn')).toBeTruthy();
    expect(sent(calls, 'PUT', '/v1/tenant/widget')[0]!.body).toEqual({ enabled: true, allowed_domains: ['spahoasen.vn'] });

    // The template's suggested questions become the widget's (it has none yet).
    await user.click(await screen.findByRole('button', { name: 'Tiếp tục' }));
    await user.click(await screen.findByRole('radio', { name: /Spa & thẩm mỹ/ }));
    await user.click(screen.getByRole('button', { name: 'Áp dụng mẫu' }));
    await waitFor(() => expect(sent(calls, 'PUT', '/v1/tenant/widget')).toHaveLength(2));
    expect(sent(calls, 'PUT', '/v1/tenant/widget')[1]!.body).toEqual({ suggested_questions: { vi: spaTemplate.suggested_questions } });
  });

  it('sends a new owner from the overview to the wizard until it is skipped', async () => {
    const user = userEvent.setup();
    const api = wizardApi();
    const first = await renderApp({ path: '/app', session: adminSession, handlers: api.handlers });
    await waitFor(() => expect(first.history.location.pathname).toBe('/app/onboarding'));
    await user.click(await screen.findByRole('button', { name: 'Bỏ qua, thiết lập sau' }));
    await waitFor(() => expect(first.history.location.pathname).toBe('/app'));
    expect(sent(first.calls, 'PUT', '/v1/tenant/onboarding')[0]!.body).toEqual({ status: 'skipped' });
    first.unmount();

    // A later visit: skipped, so the overview stays.
    const again = await renderApp({ path: '/app', session: adminSession, handlers: api.handlers });
    await waitFor(() => expect(sent(again.calls, 'GET', '/v1/tenant/onboarding')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(again.history.location.pathname).toBe('/app');
    expect(within(document.body).getByRole('heading', { level: 1 }).textContent).toContain('Hoa Đào');
  });

  it('keeps tenant agents out of the wizard and away from the redirect', async () => {
    const agent = { ...adminSession, tenant: { ...adminSession.tenant!, role: 'tenant-agent' as const } };
    const api = wizardApi();
    const view = await renderApp({ path: '/app/onboarding', session: agent, handlers: api.handlers });
    await waitFor(() => expect(view.history.location.pathname).toBe('/app'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(view.history.location.pathname).toBe('/app');
    expect(sent(view.calls, 'GET', '/v1/tenant/onboarding')).toHaveLength(0);
  });
});

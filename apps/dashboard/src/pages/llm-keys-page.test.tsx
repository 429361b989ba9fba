import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminSession, renderApp } from '../test/render-app';
import { errorReply, type FakeHandler, type RecordedCall } from '../test/fake-api';

interface View {
  provider: 'openai' | 'anthropic' | 'ollama';
  base_url?: string;
  cheap_model?: string;
  premium_model?: string;
  key_mode: 'own' | 'own_then_platform' | 'platform';
  api_key_set: boolean;
  api_key_hint: string | null;
}

/** A fake `/v1/tenant/llm` that keeps what was saved, like the runtime (key write-only, masked). */
function llmApi(initial: View, refuse?: (body: Record<string, unknown>) => boolean): Record<string, FakeHandler> {
  let view: View = initial;
  return {
    'GET /v1/tenant/llm': () => ({ status: 200, body: view }),
    'GET /v1/tenant/onboarding': () => ({ status: 200, body: { status: 'completed', step: 'done', checklist: {} } }),
    'PUT /v1/tenant/llm': (call: RecordedCall) => {
      const body = call.body as Record<string, unknown>;
      if (refuse?.(body)) {
        return errorReply(422, 'llm_key_rejected', 'The provider rejected the API key (401)', 'Nhà cung cấp từ chối khoá API (401)');
      }
      const key = body['api_key'];
      const next: View = {
        provider: body['provider'] as View['provider'],
        key_mode: (body['key_mode'] as View['key_mode'] | undefined) ?? view.key_mode,
        api_key_set: typeof key === 'string' ? true : key === null ? false : view.api_key_set,
        api_key_hint: typeof key === 'string' ? `sk-…${key.slice(-4)}` : key === null ? null : view.api_key_hint,
      };
      for (const name of ['base_url', 'cheap_model', 'premium_model'] as const) {
        const value = body[name] === undefined ? view[name] : body[name];
        if (typeof value === 'string') next[name] = value;
      }
      view = next;
      return { status: 200, body: view };
    },
  };
}

const platformOnly: View = { provider: 'openai', key_mode: 'platform', api_key_set: false, api_key_hint: null };

describe('LLM keys page (GET/PUT /v1/tenant/llm)', () => {
  it('saves an OpenAI-compatible provider with its base URL, key, key mode and models; the key is write-only and masked', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/llm-keys', session: adminSession, handlers: llmApi(platformOnly) });
    expect(await screen.findByText('Chưa lưu khoá API.')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Nhà cung cấp'), 'openai_compatible');
    await user.type(screen.getByLabelText('Địa chỉ API (base URL)'), 'https://api.deepseek.com/v1');
    const key = screen.getByLabelText<HTMLInputElement>('Khoá API');
    expect(key.type).toBe('password');
    await user.type(key, 'sk-deepseek-0123456789abcdef');
    await user.click(screen.getByRole('radio', { name: /Khoá của tôi, lỗi thì dùng tín dụng nền tảng/ }));
    await user.type(screen.getByLabelText('Mô hình rẻ'), 'deepseek-chat');
    await user.type(screen.getByLabelText('Mô hình cao cấp'), 'deepseek-reasoner');
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Đã lưu. Bot dùng cấu hình mới từ tin nhắn tiếp theo.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT').map((c) => [c.path, c.body])).toEqual([
      [
        '/v1/tenant/llm',
        {
          provider: 'openai',
          base_url: 'https://api.deepseek.com/v1',
          key_mode: 'own_then_platform',
          cheap_model: 'deepseek-chat',
          premium_model: 'deepseek-reasoner',
          api_key: 'sk-deepseek-0123456789abcdef',
        },
      ],
    ]);
    // Nothing goes through the generic secrets route any more.
    expect(calls.some((c) => c.path.startsWith('/v1/tenant/secrets'))).toBe(false);
    // The key field is emptied, only the mask is shown.
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('Khoá API').value).toBe(''));
    expect(screen.getByText('sk-…cdef')).toBeTruthy();
    expect(screen.getByText('Đã lưu khoá (chỉ hiện phần che).')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain('0123456789abcdef');
  });

  it('shows the server\'s refusal of a key in Vietnamese, or English for English readers, and stores nothing', async () => {
    for (const [language, message] of [['vi', 'Nhà cung cấp từ chối khoá API (401)'], ['en', 'The provider rejected the API key (401)']] as const) {
      const user = userEvent.setup();
      const { calls, unmount } = await renderApp({
        path: '/app/settings/llm-keys',
        session: adminSession,
        language,
        handlers: llmApi(platformOnly, (body) => body['api_key'] === 'sk-wrong-key-000'),
      });
      await user.selectOptions(await screen.findByLabelText(language === 'vi' ? 'Nhà cung cấp' : 'Provider'), 'anthropic');
      await user.click(screen.getByRole('radio', { name: language === 'vi' ? /Chỉ khoá của tôi/ : /My key only/ }));
      await user.type(screen.getByLabelText(language === 'vi' ? 'Khoá API' : 'API key'), 'sk-wrong-key-000');
      await user.click(screen.getByRole('button', { name: language === 'vi' ? 'Lưu' : 'Save' }));
      expect(await screen.findByText(message)).toBeTruthy();
      expect(calls.find((c) => c.method === 'PUT')?.body).toMatchObject({ provider: 'anthropic', key_mode: 'own', base_url: null, api_key: 'sk-wrong-key-000' });
      expect(screen.getByText(language === 'vi' ? 'Chưa lưu khoá API.' : 'No API key saved.')).toBeTruthy();
      unmount();
    }
  });

  it('asks for a key and a base URL before calling the server', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/llm-keys', session: adminSession, handlers: llmApi(platformOnly) });
    await user.selectOptions(await screen.findByLabelText('Nhà cung cấp'), 'openai_compatible');
    await user.click(screen.getByRole('radio', { name: /Chỉ khoá của tôi/ }));
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    expect(await screen.findByText('Vui lòng nhập địa chỉ API.')).toBeTruthy();
    expect(screen.getByText('Vui lòng dán khoá API.')).toBeTruthy();
    expect(screen.getByLabelText('Khoá API').getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);
  });

  it('keeps a stored key when the field is left empty, and "remove my key" clears it and switches to platform credits', async () => {
    const user = userEvent.setup();
    const stored: View = { provider: 'openai', base_url: 'https://api.groq.com/openai/v1', cheap_model: 'llama-3.1-8b-instant', key_mode: 'own', api_key_set: true, api_key_hint: 'gsk-…wxyz' };
    const { calls } = await renderApp({ path: '/app/settings/llm-keys', session: adminSession, handlers: llmApi(stored) });
    // Stored OpenAI + base URL shows as OpenAI-compatible, with its values.
    expect((await screen.findByLabelText<HTMLSelectElement>('Nhà cung cấp')).value).toBe('openai_compatible');
    expect(screen.getByLabelText<HTMLInputElement>('Địa chỉ API (base URL)').value).toBe('https://api.groq.com/openai/v1');
    expect(screen.getByText('Đã lưu khoá gsk-…wxyz; để trống để giữ nguyên.')).toBeTruthy();
    await user.clear(screen.getByLabelText('Mô hình rẻ'));
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    await screen.findByText('Đã lưu. Bot dùng cấu hình mới từ tin nhắn tiếp theo.');
    expect(calls.filter((c) => c.method === 'PUT')[0]?.body).toEqual({
      provider: 'openai',
      base_url: 'https://api.groq.com/openai/v1',
      key_mode: 'own',
      cheap_model: null,
      premium_model: null,
    });

    await user.click(screen.getByRole('button', { name: 'Xoá khoá của tôi' }));
    const dialog = await screen.findByRole('dialog', { name: 'Xoá khoá API của bạn?' });
    await user.click(within(dialog).getByRole('button', { name: 'Xoá khoá của tôi' }));
    expect(await screen.findByText('Đã xoá khoá. Bot đang dùng tín dụng nền tảng.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'PUT')[1]?.body).toEqual({ provider: 'openai', api_key: null, key_mode: 'platform' });
    expect(screen.getByText('Chưa lưu khoá API.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Xoá khoá của tôi' })).toBeNull();
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /Chỉ tín dụng nền tảng/ }).checked).toBe(true);
  });

  it('Ollama needs a base URL and no key', async () => {
    const user = userEvent.setup();
    const { calls } = await renderApp({ path: '/app/settings/llm-keys', session: adminSession, handlers: llmApi(platformOnly) });
    await user.selectOptions(await screen.findByLabelText('Nhà cung cấp'), 'ollama');
    expect(screen.queryByLabelText('Khoá API')).toBeNull();
    await user.type(screen.getByLabelText('Địa chỉ API (base URL)'), 'http://10.0.0.5:11434');
    await user.click(screen.getByRole('radio', { name: /Chỉ khoá của tôi/ }));
    await user.click(screen.getByRole('button', { name: 'Lưu' }));
    await screen.findByText('Đã lưu. Bot dùng cấu hình mới từ tin nhắn tiếp theo.');
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ provider: 'ollama', base_url: 'http://10.0.0.5:11434', key_mode: 'own', cheap_model: null, premium_model: null });
  });
});

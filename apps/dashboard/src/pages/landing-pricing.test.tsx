import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../test/render-app';

const plans = {
  plans: [
    { id: 'free', kind: 'free', name: 'Free', name_vi: 'Miễn phí', monthly_fee_vnd: 0, included_chats: 100, overage_per_chat_vnd: null },
    { id: 'starter', kind: 'subscription', name: 'Starter', name_vi: 'Khởi đầu', monthly_fee_vnd: 199_000, included_chats: 1000, overage_per_chat_vnd: 300 },
  ],
  credit_prices: [
    { model: 'openai:gpt-4o', input_vnd_per_million_tokens: 78_000, output_vnd_per_million_tokens: 312_000 },
    { model: 'openai:gpt-4o-mini', input_vnd_per_million_tokens: 4_680, output_vnd_per_million_tokens: 18_720 },
  ],
};

describe('landing page pricing', () => {
  it('shows the configured plans in Vietnamese with VND prices, from the public plans API', async () => {
    const { calls } = await renderApp({ path: '/', handlers: { 'GET /v1/plans': () => ({ status: 200, body: plans }) } });
    const section = (await screen.findByRole('heading', { name: 'Bảng giá' })).closest('section')!;
    const items = within(section).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(within(items[0]!).getByText('Miễn phí', { selector: 'h2' })).toBeTruthy();
    expect(within(items[0]!).getByText('100 cuộc trò chuyện mỗi tháng')).toBeTruthy();
    expect(within(items[1]!).getByText('Khởi đầu')).toBeTruthy();
    expect(items[1]!.textContent).toMatch(/199\.000\s?₫/);
    expect(within(items[1]!).getByText('1.000 cuộc trò chuyện mỗi tháng')).toBeTruthy();
    expect(items[1]!.textContent).toMatch(/Vượt hạn mức: 300\s?₫ mỗi cuộc trò chuyện/);
    expect(section.textContent).toMatch(/từ 18\.720\s?₫ cho 1 triệu token trả lời \(gpt-4o-mini\)/);
    expect(within(items[1]!).getByRole('link', { name: 'Dùng gói này' }).getAttribute('href')).toBe('/signup');
    expect(calls.map((c) => c.path)).toContain('/v1/plans');
  });

  it('leaves the section out when the runtime does not answer', async () => {
    await renderApp({ path: '/', handlers: {} });
    expect(await screen.findByRole('heading', { level: 1 })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Bảng giá' })).toBeNull();
  });
});

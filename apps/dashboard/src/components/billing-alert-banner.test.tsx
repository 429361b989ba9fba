import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { alertsToShow, cycleIdOf, type BillingAlert } from '../api/billing-types';
import type { FakeHandler } from '../test/fake-api';
import { adminSession, renderApp } from '../test/render-app';

const cycle = cycleIdOf();
const tenant = { id: 't', name: 'Hoa Đào', slug: 'hoa-dao', plan: 'free', status: 'active', settings: {}, created_at: '2026-11-26T04:00:00.000Z', updated_at: '2026-11-26T04:00:00.000Z' };
const budget = (percent: number, over: Partial<BillingAlert> = {}): BillingAlert => ({
  id: `00000000-0000-4000-8000-000000000${percent}`.slice(0, 36).padEnd(36, '0'),
  kind: 'budget',
  key: `budget:${cycle}:${percent}`,
  details: { cycle, percent, spentVnd: 500_000, capVnd: 500_000 },
  created_at: '2026-11-26T04:00:00.000Z',
  acknowledged_at: null,
  ...over,
});

function server(alerts: BillingAlert[]) {
  let items = alerts;
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant': () => ({ status: 200, body: tenant }),
    'GET /v1/tenant/billing/alerts': (call) => {
      expect(call.path).toBe('/v1/tenant/billing/alerts?unacknowledged=true');
      return { status: 200, body: { items } };
    },
    'POST /v1/tenant/billing/alerts/{id}/acknowledge': (call) => {
      items = items.filter((a) => !call.path.includes(a.id));
      return { status: 204 };
    },
  };
  return handlers;
}

describe('budget alert banner in the app shell', () => {
  it('shows the 100% alert on every page, links to Billing, and goes away once acknowledged', async () => {
    const user = userEvent.setup();
    const { calls, history } = await renderApp({ path: '/app', handlers: server([budget(80), budget(100)]), session: adminSession });
    const region = await screen.findByRole('region', { name: 'Cảnh báo ngân sách' });
    const alert = within(region).getByRole('alert');
    expect(alert.textContent).toContain('Đã dùng hết hạn mức chi phí tháng này');
    expect(alert.textContent).toContain('500.000');
    expect(within(region).getByText('Còn 1 cảnh báo khác trên trang Thanh toán.')).toBeTruthy();

    await user.click(within(region).getByRole('button', { name: 'Đã xem' }));
    await waitFor(() => expect(screen.getByRole('region', { name: 'Cảnh báo ngân sách' }).textContent).toContain('Đã dùng 80%'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([`/v1/tenant/billing/alerts/${budget(100).id}/acknowledge`]);

    await user.click(screen.getByRole('link', { name: 'Xem thanh toán' }));
    await waitFor(() => expect(history.location.pathname).toBe('/app/billing'));
  });

  it("shows nothing for last cycle's or acknowledged alerts, and asks nothing for a tenant agent", async () => {
    await renderApp({
      path: '/app',
      handlers: server([budget(100, { key: 'budget:2020-01:100', details: { cycle: '2020-01', percent: 100 } }), budget(80, { acknowledged_at: '2026-11-26T05:00:00.000Z' })]),
      session: adminSession,
    });
    expect(await screen.findByRole('heading', { name: 'Xin chào, Hoa Đào' })).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByRole('region', { name: 'Cảnh báo ngân sách' })).toBeNull();

    const agent = { ...adminSession, tenant: { ...adminSession.tenant!, role: 'tenant-agent' as const } };
    const { calls } = await renderApp({ path: '/app', handlers: server([budget(100)]), session: agent });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.some((c) => c.path.startsWith('/v1/tenant/billing'))).toBe(false);
  });

  it('alertsToShow keeps this cycle and cost spikes, most severe first', () => {
    const spike: BillingAlert = { ...budget(80), id: 's', kind: 'cost_spike', key: 'cost-spike:2026-11-26T04', details: {} };
    expect(alertsToShow([budget(80), spike, budget(100)], cycle).map((a) => a.kind === 'cost_spike' ? 'spike' : a.details.percent)).toEqual(['spike', 100, 80]);
  });
});

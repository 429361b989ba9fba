import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ApiKey } from '../api/types';
import { adminSession, renderApp } from '../test/render-app';
import type { FakeHandler } from '../test/fake-api';

const fullKey = 'acb_3kF9xQ2aSECRETSECRETSECRET0123456789';

function keyServer() {
  const keys: ApiKey[] = [];
  const handlers: Record<string, FakeHandler> = {
    'GET /v1/tenant/api-keys': () => ({ status: 200, body: { items: keys } }),
    'POST /v1/tenant/api-keys': (call) => {
      const key: ApiKey = {
        id: '00000000-0000-4000-8000-00000000000b',
        name: (call.body as { name: string }).name,
        prefix: 'acb_3kF9xQ2a',
        created_at: '2026-11-26T04:00:00.000Z',
        last_used_at: null,
        revoked_at: null,
      };
      keys.push(key);
      return { status: 201, body: { ...key, key: fullKey } };
    },
    'DELETE /v1/tenant/api-keys/{id}': () => {
      keys[0] = { ...keys[0]!, revoked_at: '2026-11-26T04:05:00.000Z' };
      return { status: 204 };
    },
  };
  return handlers;
}

describe('/app/settings/api-keys', () => {
  it('shows a new key once, copies it, and forgets it when the dialog closes', async () => {
    const user = userEvent.setup();
    // After setup(): user-event installs its own clipboard stub, which this one replaces.
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { calls } = await renderApp({ path: '/app/settings/api-keys', handlers: keyServer(), session: adminSession });
    expect(await screen.findByText('Chưa có API key nào.')).toBeTruthy();

    await user.type(screen.getByLabelText('Tên khoá'), 'website-chinh');
    await user.click(screen.getByRole('button', { name: 'Tạo khoá' }));

    const dialog = await screen.findByRole('dialog', { name: 'API key mới của bạn' });
    const field = within(dialog).getByLabelText<HTMLInputElement>('Khoá "website-chinh"');
    expect(field.value).toBe(fullKey);
    expect(field.readOnly).toBe(true);
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'website-chinh' });

    await user.click(within(dialog).getByRole('button', { name: 'Sao chép' }));
    expect(writeText).toHaveBeenCalledWith(fullKey);
    expect(await within(dialog).findByText('Đã sao chép')).toBeTruthy();

    await user.click(within(dialog).getByRole('button', { name: 'Tôi đã lưu khoá' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    // Only the prefix remains on the page; the full key is gone for good.
    expect(await screen.findByText('acb_3kF9xQ2a…')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(fullKey);
    expect(screen.queryByDisplayValue(fullKey)).toBeNull();
  });

  it('revokes a key only after confirmation', async () => {
    const user = userEvent.setup();
    const handlers = keyServer();
    const { calls } = await renderApp({ path: '/app/settings/api-keys', handlers, session: adminSession });
    await user.type(await screen.findByLabelText('Tên khoá'), 'pos');
    await user.click(screen.getByRole('button', { name: 'Tạo khoá' }));
    await user.click(await screen.findByRole('button', { name: 'Tôi đã lưu khoá' }));

    await user.click(await screen.findByRole('button', { name: 'Thu hồi' }));
    const confirm = await screen.findByRole('dialog', { name: 'Thu hồi API key?' });
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    expect(confirm).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Thu hồi' }));
    const again = await screen.findByRole('dialog', { name: 'Thu hồi API key?' });
    await user.click(within(again).getByRole('button', { name: 'Thu hồi' }));
    expect(await screen.findByText('Đã thu hồi')).toBeTruthy();
    expect(calls.find((c) => c.method === 'DELETE')).toMatchObject({ path: '/v1/tenant/api-keys/00000000-0000-4000-8000-00000000000b' });
  });
});

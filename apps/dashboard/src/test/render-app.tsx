/** Renders the whole dashboard at a path, against a fake API, for component tests. */
import { render, waitFor } from '@testing-library/react';
import { createMemoryHistory } from '@tanstack/react-router';
import { App } from '../app';
import { createApiClient } from '../api/client';
import { createSessionStore } from '../api/session-store';
import type { SessionResponse } from '../api/types';
import { createI18n, type Language } from '../i18n';
import { createFakeApi, type FakeHandler } from './fake-api';

/** A signed-in tenant-admin session. */
export const adminSession: SessionResponse = {
  access_token: 'access-1',
  refresh_token: 'refresh-token-1',
  token_type: 'Bearer',
  expires_in: 900,
  user: { id: '00000000-0000-4000-8000-000000000001', email: 'chu.shop@example.vn', name: 'Chị Đào', platform_admin: false },
  tenant: { id: '00000000-0000-4000-8000-0000000000aa', slug: 'hoa-dao', name: 'Hoa Đào', role: 'tenant-admin', status: 'active' },
  tenants: [{ id: '00000000-0000-4000-8000-0000000000aa', slug: 'hoa-dao', name: 'Hoa Đào', role: 'tenant-admin', status: 'active' }],
};

/** Options of {@link renderApp}. */
export interface RenderAppOptions {
  path: string;
  handlers: Record<string, FakeHandler>;
  session?: SessionResponse;
  /** A refresh token left by an earlier visit (no access token: the app must restore). */
  storedRefreshToken?: string;
  language?: Language;
}

/** Renders the dashboard; returns the fake API's calls, the session store and the history. */
export async function renderApp({ path, handlers, session: initial, storedRefreshToken, language = 'vi' }: RenderAppOptions) {
  const fake = createFakeApi(handlers);
  const session = createSessionStore(null);
  if (initial) session.getState().setSession(initial);
  if (storedRefreshToken) session.setState({ refreshToken: storedRefreshToken });
  const client = createApiClient({ baseUrl: 'http://dashboard.test', session, fetch: fake.fetch });
  const i18n = await createI18n(language);
  const history = createMemoryHistory({ initialEntries: [path] });
  const view = render(<App client={client} session={session} i18n={i18n} history={history} />);
  // The router renders after its first (asynchronous) load.
  await waitFor(() => {
    if (!view.container.firstChild) throw new Error('the router has not rendered yet');
  });
  return { ...view, calls: fake.calls, session, history, i18n };
}

/**
 * The dashboard's providers: i18n, API client + session, React Query and the router.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, type RouterHistory } from '@tanstack/react-router';
import type { i18n as I18n } from 'i18next';
import { useState } from 'react';
import { I18nextProvider } from 'react-i18next';
import { ApiProvider } from './api/api-context';
import type { ApiClient } from './api/client';
import type { SessionStore } from './api/session-store';
import { createAppRouter } from './router';

/** Props of {@link App}. */
export interface AppProps {
  client: ApiClient;
  session: SessionStore;
  i18n: I18n;
  /** Memory history in tests; the browser's by default. */
  history?: RouterHistory;
}

/** Creates the query client (no retries on 4xx: those answers will not change by retrying). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (count, error) => count < 2 && !(error instanceof Error && 'status' in error && Number(error.status) >= 400),
      },
    },
  });
}

/** The whole dashboard. */
export function App({ client, session, i18n, history }: AppProps) {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(() => createAppRouter({ client, session, queryClient }, history));
  return (
    <I18nextProvider i18n={i18n}>
      <ApiProvider value={{ client, session }}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ApiProvider>
    </I18nextProvider>
  );
}

/**
 * Makes the API client and the session store available to every component.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from './client';
import type { SessionState, SessionStore } from './session-store';

/** What {@link ApiProvider} shares. */
export interface ApiContextValue {
  client: ApiClient;
  session: SessionStore;
}

const ApiContext = createContext<ApiContextValue | null>(null);

/** Provides the API client and session to the tree. */
export function ApiProvider({ value, children }: { value: ApiContextValue; children: ReactNode }) {
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

/** The API client and session store. */
export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi() needs an <ApiProvider>');
  return value;
}

/**
 * Reads part of the session and re-renders when it changes.
 *
 * @example const tenant = useSession((s) => s.tenant);
 */
export function useSession<T>(selector: (state: SessionState) => T): T {
  return useStore(useApi().session, selector);
}

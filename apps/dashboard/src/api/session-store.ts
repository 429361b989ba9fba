/**
 * The session (Zustand): the access token lives only in memory; the refresh token is kept in
 * `localStorage` so a reload can start a new session through `/v1/auth/refresh` (tokens rotate on
 * every use, so a stolen old one is refused and revokes the family).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Me, Membership, SessionResponse, TokenPair, User } from './types';

/** Key of the refresh token in storage. */
export const refreshTokenKey = 'agent-chatbot.refresh-token';

/** What the dashboard knows about the signed-in person. */
export interface SessionState {
  accessToken: string | null;
  refreshToken: string | null;
  user: User | null;
  tenant: Membership | null;
  tenants: Membership[];
  /** Stores a whole session (login, sign-up, invitation). */
  setSession: (session: SessionResponse) => void;
  /** Stores a rotated token pair. */
  setTokens: (tokens: TokenPair) => void;
  /** Stores who the person is (`GET /v1/me`). */
  setIdentity: (me: Me) => void;
  /** Forgets everything (logout, failed refresh). */
  clear: () => void;
}

/** A Zustand store holding {@link SessionState}. */
export type SessionStore = StoreApi<SessionState>;

/** The subset of `Storage` the store needs (null: keep nothing across reloads). */
export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;

/**
 * Creates a session store.
 *
 * @example const session = createSessionStore(window.localStorage);
 */
export function createSessionStore(storage: TokenStorage): SessionStore {
  const remember = (token: string | null) => {
    if (!storage) return;
    if (token) storage.setItem(refreshTokenKey, token);
    else storage.removeItem(refreshTokenKey);
  };
  return createStore<SessionState>()((set) => ({
    accessToken: null,
    refreshToken: storage?.getItem(refreshTokenKey) ?? null,
    user: null,
    tenant: null,
    tenants: [],
    setSession: (s) => {
      remember(s.refresh_token);
      set({ accessToken: s.access_token, refreshToken: s.refresh_token, user: s.user, tenant: s.tenant, tenants: s.tenants });
    },
    setTokens: (t) => {
      remember(t.refresh_token);
      set({ accessToken: t.access_token, refreshToken: t.refresh_token });
    },
    setIdentity: (me) => set({ user: me.user, tenant: me.tenant, tenants: me.tenants }),
    clear: () => {
      remember(null);
      set({ accessToken: null, refreshToken: null, user: null, tenant: null, tenants: [] });
    },
  }));
}

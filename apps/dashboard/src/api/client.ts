/**
 * The typed API client (openapi-fetch over the generated types) with the session rules: every
 * request carries the in-memory access token; a 401 triggers one refresh (single-flight, because
 * refresh tokens are single-use) and one retry; a failed refresh ends the session.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/openapi';
import type { SessionStore } from './session-store';

/** The typed client for the runtime API. */
export type Api = Client<paths>;

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Origin of the runtime (the page's own origin when the runtime serves the dashboard). */
  baseUrl: string;
  session: SessionStore;
  /** Fetch implementation (tests pass a fake server). */
  fetch?: (request: Request) => Promise<Response>;
}

/** The client plus the session operations built on it. */
export interface ApiClient {
  api: Api;
  /** Rotates the refresh token; false (and the session cleared) when it is refused. */
  refresh: () => Promise<boolean>;
  /** Restores a session after a reload from the stored refresh token; false when there is none. */
  restore: () => Promise<boolean>;
  /** Revokes the session on the server (best effort) and forgets it locally. */
  logout: () => Promise<void>;
  /** The runtime's origin (for requests the typed client cannot make, like upload progress). */
  baseUrl: string;
  /**
   * An authenticated request outside the typed client — event streams, CSV downloads, multipart
   * imports — with the same rule: one refresh and one retry on a 401.
   */
  fetchRaw: (path: string, init?: RequestInit) => Promise<Response>;
}

/**
 * Creates the API client.
 *
 * @example
 * const client = createApiClient({ baseUrl: location.origin, session });
 * const { data } = await client.api.GET('/v1/tenant');
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const fetchImpl = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const { session } = options;
  const api = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchImpl });

  let refreshing: Promise<boolean> | null = null;
  const refresh = (): Promise<boolean> => {
    refreshing ??= (async () => {
      const refreshToken = session.getState().refreshToken;
      if (!refreshToken) return false;
      try {
        const { data } = await api.POST('/v1/auth/refresh', { body: { refresh_token: refreshToken } });
        if (!data) {
          session.getState().clear();
          return false;
        }
        session.getState().setTokens(data);
        return true;
      } catch {
        // Network failure: keep the refresh token so the next attempt can still use it.
        return false;
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  // Copies of requests that may need a retry, by openapi-fetch request id.
  const retryable = new Map<string, Request>();
  const auth: Middleware = {
    onRequest({ request, id, schemaPath }) {
      const token = session.getState().accessToken;
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      // Auth endpoints answer 401 for wrong passwords or tokens: refreshing would not help.
      if (!schemaPath.startsWith('/v1/auth/')) retryable.set(id, request.clone());
      return request;
    },
    async onResponse({ response, id }) {
      const original = retryable.get(id);
      retryable.delete(id);
      if (response.status !== 401 || !original) return response;
      if (!(await refresh())) return response;
      const retry = original.clone();
      retry.headers.set('Authorization', `Bearer ${session.getState().accessToken ?? ''}`);
      return fetchImpl(retry);
    },
    onError({ id }) {
      retryable.delete(id);
    },
  };
  api.use(auth);

  let restoring: Promise<boolean> | null = null;
  const restore = (): Promise<boolean> => {
    restoring ??= (async () => {
      const state = session.getState();
      if (state.accessToken && state.user) return true;
      if (!state.accessToken && !(await refresh())) return false;
      const { data } = await api.GET('/v1/me');
      if (!data) return false;
      session.getState().setIdentity(data);
      return true;
    })()
      .catch(() => false)
      .finally(() => {
        restoring = null;
      });
    return restoring;
  };

  const logout = async (): Promise<void> => {
    const refreshToken = session.getState().refreshToken;
    session.getState().clear();
    if (!refreshToken) return;
    try {
      await api.POST('/v1/auth/logout', { body: { refresh_token: refreshToken } });
    } catch {
      // Already signed out locally; the token expires on its own if the server was unreachable.
    }
  };

  const fetchRaw = async (path: string, init: RequestInit = {}): Promise<Response> => {
    const send = () => {
      const headers = new Headers(init.headers);
      const token = session.getState().accessToken;
      if (token) headers.set('Authorization', `Bearer ${token}`);
      return fetchImpl(new Request(new URL(path, options.baseUrl), { ...init, headers }));
    };
    const response = await send();
    if (response.status !== 401 || !(await refresh())) return response;
    return send();
  };

  return { api, refresh, restore, logout, baseUrl: options.baseUrl, fetchRaw };
}

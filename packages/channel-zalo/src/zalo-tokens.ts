import { AgentChatbotError, readJson, type CacheV1, type HttpClient } from '@agent-chatbot/core';
import { z } from 'zod';

/** An OA's OAuth v4 token pair. */
export interface ZaloTokens {
  /** OA access token. */
  readonly accessToken: string;
  /** Single use: each refresh returns a new one and invalidates this. */
  readonly refreshToken?: string;
  /** About 25 h after issue. Unknown for tokens pasted by hand. */
  readonly accessTokenExpiresAt?: Date;
  /** About 3 months after issue. */
  readonly refreshTokenExpiresAt?: Date;
}

/**
 * Where an OA's tokens live (the runtime: encrypted in the channel connection row). `save` must be
 * durable before it resolves: a rotated refresh token that is lost means the OA admin has to
 * grant consent again.
 */
export interface ZaloTokenStore {
  /** Reads the stored tokens. */
  get(): Promise<ZaloTokens>;
  /** Stores rotated tokens (the refresh token is single-use). */
  save(tokens: ZaloTokens): Promise<void>;
}

/** A token refresh failed; `isRetryable` only for rate limits and network trouble. */
export class ZaloTokenRefreshError extends AgentChatbotError {
  constructor(message: string, messageVi: string, options: { retryable: boolean; providerCode?: number; cause?: unknown }) {
    super({
      code: 'token_refresh_failed',
      message,
      messageVi,
      status: 502,
      category: 'third-party',
      isRetryable: options.retryable,
      details: options.providerCode !== undefined ? { provider_code: options.providerCode } : undefined,
      cause: options.cause,
    });
    this.name = 'ZaloTokenRefreshError';
  }
}

const refreshResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.union([z.string(), z.number()]).transform(Number),
  refresh_token_expires_in: z.union([z.string(), z.number()]).transform(Number).optional(),
});
const errorResponse = z.object({ error: z.coerce.number(), error_description: z.string().optional(), message: z.string().optional() });

const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;
const LOCK_TTL_MS = 30_000;

/** Options of {@link createZaloTokenManager}. */
export interface ZaloTokenManagerOptions {
  /** Zalo app id. */
  appId: string;
  /** App secret (sent in the `secret_key` header); needed only to refresh. */
  appSecret?: string;
  /** Where the tokens are kept. */
  store: ZaloTokenStore;
  /** `https://oauth.zaloapp.com` or a fake. */
  oauthBase: string;
  /** HTTP client for the OAuth endpoint. */
  http: HttpClient;
  /** Cache for the cross-process refresh lock (refresh tokens are single-use). */
  cache?: () => CacheV1 | undefined;
  /** Lock name; one per OA. */
  lockKey: string;
  /** Clock (tests pass a fixed one). */
  now?: () => number;
}

/** Reads, refreshes and rotates one OA's tokens. */
export interface ZaloTokenManager {
  /** A usable access token, refreshed first when it expires within `refreshAheadMs`. */
  getAccessToken(refreshAheadMs: number): Promise<string>;
  /**
   * Refreshes unless the stored access token already differs from `staleAccessToken` (another
   * worker refreshed meanwhile). Persists the new pair before returning it.
   */
  refresh(staleAccessToken?: string): Promise<ZaloTokens>;
  /** For a scheduled job: refreshes when the access token expires within `ms`. */
  refreshIfExpiringWithin(ms: number): Promise<{ refreshed: boolean; accessTokenExpiresAt?: Date }>;
}

/** Creates a {@link ZaloTokenManager} (single-flight in process, cache lock across processes). */
export function createZaloTokenManager(options: ZaloTokenManagerOptions): ZaloTokenManager {
  const now = options.now ?? Date.now;
  let inFlight: Promise<ZaloTokens> | undefined;

  const expiresWithin = (tokens: ZaloTokens, ms: number) =>
    tokens.accessTokenExpiresAt !== undefined && tokens.accessTokenExpiresAt.getTime() - now() <= ms;

  const callOAuth = async (refreshToken: string): Promise<ZaloTokens> => {
    if (!options.appSecret) {
      throw new ZaloTokenRefreshError('Cannot refresh: app secret is not configured', 'Không thể làm mới token: chưa cấu hình app secret', { retryable: false });
    }
    let response: Response;
    try {
      response = await options.http(`${options.oauthBase}/v4/oa/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: options.appSecret },
        body: new URLSearchParams({ refresh_token: refreshToken, app_id: options.appId, grant_type: 'refresh_token' }).toString(),
      });
    } catch (cause) {
      throw new ZaloTokenRefreshError('Zalo OAuth is unreachable', 'Không kết nối được máy chủ OAuth của Zalo', { retryable: true, cause });
    }
    const body = await readJson(response);
    const parsed = refreshResponse.safeParse(body);
    if (response.ok && parsed.success) {
      const issuedAt = now();
      return {
        accessToken: parsed.data.access_token,
        refreshToken: parsed.data.refresh_token,
        accessTokenExpiresAt: new Date(issuedAt + parsed.data.expires_in * 1000),
        refreshTokenExpiresAt: new Date(issuedAt + (parsed.data.refresh_token_expires_in ? parsed.data.refresh_token_expires_in * 1000 : REFRESH_TOKEN_LIFETIME_MS)),
      };
    }
    const error = errorResponse.safeParse(body);
    const code = error.success ? error.data.error : undefined;
    // channels.md §1.2: any refresh error other than -32 is fatal (the OA must consent again).
    const retryable = code === -32 || response.status >= 500;
    throw new ZaloTokenRefreshError(
      `Zalo refused the token refresh${code !== undefined ? ` (${code})` : ` (HTTP ${response.status})`}${error.success && error.data.error_description ? `: ${error.data.error_description}` : ''}`,
      retryable ? 'Zalo tạm thời chưa làm mới được token; sẽ thử lại' : 'Zalo từ chối làm mới token; quản trị viên OA cần cấp quyền lại',
      { retryable, providerCode: code },
    );
  };

  const refreshLocked = async (staleAccessToken?: string): Promise<ZaloTokens> => {
    const current = await options.store.get();
    if (staleAccessToken !== undefined && current.accessToken !== staleAccessToken) return current;
    const cache = options.cache?.();
    const locked = cache ? await cache.setIfNotExists(options.lockKey, now(), { ttlMs: LOCK_TTL_MS }) : true;
    if (!locked) return waitForOtherRefresh(current.accessToken);
    try {
      if (!current.refreshToken) {
        throw new ZaloTokenRefreshError('No refresh token is stored for this OA', 'OA chưa có refresh token; cần cấp quyền lại', { retryable: false });
      }
      const next = await callOAuth(current.refreshToken);
      await options.store.save(next);
      return next;
    } finally {
      if (cache) await cache.delete(options.lockKey);
    }
  };

  const waitForOtherRefresh = async (oldAccessToken: string): Promise<ZaloTokens> => {
    for (let waited = 0; waited < LOCK_TTL_MS; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const tokens = await options.store.get();
      if (tokens.accessToken !== oldAccessToken) return tokens;
    }
    throw new ZaloTokenRefreshError('Another worker is still refreshing the token', 'Một tiến trình khác đang làm mới token', { retryable: true });
  };

  const refresh = (staleAccessToken?: string): Promise<ZaloTokens> => {
    inFlight ??= refreshLocked(staleAccessToken).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  return {
    refresh,
    async getAccessToken(refreshAheadMs) {
      const tokens = await options.store.get();
      if (tokens.refreshToken && expiresWithin(tokens, refreshAheadMs)) return (await refresh(tokens.accessToken)).accessToken;
      return tokens.accessToken;
    },
    async refreshIfExpiringWithin(ms) {
      const tokens = await options.store.get();
      if (!expiresWithin(tokens, ms)) return { refreshed: false, accessTokenExpiresAt: tokens.accessTokenExpiresAt };
      const next = await refresh(tokens.accessToken);
      return { refreshed: true, accessTokenExpiresAt: next.accessTokenExpiresAt };
    },
  };
}

/** A token store over a fixed access token (no refresh), for OAs whose token is managed elsewhere. */
export function staticZaloTokenStore(accessToken: string): ZaloTokenStore {
  let tokens: ZaloTokens = { accessToken };
  return {
    get: async () => tokens,
    save: async (next) => {
      tokens = next;
    },
  };
}

/** An in-memory token store (tests, scripts); the runtime stores tokens encrypted in Postgres. */
export function memoryZaloTokenStore(initial: ZaloTokens): ZaloTokenStore & { saves: number } {
  let tokens = initial;
  const store = {
    saves: 0,
    get: async () => tokens,
    save: async (next: ZaloTokens) => {
      tokens = next;
      store.saves += 1;
    },
  };
  return store;
}

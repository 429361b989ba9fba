/**
 * What the HTTP layer needs from the runtime, and the per-app context every handler receives.
 * `AppRuntime` is a structural slice of `createRuntime()`'s result, so tests can build one too.
 */
import type { Logger } from 'pino';
import type { RateLimiterV1, TokenBucketV1 } from '@agent-chatbot/core';
import type { Db } from '../db/types';
import type { RuntimeConfig } from '../config';
import type { Mailer } from '../mail/mailer';
import type { TokenService } from '../auth/tokens';
import type { TenantSecretStore } from '../secrets/tenant-secret-store';

/** The parts of the runtime the HTTP layer uses. */
export interface AppRuntime {
  readonly config: Pick<RuntimeConfig, 'jwtSecret' | 'publicUrl' | 'smtpUrl' | 'mailFrom'>;
  readonly db: Db;
  readonly rateLimiter: RateLimiterV1;
  readonly logger: Logger;
  /** Write-only tenant secrets (encrypted at rest). */
  readonly secrets: TenantSecretStore;
  /** Optional: created from `config.smtpUrl` / `config.mailFrom` when absent. */
  readonly mailer?: Mailer;
}

/** Tunables of the HTTP layer (all have production defaults). */
export interface AppOptions {
  /** JSON body limit (bytes or `'1mb'`). Default 1 MB. */
  bodyLimit: number | string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  resetTtlSeconds: number;
  invitationTtlSeconds: number;
  /** Login attempts per e-mail address and per client address. */
  loginLimits: { perEmail: TokenBucketV1; perIp: TokenBucketV1 };
  /** Express `trust proxy` (set when behind a reverse proxy so `req.ip` is the client's). */
  trustProxy: boolean | number | string;
  /**
   * Folder of the built dashboard (`apps/dashboard/dist`) to serve at `/`, `/signup`, `/app/…`;
   * absent → the minimal pages in `public/` (the shell and the pages e-mailed links open).
   */
  dashboardDist?: string;
}

/** Production defaults for {@link AppOptions}. */
export const defaultAppOptions: AppOptions = {
  bodyLimit: '1mb',
  accessTtlSeconds: 15 * 60,
  refreshTtlSeconds: 30 * 24 * 3600,
  resetTtlSeconds: 3600,
  invitationTtlSeconds: 7 * 24 * 3600,
  // 10 attempts per address, one back every 90 s; 50 per client address, one back every 18 s.
  loginLimits: {
    perEmail: { capacity: 10, refillPerSecond: 1 / 90 },
    perIp: { capacity: 50, refillPerSecond: 1 / 18 },
  },
  trustProxy: false,
};

/** Shared by every handler of one app. */
export interface AppContext {
  readonly runtime: AppRuntime;
  readonly options: AppOptions;
  readonly tokens: TokenService;
  readonly mailer: Mailer;
}

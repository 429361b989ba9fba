import type { FetchFunction } from '@agent-chatbot/core';
import { z } from 'zod';
import type { ZaloTokenStore } from './zalo-tokens';

/** Options of {@link createZaloChannel}. Config keys in the runtime use Zalo's names (`app_id`…). */
export interface ZaloChannelOptions {
  /** Zalo App id (decimal string): first term of the webhook signature and `app_id` in OAuth. */
  appId: string;
  /** "OA Secret Key" from the app's Webhook page; signs `X-ZEvent-Signature`. */
  oaSecretKey: string;
  /** App secret (`secret_key` header on OAuth); required to refresh tokens. */
  appSecret?: string;
  /** The OA this channel serves; events for other OAs of the same app are acknowledged and dropped. */
  oaId?: string;
  /** A fixed access token (no refresh). Give `tokenStore` instead for OAuth v4 rotation. */
  accessToken?: string;
  /** Where the OA's token pair lives; refreshed tokens are saved here before use. */
  tokenStore?: ZaloTokenStore;
  /** Default `https://openapi.zalo.me` (`CHATBOT_ZALO_API_BASE`). */
  apiBase?: string;
  /** Default `https://oauth.zaloapp.com` (`CHATBOT_ZALO_OAUTH_BASE`). */
  oauthBase?: string;
  /** HTTP client (tests pass one pointed at a fake Zalo). */
  fetch?: FetchFunction;
  /** HTTP proxy for every Zalo call (Zalo expects Vietnamese source addresses). */
  proxy?: string;
  /** Per-call timeout, default 10 s. */
  timeoutMs?: number;
  /** Events older than this are refused as stale (default 3 h: Zalo retries for about 2 h). */
  maxEventAgeMs?: number;
  /** Refresh the access token before a send when it expires within this (default 10 min). */
  refreshAheadMs?: number;
  /**
   * Upload outbound images and files (`/v2.0/oa/upload/image|file`) and send them by id (default
   * true), so files the provider cannot fetch (private storage URLs) still arrive. When false,
   * images are sent by URL and files as links.
   */
  uploadAttachments?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

const nonEmpty = z.string().trim().min(1);
/** Validates {@link ZaloChannelOptions} at the factory boundary. */
export const zaloChannelOptionsSchema = z
  .object({
    appId: nonEmpty.regex(/^\d+$/, 'appId is a decimal string'),
    oaSecretKey: nonEmpty,
    appSecret: nonEmpty.optional(),
    oaId: nonEmpty.optional(),
    accessToken: nonEmpty.optional(),
    tokenStore: z.custom<ZaloTokenStore>((v) => typeof v === 'object' && v !== null && 'get' in v && 'save' in v).optional(),
    apiBase: z.url().optional(),
    oauthBase: z.url().optional(),
    fetch: z.custom<FetchFunction>((v) => typeof v === 'function').optional(),
    proxy: z.url().optional(),
    timeoutMs: z.number().int().positive().optional(),
    maxEventAgeMs: z.number().positive().optional(),
    refreshAheadMs: z.number().nonnegative().optional(),
    uploadAttachments: z.boolean().optional(),
    now: z.custom<() => number>((v) => typeof v === 'function').optional(),
  })
  .refine((o) => o.accessToken !== undefined || o.tokenStore !== undefined, {
    message: 'Give accessToken or tokenStore / Cần accessToken hoặc tokenStore',
  });

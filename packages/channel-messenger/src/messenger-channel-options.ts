import type { FetchFunction } from '@agent-chatbot/core';
import { z } from 'zod';

/** Options of `createMessengerChannel`. Config keys in the runtime use Meta's names. */
export interface MessengerChannelOptions {
  /** Meta app secret (`app_secret`): signs webhooks, and `appsecret_proof` on sends. */
  appSecret: string;
  /** Page access token (`page_access_token`). */
  pageAccessToken: string;
  /** The token you typed in the app dashboard (`verify_token`), checked on the GET handshake. */
  verifyToken: string;
  /** The Page this channel serves (`page_id`); events for other Pages of a shared app are dropped. */
  pageId?: string;
  /** Default `https://graph.facebook.com` (`CHATBOT_GRAPH_API_BASE`). */
  graphApiBase?: string;
  /** Default `v23.0`. */
  graphApiVersion?: string;
  /** HTTP client (tests pass one pointed at a fake Graph API). */
  fetch?: FetchFunction;
  /** Outbound HTTP proxy URL. */
  proxy?: string;
  /** Deadline of one API call. */
  timeoutMs?: number;
  /** Clock for the 24-hour window (tests pass a fixed one). */
  now?: () => number;
}

/** Validates {@link MessengerChannelOptions}. */
export const messengerChannelOptionsSchema = z.object({
  appSecret: z.string().trim().min(1),
  pageAccessToken: z.string().trim().min(1),
  verifyToken: z.string().trim().min(1),
  pageId: z.string().regex(/^\d+$/).optional(),
  graphApiBase: z.url().optional(),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/).optional(),
  proxy: z.url().optional(),
  timeoutMs: z.number().int().positive().optional(),
});

import { z } from 'zod';

/**
 * TeamChat webhook bodies, parsed leniently: unknown fields pass through (providers add fields
 * all the time) and only what the channel needs is required.
 */
export const teamChatMessageEventSchema = z.looseObject({
  type: z.string(),
  channel: z.string().min(1),
  user: z.string().min(1).optional(),
  user_name: z.string().optional(),
  text: z.string().optional(),
  /** Message timestamp `"1700000000.000100"`, also the message id within a channel. */
  ts: z.string().min(1),
  thread_ts: z.string().optional(),
  /** Set on messages posted by bots (our own replies included): never answered. */
  bot_id: z.string().optional(),
});

/** The envelope of one delivery: a URL check or an event callback. */
export const teamChatWebhookSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string().min(1).max(500) }),
  z.looseObject({
    type: z.literal('event_callback'),
    /** Unique per event and repeated on retries: the de-duplication id. */
    event_id: z.string().min(1),
    team_id: z.string().min(1),
    event_time: z.number().optional(),
    event: teamChatMessageEventSchema,
  }),
]);

/** A parsed TeamChat webhook body. */
export type TeamChatWebhook = z.infer<typeof teamChatWebhookSchema>;

/** `POST /chat.postMessage` answers: HTTP 200 with `ok: false` for API-level errors (Slack style). */
export const teamChatSendResponseSchema = z.union([
  z.looseObject({ ok: z.literal(true), ts: z.string().min(1) }),
  z.looseObject({ ok: z.literal(false), error: z.string().min(1) }),
]);

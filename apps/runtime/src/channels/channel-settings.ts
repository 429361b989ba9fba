/**
 * Deployment settings of the channel feature: provider API bases and proxies (from the
 * environment through `RuntimeConfig.channelProviders`) and the delivery retry policy.
 */

/** The four provider channels the runtime wires (the web widget has its own feature). */
export const CHANNEL_TYPES = ['zalo', 'messenger', 'telegram', 'line'] as const;

/** One of {@link CHANNEL_TYPES}. */
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Whether `value` names a provider channel. */
export function isChannelType(value: string): value is ChannelType {
  return (CHANNEL_TYPES as readonly string[]).includes(value);
}

/** Provider API bases and per-provider HTTP proxies (`CHATBOT_*_API_BASE`, `CHATBOT_*_PROXY`). */
export interface ChannelProviderSettings {
  readonly zaloApiBase?: string;
  readonly zaloOauthBase?: string;
  readonly graphApiBase?: string;
  readonly telegramApiBase?: string;
  readonly lineApiBase?: string;
  /** LINE's content host (`api-data.line.me`); defaults to the LINE API base when that is set. */
  readonly lineDataApiBase?: string;
  readonly zaloProxy?: string;
  readonly messengerProxy?: string;
  readonly telegramProxy?: string;
  readonly lineProxy?: string;
}

/** When and how often a failed outbound message is sent again. */
export interface DeliveryPolicy {
  /** Sends in total (first try included) before the message is dead-lettered. Default 6. */
  readonly maxAttempts: number;
  /** Delay before the first retry; doubles each time, with jitter. Default 5 s. */
  readonly baseDelayMs: number;
  /** Cap on one delay. Default 1 h. */
  readonly maxDelayMs: number;
}

/** Production defaults of {@link DeliveryPolicy}. */
export const defaultDeliveryPolicy: DeliveryPolicy = { maxAttempts: 6, baseDelayMs: 5_000, maxDelayMs: 3_600_000 };

/**
 * The delay before retry number `attempt` (1 = first retry): exponential with "equal jitter"
 * (half fixed, half random) so a burst of failures does not come back in lock-step, and never
 * shorter than what the provider asked for (`retryAfterMs`).
 */
export function retryDelayMs(policy: DeliveryPolicy, attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exponential / 2 + (random() * exponential) / 2;
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

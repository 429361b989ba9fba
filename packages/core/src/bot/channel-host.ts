import type { CacheV1 } from '../cache/v1';
import type { ChannelV1, ChannelV1Host, InboundEventV1 } from '../channel/v1';
import type { BotEventEmitter } from '../engine/bot-events';
import type { LoggerV1 } from '../shared/v1';

/** A logger that drops everything (the SDK stays quiet unless given one). */
export const silentLogger: LoggerV1 = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Builds the narrow host a channel receives: `receive` records each event once (by provider event
 * id) and answers text messages in the background, so the webhook can return 200 at once.
 */
export function createChannelHost(options: {
  channel: ChannelV1<unknown>;
  cache: CacheV1;
  tenantId: string;
  emitter: BotEventEmitter;
  logger: LoggerV1;
  track: (task: Promise<unknown>) => void;
  answer: (event: InboundEventV1 & { message: { text: string } }) => Promise<unknown>;
}): ChannelV1Host {
  return {
    async receive(events) {
      for (const event of events) {
        const text = event.message?.text?.trim();
        if (event.type !== 'message' || !text) continue;
        const fresh = await options.cache.setIfNotExists(
          `inbound:${encodeURIComponent(options.tenantId)}:${options.channel.platform}:${event.eventId}`,
          1,
          { ttlMs: 24 * 60 * 60 * 1000 },
        );
        if (!fresh) continue;
        options.track(
          options.answer({ ...event, message: { ...event.message, text } }).catch((error: unknown) => {
            options.emitter.emit('error', { stage: 'receive', error, tenantId: options.tenantId });
          }),
        );
      }
    },
    getCache: () => options.cache,
    getLogger: () => options.logger,
  };
}

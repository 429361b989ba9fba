/**
 * Builds provider channels from stored connection configs, and caches one initialised channel
 * per connection (rebuilt when the row's `updated_at` changes, i.e. after an edit).
 */
import { createLineChannelFromConfig } from '@agent-chatbot/channel-line';
import { createMessengerChannelFromConfig } from '@agent-chatbot/channel-messenger';
import { createTelegramChannelFromConfig } from '@agent-chatbot/channel-telegram';
import { createZaloChannelFromConfig, type ZaloChannel, type ZaloTokenStore } from '@agent-chatbot/channel-zalo';
import type { ChannelV1, ChannelV1Host } from '@agent-chatbot/core';
import type { ChannelProviderSettings, ChannelType } from './channel-settings';
import type { ConnectionConfig } from './connection-store';

/** A provider channel plus the optional extras the runtime uses when the channel has them. */
export type ProviderChannel = ChannelV1<unknown> & {
  fetchAttachment?(url: string): Promise<Response>;
};

/** Extras for building one channel. */
export interface BuildChannelOptions {
  /** Zalo only: where the OA's rotating tokens live (the encrypted connection row). */
  tokenStore?: ZaloTokenStore;
  /** Test hook: the fetch every provider call uses. */
  fetch?: typeof fetch;
}

/**
 * Builds the channel for one connection config. Throws the package's 400 ValidationError naming
 * the bad keys when the config does not match the provider's schema.
 */
export function buildChannel(type: ChannelType, config: ConnectionConfig, settings: ChannelProviderSettings, options: BuildChannelOptions = {}): ProviderChannel {
  const common = { ...(options.fetch ? { fetch: options.fetch } : {}) };
  switch (type) {
    case 'zalo':
      return createZaloChannelFromConfig(config, {
        ...common,
        ...(settings.zaloApiBase ? { apiBase: settings.zaloApiBase } : {}),
        ...(settings.zaloOauthBase ? { oauthBase: settings.zaloOauthBase } : {}),
        ...(settings.zaloProxy ? { proxy: settings.zaloProxy } : {}),
        ...(options.tokenStore ? { tokenStore: options.tokenStore } : {}),
      }) as unknown as ProviderChannel;
    case 'messenger':
      return createMessengerChannelFromConfig(config, {
        ...common,
        ...(settings.graphApiBase ? { graphApiBase: settings.graphApiBase } : {}),
        ...(settings.messengerProxy ? { proxy: settings.messengerProxy } : {}),
      }) as unknown as ProviderChannel;
    case 'telegram':
      return createTelegramChannelFromConfig(config, {
        ...common,
        ...(settings.telegramApiBase ? { apiBase: settings.telegramApiBase } : {}),
        ...(settings.telegramProxy ? { proxy: settings.telegramProxy } : {}),
      }) as unknown as ProviderChannel;
    case 'line': {
      const dataApiBase = settings.lineDataApiBase ?? settings.lineApiBase;
      return createLineChannelFromConfig(config, {
        ...common,
        ...(settings.lineApiBase ? { apiBase: settings.lineApiBase } : {}),
        ...(dataApiBase ? { dataApiBase } : {}),
        ...(settings.lineProxy ? { proxy: settings.lineProxy } : {}),
      }) as unknown as ProviderChannel;
    }
  }
}

/** Whether a built channel is a Zalo channel (token upkeep). */
export function isZaloChannel(channel: ProviderChannel): channel is ProviderChannel & ZaloChannel {
  return channel.platform === 'zalo' && 'refreshIfExpiringWithin' in channel;
}

interface CacheEntry {
  updatedAt: number;
  channel: Promise<ProviderChannel>;
}

/** Initialised channels, one per connection and version of its row. */
export interface ChannelCache {
  /** The channel for this connection version, built and initialised once. */
  get(key: { connectionId: string; updatedAt: Date }, build: () => Promise<{ channel: ProviderChannel; host: ChannelV1Host }>): Promise<ProviderChannel>;
  /** Forgets a connection (deleted or edited). */
  evict(connectionId: string): void;
  /** Disconnects every cached channel (shutdown). */
  close(): Promise<void>;
}

/** Creates a {@link ChannelCache}. */
export function createChannelCache(): ChannelCache {
  const entries = new Map<string, CacheEntry>();
  const dispose = (entry: CacheEntry | undefined) => {
    void entry?.channel.then((c) => c.disconnect?.()).catch(() => {});
  };
  return {
    get(key, build) {
      const version = key.updatedAt.getTime();
      const existing = entries.get(key.connectionId);
      if (existing && existing.updatedAt === version) return existing.channel;
      dispose(existing);
      const channel = build().then(async ({ channel, host }) => {
        await channel.initialize(host);
        return channel;
      });
      // A failed build is not cached: the next request tries again (e.g. after a config fix).
      channel.catch(() => {
        if (entries.get(key.connectionId)?.channel === channel) entries.delete(key.connectionId);
      });
      entries.set(key.connectionId, { updatedAt: version, channel });
      return channel;
    },
    evict(connectionId) {
      dispose(entries.get(connectionId));
      entries.delete(connectionId);
    },
    async close() {
      const all = [...entries.values()];
      entries.clear();
      await Promise.all(all.map((e) => e.channel.then((c) => c.disconnect?.()).catch(() => {})));
    },
  };
}

/**
 * What every part of the channel feature shares: the runtime, the provider settings, the
 * delivery policy and the cache of initialised channels.
 */
import type { RuntimeConfig } from '../config';
import type { Db } from '../db/types';
import type { Runtime } from '../runtime';
import type { SecretBox } from '../secrets/secret-box';
import { createAttachmentStore } from './attachment-store';
import { buildChannel, createChannelCache, type ChannelCache, type ProviderChannel } from './channel-factory';
import { defaultDeliveryPolicy, type ChannelProviderSettings, type DeliveryPolicy } from './channel-settings';
import { loadAnyConnection, type AnyConnection } from './connection-store';
import { createConnectionHost, createInboundRecorder } from './inbound-events';
import { createWebhookRoutes, type WebhookRoutes } from './webhook-routes-cache';
import { widgetContextOf } from '../widget/widget-context';
import { createConnectionZaloTokenStore } from './zalo-token-store';

/** Options of the channel feature (tests shorten the delivery policy and polling). */
export interface ChannelFeatureOptions {
  /** Overrides `runtime.config.channelProviders`. */
  providers?: ChannelProviderSettings;
  delivery?: Partial<DeliveryPolicy>;
  /** How often idle workers poll for channel jobs (seconds, ≥ 0.5). Default 1. */
  pollingIntervalSeconds?: number;
  /** Test hook: the fetch every provider call uses. */
  fetch?: typeof fetch;
  /** How long a resolved webhook route is reused (default 5 s). */
  routeTtlMs?: number;
}

/** What channel setup (API and CLI) needs: no job queue, no cached channels. */
export interface ChannelSetup {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly providers: ChannelProviderSettings;
  readonly fetch: typeof fetch | undefined;
  /** The URL providers post to for a connection. */
  webhookUrl(type: string, connectionId: string): string;
  /** Drops a cached channel after an edit or removal. */
  evict(connectionId: string): void;
}

/** Builds a {@link ChannelSetup} for CLI commands (no runtime, nothing cached). */
export function createChannelSetup(deps: { db: Db; secretBox: SecretBox; config: Pick<RuntimeConfig, 'publicUrl' | 'channelProviders'> }): ChannelSetup {
  return {
    db: deps.db,
    secretBox: deps.secretBox,
    providers: deps.config.channelProviders ?? {},
    fetch: undefined,
    webhookUrl: (type, connectionId) => `${deps.config.publicUrl}/webhooks/${type}/${connectionId}`,
    evict: () => {},
  };
}

/** The shared state of the channel feature in one process. */
export interface ChannelContext extends ChannelSetup {
  readonly runtime: Runtime;
  readonly delivery: DeliveryPolicy;
  readonly pollingIntervalSeconds: number;
  readonly cache: ChannelCache;
  /** Webhook routing (connection → tenant), cached for a few seconds. */
  readonly routes: WebhookRoutes;
  /** Copies customers' media into tenant storage. */
  readonly attachments: ReturnType<typeof createAttachmentStore>;
  /** The initialised channel of a loaded connection (cached per connection + `updated_at`). */
  channelFor(connection: AnyConnection): Promise<ProviderChannel>;
  /** Loads the connection (its own transaction; the web widget's too) and returns it with its channel. */
  openChannel(tenantId: string, connectionId: string): Promise<{ connection: AnyConnection; channel: ProviderChannel }>;
}

/** Builds the {@link ChannelContext} of a runtime. */
export function createChannelContext(runtime: Runtime, options: ChannelFeatureOptions = {}): ChannelContext {
  const providers = options.providers ?? runtime.config.channelProviders ?? {};
  const cache = createChannelCache();
  const routes = createWebhookRoutes(runtime.db, runtime.secretBox, options.routeTtlMs);
  // One group-commit recorder for every connection of this process (batches per tenant).
  const recorder = createInboundRecorder(runtime);
  const context: ChannelContext = {
    runtime,
    db: runtime.db,
    secretBox: runtime.secretBox,
    evict: (connectionId) => {
      cache.evict(connectionId);
      routes.evict(connectionId);
    },
    routes,
    providers,
    delivery: { ...defaultDeliveryPolicy, ...options.delivery },
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1,
    cache,
    attachments: createAttachmentStore(runtime),
    fetch: options.fetch,
    channelFor(connection) {
      const type = connection.type;
      return cache.get({ connectionId: connection.id, updatedAt: connection.updatedAt }, async () => ({
        // The web widget: replies are published to the process's realtime hub (src/widget).
        channel: type === 'web' ? (widgetContextOf(runtime).createChannel() as unknown as ProviderChannel) : buildChannel(type, connection.config, providers, {
          ...(options.fetch ? { fetch: options.fetch } : {}),
          ...(type === 'zalo'
            ? { tokenStore: createConnectionZaloTokenStore(runtime.db, runtime.secretBox, connection.tenantId, connection.id) }
            : {}),
        }),
        host: createConnectionHost(runtime, connection, recorder),
      }));
    },
    async openChannel(tenantId, connectionId) {
      const connection = await runtime.db.tenant(tenantId, (tx) => loadAnyConnection(tx, runtime.secretBox, connectionId));
      return { connection, channel: await context.channelFor(connection) };
    },
    webhookUrl: (type, connectionId) => `${runtime.config.publicUrl}/webhooks/${type}/${connectionId}`,
  };
  return context;
}

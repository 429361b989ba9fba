/**
 * The provider channels feature (Zalo, Messenger, Telegram, LINE): the one inbound webhook path,
 * `conversation.handle` and `message.deliver` jobs, hourly Zalo token upkeep, and the channel
 * setup and delivery APIs.
 */
import type { RuntimeFeature } from '../features/index';
import type { Runtime } from '../runtime';
import { createChannelContext, type ChannelFeatureOptions } from './channel-context';
import { channelRoutes } from './channel-routes';
import { runConversationHandle } from './conversation-job';
import { MESSAGE_DELIVER_JOB, runDelivery, type DeliverPayload } from './delivery-job';
import { deliveryRoutes } from './delivery-routes';
import { CONVERSATION_HANDLE_JOB, type ConversationHandlePayload } from './inbound-events';
import { createWebhookRouter } from './webhook-router';
import { refreshZaloTokens, ZALO_TOKEN_REFRESH_JOB } from './zalo-refresh-job';

export { enqueueDelivery, MESSAGE_DELIVER_JOB, type DeliverPayload } from './delivery-job';
export { CONVERSATION_HANDLE_JOB, recordInboundEvents } from './inbound-events';
export { CHANNEL_TYPES, type ChannelProviderSettings, type ChannelType, type DeliveryPolicy } from './channel-settings';
export type { ChannelFeatureOptions } from './channel-context';
export { channelCommands } from './channel-commands';

/**
 * Builds the channels feature for a runtime.
 *
 * @example featureFactories = [..., (runtime) => createChannelsFeature(runtime)];
 */
export function createChannelsFeature(runtime: Runtime, options: ChannelFeatureOptions = {}): RuntimeFeature {
  const context = createChannelContext(runtime, options);
  // A job whose worker died (SIGKILL, crash) is only retried once it expires: keep that short for
  // the answering path (the model call times out at 30 s, once more on failover; sends at 10 s),
  // instead of pg-boss's 15 minutes, so a killed worker delays answers by minutes at most.
  const queue = { pollingIntervalSeconds: context.pollingIntervalSeconds, retryDelaySeconds: 1, expireInSeconds: 180 };
  return {
    name: 'channels',
    routes: [...channelRoutes(context), ...deliveryRoutes(context)],
    rawRouter: createWebhookRouter(context),
    registerJobs() {
      runtime.jobs.register<ConversationHandlePayload>(CONVERSATION_HANDLE_JOB, (job) => runConversationHandle(context, job), {
        ...queue,
        retryLimit: 3,
        concurrency: 4,
      });
      runtime.jobs.register<DeliverPayload>(MESSAGE_DELIVER_JOB, (job) => runDelivery(context, job), { ...queue, retryLimit: 3, concurrency: 4 });
      runtime.jobs.register(ZALO_TOKEN_REFRESH_JOB, async () => {
        const sweep = await refreshZaloTokens(context);
        if (sweep.checked) runtime.logger.info(sweep, 'zalo token refresh sweep');
      }, { retryLimit: 1 });
    },
    async scheduleJobs() {
      await runtime.jobs.schedule(ZALO_TOKEN_REFRESH_JOB, '7 * * * *');
    },
    async close() {
      await context.cache.close();
      await context.attachments.close();
    },
  };
}

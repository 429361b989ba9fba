/**
 * The live inbox feature: the inbox API (list, conversation with contact panel, take over, hand
 * back, close, assign, notes, read, agent replies through the conversation's channel), the SSE
 * event stream, handoff notifications (`inbox.notify`: e-mail and the owner's Telegram) and the
 * idle return to the bot (`inbox.idle-return`, every minute). See docs/guides/inbox.md.
 */
import type { ChannelFeatureOptions } from '../channels/channel-context';
import { createChannelContext } from '../channels/channel-context';
import type { RuntimeFeature } from '../features/index';
import { createMailer, type Mailer } from '../mail/mailer';
import type { Runtime } from '../runtime';
import { connectInboxToBots, createTracker, type Tracker } from './bot-listeners';
import { INBOX_NOTIFY_JOB, runHandoffNotify, type InboxNotifyPayload } from './handoff-notify';
import { INBOX_IDLE_RETURN_JOB, runIdleReturn } from './idle-return';
import { inboxRoutes } from './inbox-routes';
import { inboxStreamRouter } from './inbox-stream';

export { withInboxEvents, inboxChannel, type InboxEvent, type InboxEventType } from './inbox-events';
export { runIdleReturn, INBOX_IDLE_RETURN_JOB } from './idle-return';
export { INBOX_NOTIFY_JOB } from './handoff-notify';

/** Options of the inbox feature (tests pass a mailer, provider bases and short polling). */
export interface InboxFeatureOptions {
  mailer?: Mailer;
  /** Provider settings and fetch for the Telegram notification (default: the runtime's). */
  channels?: ChannelFeatureOptions;
  /** Seconds between polls for notification jobs (default 1: notifications must be prompt). */
  pollingIntervalSeconds?: number;
  /** SSE heartbeat interval (default 20 s). */
  heartbeatMs?: number;
  /** How often an open stream re-checks membership (default 5 min). */
  streamRecheckMs?: number;
}

/** The inbox feature plus a way to wait for its background event writes (tests). */
export interface InboxFeature extends RuntimeFeature {
  readonly tracker: Tracker;
}

/**
 * Builds the inbox feature of a runtime.
 *
 * @example featureFactories = [..., (runtime) => createInboxFeature(runtime)];
 */
export function createInboxFeature(runtime: Runtime, options: InboxFeatureOptions = {}): InboxFeature {
  const tracker = createTracker((error) => runtime.logger.warn({ err: error }, 'inbox background write failed'));
  connectInboxToBots(runtime, tracker);
  const mailer = options.mailer ?? createMailer({ smtpUrl: runtime.config.smtpUrl, from: runtime.config.mailFrom, logger: runtime.logger });
  const channels = createChannelContext(runtime, options.channels);
  return {
    name: 'inbox',
    tracker,
    routes: inboxRoutes(runtime),
    rawRouter: inboxStreamRouter(runtime, {
      ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
      ...(options.streamRecheckMs ? { recheckMs: options.streamRecheckMs } : {}),
    }),
    registerJobs() {
      runtime.jobs.register<InboxNotifyPayload>(INBOX_NOTIFY_JOB, (job) => runHandoffNotify(runtime, { mailer, channels }, job), {
        retryLimit: 5,
        retryDelaySeconds: 5,
        concurrency: 2,
        expireInSeconds: 120,
        pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1,
      });
      runtime.jobs.register(INBOX_IDLE_RETURN_JOB, async () => {
        const result = await runIdleReturn(runtime);
        if (result.returned.length) runtime.logger.info({ returned: result.returned.length }, 'inbox idle return');
      }, { retryLimit: 0, concurrency: 1 });
    },
    async scheduleJobs() {
      await runtime.jobs.schedule(INBOX_IDLE_RETURN_JOB, '* * * * *');
    },
    async close() {
      await tracker.idle();
      mailer.close();
      await channels.cache.close();
      await channels.attachments.close();
    },
  };
}

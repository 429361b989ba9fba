/**
 * The `billing` runtime feature: tenant and platform-admin billing routes, payment webhooks and
 * the invoice PDF (raw router), the per-tenant API rate limit, the billing jobs, and the hooks
 * into the tenant bots — the Postgres meter (hard monthly cap, prepaid credits for platform-key
 * usage), the platform price table, and the chat/message meter on every stored bot reply.
 */
import { platformPriceTable } from '@agent-chatbot/billing';
import { recordBotReplyIn } from '@agent-chatbot/billing/pg';
import { configureTenantBots } from '../bots/tenant-bot';
import type { FeatureFactory, RuntimeFeature } from '../features/index';
import { recordTenantSpend } from '../ops/metrics';
import type { Runtime } from '../runtime';
import { adminBillingRoutes } from './admin-billing-routes';
import { registerBillingJobs, scheduleBillingJobs } from './billing-jobs';
import { billingConsoleRoutes } from './billing-console-routes';
import { billingRawRouter } from './billing-raw-router';
import { billingRoutes } from './billing-routes';
import { billingOf, meterForTenant, onBillingConfigChange } from './billing-service';

/** Plugs billing into the tenant bots: meter, prices, and the bot-reply meter. */
export function connectBillingToBots(runtime: Runtime): void {
  const state = billingOf(runtime);
  // Plans and prices saved by an admin (or reloaded from the file) reach the bots' price table.
  onBillingConfigChange(runtime, (config) => configureTenantBots(runtime, { prices: platformPriceTable(config) }));
  configureTenantBots(runtime, {
    meterForTenant: (tenantId) => meterForTenant(runtime, tenantId),
    prices: platformPriceTable(state.config),
    onEmitter: (tenantId, emitter) => {
      // tenant_spend_vnd_total: billable (platform-key) model usage at the billing price table's cost.
      emitter.on('usage.recorded', (event) => {
        if (event.usage.billable) recordTenantSpend(tenantId, event.costVnd);
      });
    },
    // Every stored bot reply counts toward the chat/message meters (the Free plan's 100 chats), in
    // the transaction that stores it.
    onMessageStored: async (tx, { tenantId, message }) => {
      if (message.role !== 'bot') return;
      await recordBotReplyIn(tx, { tenantId, conversationId: message.conversationId, messageId: message.id, occurredAt: message.createdAt });
    },
  });
}

/** Builds the billing feature of one runtime. */
export const createBillingFeature: FeatureFactory = (runtime: Runtime): RuntimeFeature => {
  connectBillingToBots(runtime);
  return {
    name: 'billing',
    routes: [...billingRoutes(runtime), ...adminBillingRoutes(runtime), ...billingConsoleRoutes(runtime)],
    rawRouter: billingRawRouter(runtime),
    registerJobs: () => registerBillingJobs(runtime, runtime.jobs),
    scheduleJobs: () => scheduleBillingJobs(runtime.jobs),
    close: async () => billingOf(runtime).mailer.close(),
  };
};

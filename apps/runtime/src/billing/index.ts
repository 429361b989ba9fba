/**
 * Billing in the runtime (issue 8): wires `@agent-chatbot/billing` into the API, the jobs, the CLI
 * and the tenant bots. See billing-feature.ts for the map.
 */
export { createBillingFeature, connectBillingToBots } from './billing-feature';
export {
  applyPlanGate,
  billingIdle,
  billingOf,
  configureBilling,
  forgetBillingCache,
  meterForTenant,
  planGateForTenant,
  planOfTenant,
  recordBotReplyFor,
  type BillingOverrides,
  type BillingRuntime,
  type BillingState,
} from './billing-service';
export { checkCustomerRate, checkSessionApiRate, checkTenantApiRate, tenantApiRateLimit, type CustomerRateDecision } from './rate-limits';
export { DEFAULT_SESSION_RATE_LIMIT, readBillingSettings, loadBillingConfig, type BillingSettings } from './billing-settings';
export { BILLING_JOBS, runCostSpikeJob, runInvoiceJob, registerBillingJobs, scheduleBillingJobs } from './billing-jobs';
export { billingCommands } from './billing-commands';
export { invoicePdf } from './billing-raw-router';

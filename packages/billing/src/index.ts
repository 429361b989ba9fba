/**
 * @agent-chatbot/billing — metering, plans, credits, invoices and Vietnamese payments.
 * Pure building blocks live here; the Postgres side (meter, ledger, invoices, payment
 * notifications) is `@agent-chatbot/billing/pg`, the Vietnamese invoice PDF `@agent-chatbot/billing/pdf`.
 */
export { assertVnd, divCeil, divFloor, applyMarginBp, formatVnd } from './money';
export { BILLING_TIME_ZONE, billingCycle, cycleIdOf, cycleOf, previousCycle, type BillingCycle } from './cycle';
export {
  billingConfigSchema,
  freePlanSchema,
  subscriptionPlanSchema,
  planSchema,
  modelCostSchema,
  rateLimitPlanSchema,
  parseBillingConfig,
  planById,
  platformPriceTable,
  rateLimitBuckets,
  planGate,
  DEFAULT_BILLING_CONFIG,
  type BillingConfig,
  type Plan,
  type PlanGate,
  type RateLimitPlan,
} from './plans';
export { computeUsageMeters, type UsageMeters, type UsageRow, type ModelTokenMeter } from './meters';
export { detectCostSpike, type CostSpikeDecision } from './cost-spike';
export { tlv, crc16CcittFalse, withCrc, parseTlv } from './payments/emvco';
export {
  NAPAS_GUID,
  VIETQR_SERVICE_TO_ACCOUNT,
  vietQrAccountSchema,
  vietQrAccountFromEnv,
  generateTransferMemo,
  findTransferMemo,
  buildVietQrPayload,
  vietQrSvg,
  vietQrPngDataUrl,
  type VietQrAccount,
} from './payments/vietqr';
export {
  VNPAY_RSP,
  vnpaySignData,
  vnpayDate,
  createVnpayPaymentUrl,
  verifyVnpayQuery,
  type VnpayConfig,
  type VnpayResult,
  type VnpayIpnResponse,
} from './payments/vnpay';
export {
  createMomoPayment,
  verifyMomoIpn,
  momoCreateRawSignature,
  momoIpnRawSignature,
  momoIpnSchema,
  type MomoConfig,
  type MomoIpn,
} from './payments/momo';
export { createStripeCheckoutSession, verifyStripeWebhook, signStripeStyle, stripeEventSchema, type StripeConfig, type StripeEvent } from './payments/stripe';
export { hmacHex, safeEqualHex, verifyTimestampedSignature } from './payments/signatures';
export { createPlanRateGuard, rateLimitErrorOf, type PlanRateGuard, type PlanRateGuardOptions, type RateGuardDecision } from './rate-limits';

/**
 * @agent-chatbot/billing/pg — the Postgres side: apply {@link BILLING_SCHEMA_SQL} as a runtime
 * migration, then pass the runtime's `Db` (it satisfies {@link BillingDb}) to these functions.
 */
export { BILLING_SCHEMA_SQL } from './schema';
export { toInt, requireUuid, type BillingDb, type BillingTx } from './db';
export { createPgMeter, capOf, type PgMeter, type PgMeterOptions, type PgMeterSummary } from './meter';
export {
  budgetAlert,
  insertAlert,
  insertBudgetAlerts,
  reachedThresholds,
  listAlerts,
  acknowledgeAlert,
  type BillingAlert,
  type StoredBillingAlert,
} from './alerts';
export {
  appendLedgerEntry,
  walletBalance,
  listLedgerEntries,
  adjustWallet,
  ledgerEntryInputSchema,
  type LedgerKind,
  type LedgerEntry,
  type LedgerEntryInput,
  type WalletBalance,
} from './ledger';
export { loadUsageMeters, recordBotReply, recordBotReplyIn, recordStorageBytes } from './usage';
export { issueMonthlyInvoice, issueMonthlyInvoices, listInvoices, invoiceLines, type Invoice, type InvoiceLine } from './invoices';
export {
  createPaymentOrder,
  applyPaymentNotification,
  getPayment,
  topUpAmountSchema,
  type PaymentMethod,
  type PaymentNotification,
  type PaymentOutcome,
} from './payments';
export {
  createVietQrTopUp,
  handleBankNotification,
  bankNotificationSchema,
  confirmBankTransferByAdmin,
  createVnpayTopUp,
  handleVnpayIpn,
  createMomoTopUp,
  handleMomoIpn,
  createStripeTopUp,
  handleStripeWebhook,
} from './topups';
export {
  updateBillingAccount,
  setFaqOnly,
  liftFaqOnly,
  checkCostSpikes,
  getBillingStatus,
  releaseStaleReservations,
  type BillingStatus,
} from './controls';

/** React Query keys of the billing, support and platform-console pages. */

/** Billing keys (all start with `billing`, so one invalidation refreshes the page and the banner). */
export const billingKeys = {
  status: ['billing', 'status'] as const,
  alerts: ['billing', 'alerts'] as const,
  ledger: ['billing', 'ledger'] as const,
  invoices: ['billing', 'invoices'] as const,
  plans: ['billing', 'plans'] as const,
};

/** Support ticket keys. */
export const supportKeys = {
  list: ['support', 'tickets'] as const,
  ticket: (id: string) => ['support', 'tickets', id] as const,
  adminList: (status: string) => ['admin', 'support', status] as const,
  adminTicket: (id: string) => ['admin', 'support', 'ticket', id] as const,
};

/** Platform console keys. */
export const consoleKeys = {
  overview: (cycle: string) => ['admin', 'billing', 'overview', cycle] as const,
  config: ['admin', 'billing', 'config'] as const,
  health: ['admin', 'system', 'health'] as const,
  platformLlm: ['admin', 'platform-llm'] as const,
};

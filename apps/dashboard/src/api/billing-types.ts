/**
 * Shapes of the billing API. The runtime documents these responses as free-form JSON objects
 * (`apps/runtime/src/billing/billing-json.ts` builds them), so the dashboard names them here; the
 * request bodies and the admin console's typed routes come from the generated client.
 */
import type { components, paths } from './generated/openapi';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

/** A stored budget or cost-spike alert. */
export interface BillingAlert {
  id: string;
  kind: 'budget' | 'cost_spike';
  key: string;
  details: { cycle?: string; percent?: number; spentVnd?: number; capVnd?: number; message?: string; messageVi?: string } & Record<string, unknown>;
  created_at: string;
  acknowledged_at: string | null;
}

/** One model's usage this cycle. */
export interface ModelUsage {
  provider: string;
  model: string;
  key_source: 'own' | 'platform';
  tokens_in: number;
  tokens_out: number;
  cost_vnd: number;
}

/** `GET /v1/tenant/billing`. */
export interface BillingStatus {
  tenant_id: string;
  cycle: string;
  plan: { id: string; kind: 'free' | 'subscription'; name: string; name_vi: string; included_chats: number };
  balance_vnd: number;
  budget: { cap_vnd: number; spent_vnd: number; reserved_vnd: number; used_percent: number | null };
  usage: {
    chats: number;
    chats_included: number;
    overage_chats: number;
    messages: number;
    embedding_tokens: number;
    storage_bytes: number;
    platform_cost_vnd: number;
    models: ModelUsage[];
  };
  mode: 'full' | 'faq-only';
  offer_human: boolean;
  mode_reason: string | null;
  faq_only: { reason: string; since: string | null } | null;
  alerts?: BillingAlert[];
}

/** One ledger entry. */
export interface LedgerEntry {
  id: string;
  kind: string;
  amount_vnd: number;
  reference: string | null;
  description: string | null;
  created_at: string;
}

/** One monthly invoice. */
export interface Invoice {
  id: string;
  number: string;
  cycle: string;
  plan_id: string;
  status: 'issued' | 'paid' | 'void';
  total_vnd: number;
  issued_at: string;
  pdf_url: string;
}

/** `POST /v1/tenant/billing/topups` for VietQR. */
export interface VietQrTopUp {
  method: 'vietqr';
  payment_id: string;
  amount_vnd: number;
  memo: string;
  payload: string;
  qr_svg: string;
  qr_png_data_url: string;
  account: { bank_bin: string; account_number: string; account_name: string | null };
}

/** `POST /v1/tenant/billing/topups` for a gateway (redirect to `payment_url`). */
export interface GatewayTopUp {
  method: 'vnpay' | 'momo' | 'stripe';
  payment_id: string;
  amount_vnd: number;
  order_ref: string;
  payment_url: string;
}

/** A top-up answer. */
export type TopUp = VietQrTopUp | GatewayTopUp;

/** A payment method. */
export type PaymentMethod = 'vietqr' | 'vnpay' | 'momo' | 'stripe';

/** `GET /v1/plans`. */
export type PublicPlans = Json<paths['/v1/plans']['get']['responses'][200]>;
/** A support ticket with its messages. */
export type SupportTicket = Json<paths['/v1/tenant/support/tickets/{id}']['get']['responses'][200]>;
/** A support ticket in a list. */
export type SupportTicketSummary = Json<paths['/v1/tenant/support/tickets']['get']['responses'][200]>['items'][number];
/** `GET /v1/admin/billing/overview`. */
export type MoneyOverview = Json<paths['/v1/admin/billing/overview']['get']['responses'][200]>;
/** `GET /v1/admin/system/health`. */
export type SystemHealth = Json<paths['/v1/admin/system/health']['get']['responses'][200]>;
/** `GET /v1/admin/platform-llm`. */
export type PlatformLlm = Json<paths['/v1/admin/platform-llm']['get']['responses'][200]>;
/** The bilingual error body. */
export type ErrorBody = components['schemas']['Error'];

/** `YYYY-MM` of `at` in Vietnam time (UTC+7, no daylight saving), like the runtime's cycles. */
export function cycleIdOf(at: Date = new Date()): string {
  const local = new Date(at.getTime() + 7 * 60 * 60 * 1000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The alerts to show now: unacknowledged budget alerts of this cycle (by their details or key) and
 * unacknowledged cost-spike alerts, highest percent first.
 */
export function alertsToShow(alerts: readonly BillingAlert[], cycle: string = cycleIdOf()): BillingAlert[] {
  return alerts
    .filter((a) => a.acknowledged_at === null)
    .filter((a) => a.kind === 'cost_spike' || a.details.cycle === cycle || a.key.startsWith(`budget:${cycle}:`))
    .sort((x, y) => (y.details.percent ?? 101) - (x.details.percent ?? 101));
}

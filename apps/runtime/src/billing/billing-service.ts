/**
 * The billing state of one runtime process: the platform's plans and prices, the Postgres meter
 * the tenant bots reserve budget through, the plan gate (FAQ-only) and plan lookups cached a few
 * seconds (they run on every message), and the mailer alerts go out through. One per runtime,
 * created on first use; tests may pass their own mailer or configuration with {@link configureBilling}.
 */
import { statSync } from 'node:fs';
import { BudgetExceededError, type EngineConfig } from '@agent-chatbot/core';
import { planById, platformPriceTable, type BillingConfig, type Plan, type PlanGate } from '@agent-chatbot/billing';
import { createPgMeter, getBillingStatus, recordBotReply, type BillingAlert, type PgMeter } from '@agent-chatbot/billing/pg';
import type { Logger } from 'pino';
import type { RateLimiterV1 } from '@agent-chatbot/core';
import type { RuntimeConfig } from '../config';
import type { Db } from '../db/types';
import { createMailer, type Mailer } from '../mail/mailer';
import { loadBillingConfig, type BillingSettings } from './billing-settings';

/** The slice of the runtime billing uses (a full `Runtime` fits). */
export interface BillingRuntime {
  readonly config: Pick<RuntimeConfig, 'smtpUrl' | 'mailFrom' | 'publicUrl'> & { readonly billing?: BillingSettings };
  readonly db: Db;
  readonly rateLimiter: RateLimiterV1;
  readonly logger: Logger;
}

/** Overrides for {@link configureBilling} (tests, embedding). */
export interface BillingOverrides {
  readonly mailer?: Mailer;
  readonly config?: BillingConfig;
  /** How long plan gates and plans stay cached (default 5 s). */
  readonly cacheMs?: number;
  /**
   * How often the plans/prices file (`CHATBOT_BILLING_CONFIG`) is checked for a change saved by
   * another process (default 30 s). Only when the configuration came from that file.
   */
  readonly reloadMs?: number;
}

/** One runtime's billing state (see the file header). */
export interface BillingState {
  readonly config: BillingConfig;
  readonly settings: BillingSettings | undefined;
  readonly meter: PgMeter;
  readonly mailer: Mailer;
  readonly cacheMs: number;
  readonly gates: Map<string, { readonly at: number; readonly gate: PlanGate }>;
  readonly plans: Map<string, { readonly at: number; readonly plan: Plan }>;
  /** Background writes (alert mails, bot-reply meters); awaited by {@link billingIdle}. */
  readonly pending: Set<Promise<unknown>>;
  /** The config file this state was read from, and when it was last checked for a change. */
  readonly source?: { readonly path: string; mtimeMs: number; checkedAt: number; readonly reloadMs: number };
}

const states = new WeakMap<object, BillingState>();
const listeners = new WeakMap<object, Array<(config: BillingConfig) => void>>();

/** Calls `listener` whenever this runtime's plans and prices change (saved or reloaded). */
export function onBillingConfigChange(runtime: BillingRuntime, listener: (config: BillingConfig) => void): void {
  listeners.set(runtime, [...(listeners.get(runtime) ?? []), listener]);
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** Re-reads the config file when another process saved it (checked every `reloadMs`). */
function reloadIfChanged(runtime: BillingRuntime, state: BillingState): BillingState {
  const source = state.source;
  if (!source || Date.now() - source.checkedAt < source.reloadMs) return state;
  source.checkedAt = Date.now();
  const mtimeMs = mtimeOf(source.path);
  if (mtimeMs === source.mtimeMs) return state;
  try {
    const config = loadBillingConfig(runtime.config.billing);
    runtime.logger.info({ path: source.path }, 'billing configuration reloaded');
    return replaceBillingConfig(runtime, config);
  } catch (error) {
    // A half-written or invalid file keeps the running prices; the next check tries again.
    runtime.logger.warn({ err: error, path: source.path }, 'billing configuration not reloaded');
    return state;
  }
}
const MAX_CACHED = 5_000;

/** Sets this runtime's billing overrides; call before the first message (drops cached state). */
export function configureBilling(runtime: BillingRuntime, overrides: BillingOverrides): BillingState {
  const state = createState(runtime, overrides);
  states.set(runtime, state);
  return state;
}

/** This runtime's billing state (created on first use from `config.billing`). */
export function billingOf(runtime: BillingRuntime): BillingState {
  let state = states.get(runtime);
  if (!state) {
    state = createState(runtime, {});
    states.set(runtime, state);
  }
  return state.source ? reloadIfChanged(runtime, state) : state;
}

/**
 * Swaps this process's plans and prices (the admin saved new ones): a new meter with the new price
 * table, the same mailer, and empty plan/gate caches. Returns the new state.
 */
export function replaceBillingConfig(runtime: BillingRuntime, config: BillingConfig): BillingState {
  const old = states.get(runtime) ?? billingOf(runtime);
  const next = createState(runtime, { mailer: old.mailer, config, cacheMs: old.cacheMs, ...(old.source ? { reloadMs: old.source.reloadMs } : {}) });
  // Saved from (or reloaded from) the file: keep watching it, from its current version.
  const path = runtime.config.billing?.configPath;
  const state: BillingState =
    old.source && path ? { ...next, source: { path, mtimeMs: mtimeOf(path), checkedAt: Date.now(), reloadMs: old.source.reloadMs } } : next;
  states.set(runtime, state);
  for (const listener of listeners.get(runtime) ?? []) listener(config);
  return state;
}

function createState(runtime: BillingRuntime, overrides: BillingOverrides): BillingState {
  const settings = runtime.config.billing;
  const fromFile = overrides.config === undefined && settings?.configPath !== undefined;
  const mtimeMs = fromFile ? mtimeOf(settings.configPath!) : -1;
  const config = overrides.config ?? loadBillingConfig(settings);
  const mailer = overrides.mailer ?? createMailer({ smtpUrl: runtime.config.smtpUrl, from: runtime.config.mailFrom, logger: runtime.logger });
  const pending = new Set<Promise<unknown>>();
  const state: BillingState = {
    ...(fromFile ? { source: { path: settings!.configPath!, mtimeMs, checkedAt: Date.now(), reloadMs: overrides.reloadMs ?? 30_000 } } : {}),
    config,
    settings,
    mailer,
    cacheMs: overrides.cacheMs ?? 5_000,
    gates: new Map(),
    plans: new Map(),
    pending,
    meter: createPgMeter({
      db: runtime.db,
      prices: platformPriceTable(config),
      defaultCapVnd: config.defaultMonthlyCapVnd,
      // Platform-key usage is pay-as-you-go: a reservation the wallet cannot cover is refused (402).
      enforceCredits: true,
      alertThresholdsPercent: config.alertThresholdsPercent,
      // Fired after commit; mailing must never fail or slow the reply that crossed the threshold.
      onAlert: (alert) => {
        track(state, mailBudgetAlert(runtime, mailer, alert), runtime.logger);
      },
    }),
  };
  return state;
}

/** Runs `task` in the background, logging (never throwing) its failure. */
export function track(state: BillingState, task: Promise<unknown>, logger?: Logger): void {
  const guarded = task.catch((error: unknown) => logger?.error({ err: error }, 'billing background task failed'));
  state.pending.add(guarded);
  void guarded.finally(() => state.pending.delete(guarded));
}

/** Resolves when background billing work (alert mails, reply meters) has finished. */
export async function billingIdle(runtime: BillingRuntime): Promise<void> {
  const state = billingOf(runtime);
  while (state.pending.size > 0) await Promise.allSettled([...state.pending]);
}

/**
 * The meter the engine reserves through before each model call: the Postgres meter with the
 * platform price table (cost + margin), the tenant's hard monthly cap (its own or the default)
 * and prepaid credits enforced for platform-key usage. Own-key calls reserve 0 and are recorded
 * non-billable. Plug into the tenant bots with `configureTenantBots(runtime, { meterForTenant })`.
 *
 * It also enforces the plan gate: while the tenant is FAQ-only (Free plan past its chats, cost
 * spike, admin) every model reservation is refused with a 402 whose details say `faq_only`, so the
 * engine answers without a model — a direct FAQ/product match, else the fallback that offers a
 * person — exactly the FAQ-only behaviour, through the hook the bots already have.
 */
export function meterForTenant(runtime: BillingRuntime, tenantId: string): PgMeter {
  const { meter } = billingOf(runtime);
  return {
    ...meter,
    async authorize(input) {
      const gate = await planGateForTenant(runtime, input.tenantId || tenantId);
      if (gate.mode === 'faq-only') {
        throw new BudgetExceededError(
          'The tenant is in FAQ-only mode: no model calls',
          'Cửa hàng đang ở chế độ chỉ trả lời câu hỏi thường gặp: không gọi mô hình',
          { details: { reason: 'faq_only', gate: gate.reason ?? null, offerHuman: gate.offerHuman } },
        );
      }
      return meter.authorize(input);
    },
  };
}

function remember<T>(map: Map<string, { at: number } & T>, key: string, value: { at: number } & T): void {
  if (map.size >= MAX_CACHED) map.delete(map.keys().next().value ?? '');
  map.set(key, value);
}

/**
 * How the tenant's bot may answer now: `full`, or `faq-only` (Free plan past its included chats —
 * with an offer of a person — or a cost spike / admin switch). Cached a few seconds per tenant.
 */
export async function planGateForTenant(runtime: BillingRuntime, tenantId: string): Promise<PlanGate> {
  const state = billingOf(runtime);
  const cached = state.gates.get(tenantId);
  if (cached && Date.now() - cached.at < state.cacheMs) return cached.gate;
  const status = await getBillingStatus(runtime.db, { tenantId, config: state.config });
  remember(state.gates, tenantId, { at: Date.now(), gate: status.gate });
  remember(state.plans, tenantId, { at: Date.now(), plan: status.plan });
  return status.gate;
}

/** The tenant's plan (its billing override, else `tenants.plan`, else free), cached a few seconds. */
export async function planOfTenant(runtime: BillingRuntime, tenantId: string): Promise<Plan> {
  const state = billingOf(runtime);
  const cached = state.plans.get(tenantId);
  if (cached && Date.now() - cached.at < state.cacheMs) return cached.plan;
  const { rows } = await runtime.db.tenant(tenantId, (tx) =>
    tx.query<{ plan_id: string }>(
      `SELECT coalesce(a.plan_id, t.plan, 'free') AS plan_id FROM tenants t LEFT JOIN billing_accounts a ON a.tenant_id = t.id WHERE t.id = $1`,
      [tenantId],
    ),
  );
  // An unknown plan id falls back to the first (most restrictive) plan for rate limits only:
  // limiting must not fail open, and the status endpoint reports the misconfiguration as a 400.
  const planId = rows[0]?.plan_id ?? 'free';
  const plan = state.config.plans.find((p) => p.id === planId) ?? planById(state.config, state.config.plans[0]!.id);
  remember(state.plans, tenantId, { at: Date.now(), plan });
  return plan;
}

/** Drops a tenant's cached gate and plan (after a FAQ-only lift, a plan change, a top-up). */
export function forgetBillingCache(runtime: BillingRuntime, tenantId: string): void {
  const state = billingOf(runtime);
  state.gates.delete(tenantId);
  state.plans.delete(tenantId);
}

/**
 * Applies a plan gate to an engine configuration: in FAQ-only mode the engine gets no models, so
 * it answers from direct FAQ matches and otherwise falls back (offering a person) — no model call.
 */
export function applyPlanGate(config: EngineConfig, gate: PlanGate): EngineConfig {
  return gate.mode === 'faq-only' ? { ...config, models: { cheap: [], premium: [] } } : config;
}

/**
 * Records a stored bot reply for the chat and message meters (idempotent on the message id). The
 * tenant bots call it for every stored reply (via the `reply.generated` event).
 */
export async function recordBotReplyFor(
  runtime: BillingRuntime,
  input: { tenantId: string; conversationId: string; messageId: string; occurredAt?: Date },
): Promise<void> {
  await recordBotReply(runtime.db, input);
  // The gate depends on the chat count: the next message re-reads it once the cache expires.
}

/** E-mail addresses of a tenant's admins (enabled users). */
export async function tenantAdminEmails(db: Db, tenantId: string): Promise<string[]> {
  const { rows } = await db.platform((tx) =>
    tx.query<{ email: string }>(
      `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.tenant_id = $1 AND m.role = 'tenant-admin' AND u.disabled_at IS NULL ORDER BY u.email`,
      [tenantId],
    ),
  );
  return rows.map((row) => row.email);
}

/** E-mail addresses of the platform admins (enabled users). */
export async function platformAdminEmails(db: Db): Promise<string[]> {
  const { rows } = await db.platform((tx) =>
    tx.query<{ email: string }>('SELECT email FROM users WHERE is_platform_admin AND disabled_at IS NULL ORDER BY email'),
  );
  return rows.map((row) => row.email);
}

/** Mails a budget alert (80 % / 100 % of the monthly cap) to the tenant's admins. */
export async function mailBudgetAlert(runtime: BillingRuntime, mailer: Mailer, alert: BillingAlert): Promise<number> {
  const to = await tenantAdminEmails(runtime.db, alert.tenantId);
  const percent = typeof alert.details['percent'] === 'number' ? alert.details['percent'] : undefined;
  const subject = `Cảnh báo ngân sách${percent === undefined ? '' : ` ${percent}%`} · Budget alert`;
  const text = `${alert.messageVi}\n\n${alert.message}\n\nXem chi tiết / Details: ${runtime.config.publicUrl}/#/billing`;
  for (const address of to) await mailer.send({ to: address, subject, text });
  return to.length;
}

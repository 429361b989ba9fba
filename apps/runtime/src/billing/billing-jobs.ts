/**
 * Billing's scheduled jobs: `billing.invoices` (daily; issues last month's invoices — idempotent,
 * so running it again issues nothing new — then e-mails each new invoice to the tenant's admins),
 * `billing.cost-spikes` (every 5 minutes; a spiking platform-key tenant goes FAQ-only and the
 * platform admins are e-mailed) and `billing.release-stale` (every 5 minutes; frees reservations
 * of replies whose process died between authorize and record).
 */
import { formatVnd } from '@agent-chatbot/billing';
import { checkCostSpikes, issueMonthlyInvoices, releaseStaleReservations, type BillingAlert, type Invoice } from '@agent-chatbot/billing/pg';
import type { JobQueue } from '../jobs/index';
import { billingOf, forgetBillingCache, platformAdminEmails, tenantAdminEmails, type BillingRuntime } from './billing-service';

/** Job names. */
export const BILLING_JOBS = { invoices: 'billing.invoices', costSpikes: 'billing.cost-spikes', releaseStale: 'billing.release-stale' } as const;

function invoiceMail(runtime: BillingRuntime, invoice: Invoice) {
  const url = `${runtime.config.publicUrl}/v1/tenant/billing/invoices/${invoice.id}/pdf`;
  return {
    subject: `Hóa đơn ${invoice.number} kỳ ${invoice.cycle} · Invoice ${invoice.number} (${invoice.cycle})`,
    text: [
      `Hóa đơn kỳ ${invoice.cycle} của bạn đã được phát hành: số ${invoice.number}, tổng cộng ${formatVnd(invoice.totalVnd)}.`,
      `Tải bản PDF (đăng nhập trang quản trị): ${url}`,
      '',
      `Your invoice for ${invoice.cycle} was issued: number ${invoice.number}, total ${invoice.totalVnd} VND.`,
      `Download the PDF (signed in to the dashboard): ${url}`,
    ].join('\n'),
  };
}

/** Runs `billing.invoices` once: issues the previous cycle's invoices and mails the new ones. */
export async function runInvoiceJob(runtime: BillingRuntime, options: { now?: Date; cycle?: string } = {}) {
  const state = billingOf(runtime);
  const result = await issueMonthlyInvoices(runtime.db, { config: state.config, ...options });
  let mailed = 0;
  for (const invoice of result.created) {
    const mail = invoiceMail(runtime, invoice);
    for (const to of await tenantAdminEmails(runtime.db, invoice.tenantId)) {
      // A mail failure must not undo or repeat the invoice (it is stored once); it is logged.
      await state.mailer.send({ to, ...mail }).then(
        () => (mailed += 1),
        (error: unknown) => runtime.logger.warn({ err: error, invoiceId: invoice.id }, 'invoice mail failed'),
      );
    }
  }
  for (const failure of result.failed) runtime.logger.error({ err: failure.error, tenantId: failure.tenantId }, 'invoice issue failed');
  return { created: result.created.length, existing: result.existing, failed: result.failed.length, mailed };
}

function spikeMail(alert: BillingAlert, publicUrl: string) {
  return {
    subject: `Chi phí tăng đột biến: cửa hàng ${alert.tenantId} chuyển sang chỉ FAQ · Cost spike: tenant switched to FAQ-only`,
    text: `${alert.messageVi}\nCửa hàng / Tenant: ${alert.tenantId}\n\n${alert.message}\n\nGỡ / Lift: POST ${publicUrl}/v1/admin/billing/tenants/${alert.tenantId}/faq-only/lift`,
  };
}

/** Runs `billing.cost-spikes` once; returns the alerts raised (each mailed to every platform admin). */
export async function runCostSpikeJob(runtime: BillingRuntime, options: { now?: Date } = {}): Promise<BillingAlert[]> {
  const state = billingOf(runtime);
  const spike = state.settings?.costSpike ?? { multiple: 5, platformThresholdVnd: 2_000_000 };
  const alerts = await checkCostSpikes(runtime.db, { multiple: spike.multiple, threshold: spike.platformThresholdVnd, ...options });
  const admins = alerts.length ? await platformAdminEmails(runtime.db) : [];
  for (const alert of alerts) {
    forgetBillingCache(runtime, alert.tenantId);
    for (const to of admins) {
      await state.mailer
        .send({ to, ...spikeMail(alert, runtime.config.publicUrl) })
        .catch((error: unknown) => runtime.logger.warn({ err: error, tenantId: alert.tenantId }, 'cost-spike mail failed'));
    }
  }
  return alerts;
}

/** Declares the billing job handlers (before `jobs.start()`). */
export function registerBillingJobs(runtime: BillingRuntime, jobs: Pick<JobQueue, 'register'>): void {
  jobs.register(BILLING_JOBS.invoices, async () => void (await runInvoiceJob(runtime)), { retryLimit: 3, concurrency: 1 });
  jobs.register(BILLING_JOBS.costSpikes, async () => void (await runCostSpikeJob(runtime)), { retryLimit: 0, concurrency: 1 });
  jobs.register(BILLING_JOBS.releaseStale, async () => void (await releaseStaleReservations(runtime.db)), { retryLimit: 0, concurrency: 1 });
}

/** Creates the billing schedules (after `jobs.start()`). */
export async function scheduleBillingJobs(jobs: Pick<JobQueue, 'schedule'>): Promise<void> {
  // 00:30 in Vietnam every day: on the 1st it issues last month's invoices; other days find nothing new.
  await jobs.schedule(BILLING_JOBS.invoices, '30 0 * * *', {}, { tz: 'Asia/Ho_Chi_Minh' });
  await jobs.schedule(BILLING_JOBS.costSpikes, '*/5 * * * *', {});
  await jobs.schedule(BILLING_JOBS.releaseStale, '*/5 * * * *', {});
}

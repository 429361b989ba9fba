/**
 * CLI: `agent-chatbot billing topup --tenant ID --amount VND --method vietqr --json` (prints the
 * EMVCo `payload`, the transfer `memo`, `amount`, `paymentId`) and `agent-chatbot billing balance
 * --tenant ID --json` (balance and this cycle's usage).
 */
import { createVietQrTopUp, getBillingStatus } from '@agent-chatbot/billing/pg';
import { formatVnd } from '@agent-chatbot/billing';
import type { CommandDef } from '../cli/command-table';
import { usageError } from '../cli/output';
import { getTenant } from '../tenants/tenant-service';
import { loadBillingConfig } from './billing-settings';

type Values = Record<string, string | boolean | undefined>;

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  throw usageError(`Missing --${name}`, `Thiếu tham số --${name}`);
}

/** The `billing …` commands (spread into `COMMANDS`). */
export const billingCommands: readonly CommandDef[] = [
  {
    name: 'billing topup',
    summaryVi: 'Tạo lệnh nạp tiền VietQR cho một cửa hàng (in payload QR và nội dung chuyển khoản)',
    summaryEn: 'Create a VietQR top-up for a tenant (prints the QR payload and transfer memo)',
    usage: 'agent-chatbot billing topup --tenant ID|SLUG --amount VND [--method vietqr] [--json]',
    options: { tenant: { type: 'string' }, amount: { type: 'string' }, method: { type: 'string' } },
    async run(env, values) {
      const method = typeof values['method'] === 'string' ? values['method'] : 'vietqr';
      if (method !== 'vietqr') {
        throw usageError('Only --method vietqr works from the CLI (VNPay, MoMo and Stripe need a browser redirect)', 'CLI chỉ hỗ trợ --method vietqr (VNPay, MoMo, Stripe cần chuyển hướng trình duyệt)');
      }
      const amountText = required(values, 'amount');
      if (!/^\d+$/.test(amountText)) throw usageError('--amount must be a whole number of VND', '--amount phải là số nguyên đồng');
      const account = env.config.billing?.vietQr;
      if (!account) {
        throw usageError(
          'VietQR is not configured: set CHATBOT_VIETQR_BANK_BIN and CHATBOT_VIETQR_ACCOUNT_NUMBER',
          'Chưa cấu hình VietQR: đặt CHATBOT_VIETQR_BANK_BIN và CHATBOT_VIETQR_ACCOUNT_NUMBER',
        );
      }
      const tenant = await getTenant(env.db, required(values, 'tenant'));
      const topUp = await createVietQrTopUp(env.db, { tenantId: tenant.id, amountVnd: Number(amountText), account });
      return {
        json: { tenantId: tenant.id, paymentId: topUp.paymentId, method: 'vietqr', amount: topUp.amount, memo: topUp.memo, payload: topUp.payload, account: topUp.account },
        text: [
          `Lệnh nạp / Top-up ${formatVnd(topUp.amount)} cho / for ${tenant.slug}`,
          `  Nội dung chuyển khoản / Transfer memo: ${topUp.memo}`,
          `  Tài khoản / Account: ${account.bankBin} ${account.accountNumber}${account.accountName ? ` (${account.accountName})` : ''}`,
          `  VietQR payload: ${topUp.payload}`,
        ].join('\n'),
      };
    },
  },
  {
    name: 'billing balance',
    summaryVi: 'Xem số dư và mức dùng kỳ này của một cửa hàng',
    summaryEn: "Show a tenant's balance and this cycle's usage",
    usage: 'agent-chatbot billing balance --tenant ID|SLUG [--json]',
    options: { tenant: { type: 'string' } },
    async run(env, values) {
      const tenant = await getTenant(env.db, required(values, 'tenant'));
      const status = await getBillingStatus(env.db, { tenantId: tenant.id, config: loadBillingConfig(env.config.billing) });
      const json = {
        tenantId: tenant.id,
        cycle: status.cycle,
        plan: status.plan.id,
        balanceVnd: status.balanceVnd,
        budget: status.budget,
        usage: status.usage,
        mode: status.gate.mode,
        faqOnly: status.faqOnly,
      };
      return {
        json,
        text: [
          `${tenant.name} (${tenant.slug}) — kỳ / cycle ${status.cycle}, gói / plan ${status.plan.nameVi} (${status.plan.id})`,
          `  Số dư / Balance: ${formatVnd(status.balanceVnd)}`,
          `  Chi phí mô hình / Model spend: ${formatVnd(status.budget.spentVnd)} / hạn mức / cap ${formatVnd(status.budget.capVnd)}`,
          `  Cuộc chat / Chats: ${status.usage.chats}/${status.plan.includedChats}, tin nhắn / messages: ${status.usage.messages}`,
          `  Chế độ / Mode: ${status.gate.mode}`,
        ].join('\n'),
      };
    },
  },
];

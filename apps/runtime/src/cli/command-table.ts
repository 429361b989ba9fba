import type { ParseArgsOptionsConfig } from 'node:util';
import type { RuntimeConfig } from '../config';
import { chatCommand } from '../bots/chat-command';
import { setLlmCommand } from '../llm/set-llm-command';
import { channelCommands } from '../channels/channel-commands';
import { widgetCommands } from '../widget/widget-commands';
import { migrate } from '../db/migrate';
import type { Db } from '../db/types';
import { rotateSecrets } from '../secrets/rotate';
import type { SecretBox } from '../secrets/secret-box';
import { createApiKey } from '../tenants/api-key-service';
import { createTenantWithAdmin, getTenant, listTenants, setTenantStatus, type TenantSummary } from '../tenants/tenant-service';
import { createUser } from '../users/user-service';
import { table, usageError } from './output';
import type { JobQueue } from '../jobs/index';
import type { Runtime } from '../runtime';
import { opsCommands } from '../ops/commands';
import { billingCommands } from '../billing/billing-commands';
import { knowledgeCommands } from '../knowledge/cli-commands';

/** What a data command runs against: the server's runtime (over the socket) or one opened for it. */
export interface CommandEnv {
  readonly config: RuntimeConfig;
  readonly db: Db;
  readonly secretBox: SecretBox;
  /** True when running inside `serve` on behalf of a CLI process. */
  readonly inServer: boolean;
  /** The server's job queue (inside `serve` only); other commands open a queue when they need one. */
  readonly jobs?: JobQueue;
  /** The server's runtime (inside `serve` only): `chat` answers through it, as a customer is answered. */
  readonly runtime?: Runtime;
}

type Values = Record<string, string | boolean | undefined>;

/** One CLI command. */
export interface CommandDef {
  readonly name: string;
  readonly summaryVi: string;
  readonly summaryEn: string;
  readonly usage: string;
  readonly options: ParseArgsOptionsConfig;
  /** Names of required positional arguments after the command words. */
  readonly positionals?: readonly string[];
  /** Long-running process commands (`serve`, `worker`) never go over the control socket. */
  readonly process?: boolean;
  /** The last positional takes one or more values (`kb add --tenant T FILE...`). */
  readonly variadic?: boolean;
  /** Rewrites argv before it goes to a running server (e.g. file paths made absolute). */
  forServer?(argv: readonly string[], cwd: string): string[];
  /** How long the CLI waits for the server's answer (default 120 s; ingestion takes longer). */
  readonly serverTimeoutMs?: number;
  run?(env: CommandEnv, values: Values, positionals: string[]): Promise<{ json: unknown; text: string }>;
}

const str = (values: Values, name: string, required = true): string | undefined => {
  const v = values[name];
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (required) throw usageError(`Missing --${name}`, `Thiếu tham số --${name}`);
  return undefined;
};

const tenantJson = (t: TenantSummary) => ({ id: t.id, name: t.name, slug: t.slug, plan: t.plan, status: t.status, createdAt: t.createdAt });

const statusCommand = (status: 'suspended' | 'active'): CommandDef => ({
  name: status === 'suspended' ? 'tenant suspend' : 'tenant resume',
  summaryVi: status === 'suspended' ? 'Tạm khoá một cửa hàng' : 'Mở lại một cửa hàng đã tạm khoá',
  summaryEn: status === 'suspended' ? 'Suspend a tenant' : 'Resume a suspended tenant',
  usage: `agent-chatbot tenant ${status === 'suspended' ? 'suspend' : 'resume'} <ID|SLUG> [--json]`,
  options: {},
  positionals: ['ID'],
  async run(env, _values, [id]) {
    const t = await setTenantStatus(env.db, id!, status, { kind: 'cli' });
    return {
      json: tenantJson(t),
      text: `${status === 'suspended' ? 'Đã tạm khoá / Suspended' : 'Đã mở lại / Resumed'}: ${t.name} (${t.slug}, ${t.id})`,
    };
  },
});

/** Every command, in help order. */
export const COMMANDS: readonly CommandDef[] = [
  {
    name: 'serve',
    summaryVi: 'Chạy máy chủ HTTP (kèm worker trong cùng tiến trình)',
    summaryEn: 'Run the HTTP server (with in-process workers)',
    usage: 'agent-chatbot serve [--no-worker]',
    options: { 'no-worker': { type: 'boolean' } },
    process: true,
  },
  {
    name: 'worker',
    summaryVi: 'Chỉ chạy worker xử lý job',
    summaryEn: 'Run job workers only',
    usage: 'agent-chatbot worker',
    options: {},
    process: true,
  },
  {
    name: 'migrate',
    summaryVi: 'Áp dụng migration cơ sở dữ liệu',
    summaryEn: 'Apply database migrations',
    usage: 'agent-chatbot migrate [--json]',
    options: {},
    async run(env) {
      const result = await migrate(env.db);
      return {
        json: result,
        text: result.applied.length
          ? `Đã áp dụng / Applied: ${result.applied.join(', ')}`
          : `Cơ sở dữ liệu đã cập nhật / Database up to date (${result.versions.at(-1) ?? '-'})`,
      };
    },
  },
  {
    name: 'tenant create',
    summaryVi: 'Tạo cửa hàng (tenant) và tài khoản quản trị',
    summaryEn: 'Create a tenant and its admin',
    usage: 'agent-chatbot tenant create --name NAME --admin-email E --admin-password P [--slug S] [--plan PLAN] [--json]',
    options: { name: { type: 'string' }, slug: { type: 'string' }, 'admin-email': { type: 'string' }, 'admin-password': { type: 'string' }, plan: { type: 'string' } },
    async run(env, v) {
      const { tenant, admin } = await createTenantWithAdmin(
        env.db,
        { name: str(v, 'name')!, slug: str(v, 'slug', false), adminEmail: str(v, 'admin-email')!, adminPassword: str(v, 'admin-password')!, plan: str(v, 'plan', false) },
        { kind: 'cli' },
      );
      return {
        json: { ...tenantJson(tenant), admin: { id: admin.id, email: admin.email } },
        text: `Đã tạo cửa hàng / Created tenant: ${tenant.name}\n  id:   ${tenant.id}\n  slug: ${tenant.slug}\n  admin: ${admin.email}`,
      };
    },
  },
  {
    name: 'tenant list',
    summaryVi: 'Liệt kê các cửa hàng',
    summaryEn: 'List tenants',
    usage: 'agent-chatbot tenant list [--status active|suspended] [--json]',
    options: { status: { type: 'string' } },
    async run(env, v) {
      const status = str(v, 'status', false);
      if (status !== undefined && status !== 'active' && status !== 'suspended' && status !== 'deleted') {
        throw usageError('--status must be active, suspended or deleted', '--status phải là active, suspended hoặc deleted');
      }
      const tenants = await listTenants(env.db, { status });
      return {
        json: tenants.map((t) => ({ ...tenantJson(t), memberCount: t.memberCount })),
        text: tenants.length
          ? table(tenants.map((t) => ({ id: t.id, slug: t.slug, status: t.status, members: t.memberCount, name: t.name })), ['id', 'slug', 'status', 'members', 'name'])
          : 'Chưa có cửa hàng nào / No tenants yet',
      };
    },
  },
  statusCommand('suspended'),
  statusCommand('active'),
  setLlmCommand,
  chatCommand,
  {
    name: 'user create',
    summaryVi: 'Tạo người dùng (ví dụ quản trị nền tảng)',
    summaryEn: 'Create a user (e.g. a platform admin)',
    usage: 'agent-chatbot user create --platform-admin --email E --password P [--name N] [--json]',
    options: { 'platform-admin': { type: 'boolean' }, email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
    async run(env, v) {
      const user = await createUser(env.db, {
        email: str(v, 'email')!, password: str(v, 'password')!, name: str(v, 'name', false), platformAdmin: v['platform-admin'] === true,
      });
      return {
        json: { id: user.id, email: user.email, name: user.name, isPlatformAdmin: user.isPlatformAdmin, createdAt: user.createdAt },
        text: `Đã tạo người dùng / Created user: ${user.email} (${user.id})${user.isPlatformAdmin ? ' — quản trị nền tảng / platform admin' : ''}`,
      };
    },
  },
  {
    name: 'apikey create',
    summaryVi: 'Tạo API key cho một cửa hàng (chỉ hiển thị một lần)',
    summaryEn: 'Create a tenant API key (shown once)',
    usage: 'agent-chatbot apikey create --tenant ID|SLUG [--name N] [--json]',
    options: { tenant: { type: 'string' }, name: { type: 'string' } },
    async run(env, v) {
      const tenant = await getTenant(env.db, str(v, 'tenant')!);
      const key = await createApiKey(env.db, tenant.id, { name: str(v, 'name', false) });
      return {
        json: { id: key.id, tenantId: key.tenantId, name: key.name, prefix: key.prefix, key: key.key, createdAt: key.createdAt },
        text: `API key cho / for ${tenant.slug} (${key.name}) — chỉ hiển thị một lần / shown once:\n${key.key}`,
      };
    },
  },
  {
    name: 'secrets rotate',
    summaryVi: 'Mã hoá lại mọi bí mật bằng khoá hiện tại (khoá đầu tiên của CHATBOT_SECRET_KEYS)',
    summaryEn: 'Re-encrypt every secret under the current key (first of CHATBOT_SECRET_KEYS)',
    usage: 'agent-chatbot secrets rotate [--json]   (khi serve đang chạy trên PGlite, dùng khoá của serve / with serve running on PGlite, the server\'s keyring is used)',
    options: {},
    async run(env) {
      const r = await rotateSecrets(env.db, env.secretBox);
      return {
        json: r,
        text: `Đã mã hoá lại bằng khoá / Re-encrypted under key ${r.keyId}: ${r.tenantSecrets} tenant secrets, ${r.channelConnections} channel connections, ${r.platformSettings} platform settings`,
      };
    },
  },
  ...channelCommands,
  ...widgetCommands,
  ...opsCommands,
  ...billingCommands,
  ...knowledgeCommands,
];

/** Finds the command the first one or two words name; the rest are its arguments. */
export function findCommand(argv: readonly string[]): { def: CommandDef; rest: string[] } | undefined {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { def: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { def: one, rest: argv.slice(1) } : undefined;
}

/** The general help text. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'agent-chatbot — chatbot đa cửa hàng / multi-tenant chatbot runtime',
    '',
    'Cách dùng / Usage: agent-chatbot <lệnh/command> [--json] [--help]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summaryVi} / ${c.summaryEn}`),
    '',
    'Biến môi trường / Environment: DATABASE_URL, REDIS_URL, CHATBOT_DATA_DIR, PORT, HOST, CHATBOT_SECRET_KEYS, CHATBOT_JWT_SECRET, LOG_LEVEL',
  ].join('\n');
}

/** Help for one command. */
export function commandHelp(def: CommandDef): string {
  return `${def.summaryVi}\n${def.summaryEn}\n\nCách dùng / Usage: ${def.usage}`;
}

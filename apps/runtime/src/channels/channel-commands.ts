/**
 * CLI: `agent-chatbot channel add --tenant ID --type zalo|messenger|telegram|line --config JSON`
 * (prints the webhook URL and verify token to paste into the provider console) and
 * `agent-chatbot channel list --tenant ID`.
 */
import { ValidationError } from '@agent-chatbot/core';
import type { CommandDef } from '../cli/command-table';
import { table } from '../cli/output';
import { getTenant } from '../tenants/tenant-service';
import { createChannelSetup } from './channel-context';
import { addChannel, listChannels, parseChannelType } from './channel-service';

type Values = Record<string, string | boolean | undefined>;

const required = (values: Values, name: string): string => {
  const v = values[name];
  if (typeof v === 'string' && v.trim() !== '') return v;
  throw new ValidationError(`Missing --${name}`, `Thiếu tham số --${name}`);
};

function parseConfig(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('--config must be a JSON object', '--config phải là một đối tượng JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('--config must be a JSON object', '--config phải là một đối tượng JSON');
  }
  return parsed as Record<string, unknown>;
}

/** The `channel add` and `channel list` commands. */
export const channelCommands: readonly CommandDef[] = [
  {
    name: 'channel add',
    summaryVi: 'Kết nối kênh Zalo, Messenger, Telegram hoặc LINE cho một cửa hàng',
    summaryEn: 'Connect a Zalo, Messenger, Telegram or LINE channel to a tenant',
    usage: 'agent-chatbot channel add --tenant ID|SLUG --type zalo|messenger|telegram|line --config JSON [--name N] [--json]',
    options: { tenant: { type: 'string' }, type: { type: 'string' }, config: { type: 'string' }, name: { type: 'string' } },
    async run(env, v) {
      const tenant = await getTenant(env.db, required(v, 'tenant'));
      const type = parseChannelType(typeof v.type === 'string' ? v.type : undefined);
      const config = parseConfig(required(v, 'config'));
      const name = typeof v.name === 'string' ? v.name : undefined;
      const created = await addChannel(createChannelSetup(env), tenant.id, { type, config, ...(name ? { name } : {}) });
      const lines = [
        `Đã kết nối kênh / Channel connected: ${created.type} (${created.id})`,
        `  Webhook URL: ${created.webhook_url}`,
        ...(created.verify_token ? [`  Verify token: ${created.verify_token}`] : []),
        type === 'telegram'
          ? '  Đã đăng ký webhook với Telegram / Webhook registered with Telegram'
          : '  Dán URL trên vào trang quản trị của nhà cung cấp / Paste the URL into the provider console',
      ];
      return { json: created, text: lines.join('\n') };
    },
  },
  {
    name: 'channel list',
    summaryVi: 'Liệt kê các kênh của một cửa hàng',
    summaryEn: 'List a tenant\'s channels',
    usage: 'agent-chatbot channel list --tenant ID|SLUG [--json]',
    options: { tenant: { type: 'string' } },
    async run(env, v) {
      const tenant = await getTenant(env.db, required(v, 'tenant'));
      const items = await listChannels(createChannelSetup(env), tenant.id);
      return {
        json: items,
        text: items.length
          ? table(
              items.map((c) => ({ id: c.id, type: c.type, status: c.status, last_event: c.health.last_event_at ?? '-', webhook_url: c.webhook_url })),
              ['id', 'type', 'status', 'last_event', 'webhook_url'],
            )
          : 'Chưa có kênh nào / No channels yet',
      };
    },
  },
];

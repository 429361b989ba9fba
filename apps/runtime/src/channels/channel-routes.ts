/**
 * Channel setup API: `POST/GET /v1/tenant/channels`, `GET/PATCH/DELETE /v1/tenant/channels/:id`,
 * `POST /v1/tenant/channels/:id/test`. Tenant admins only; credentials are write-only (masked).
 */
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import type { ChannelContext } from './channel-context';
import { CHANNEL_TYPES } from './channel-settings';
import { addChannel, addChannelSchema, getChannel, listChannels, removeChannel, testChannel, updateChannel, updateChannelSchema } from './channel-service';

const channelSchema = z.object({
  id: z.string(),
  type: z.enum(CHANNEL_TYPES),
  name: z.string(),
  status: z.string(),
  external_account_id: z.string().nullable(),
  webhook_url: z.string().meta({ example: 'https://bot.example.vn/webhooks/zalo/7d0c…' }),
  verify_token: z.string().optional(),
  config: z.record(z.string(), z.string()).meta({ description: 'Giá trị bí mật đã che · Secret values masked' }),
  health: z.object({
    last_event_at: z.string().nullable(),
    last_error: z.string().nullable(),
    last_error_at: z.string().nullable(),
    token_expires_at: z.string().nullable(),
  }),
  created_at: z.string(),
  updated_at: z.string(),
});
const idParams = z.object({ id: uuidSchema });
const tags = ['channels'] as const;

/** The channel setup routes over one {@link ChannelContext}. */
export function channelRoutes(context: ChannelContext): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/tenant/channels',
      summary: 'Kết nối kênh (Zalo, Messenger, Telegram, LINE) · Connect a channel',
      description: 'Trả về URL webhook để dán vào trang quản trị của nhà cung cấp · Returns the webhook URL to paste into the provider console.',
      tags,
      access: 'tenant-admin',
      body: addChannelSchema,
      responses: { 201: { description: 'Đã kết nối · Connected', schema: channelSchema } },
      handler: async ({ caller, body, req }) => {
        const created = await addChannel(context, caller.tenantId, body);
        await context.runtime.db.tenant(caller.tenantId, (tx) =>
          recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'channel.add', targetType: 'channel_connection', targetId: created.id, ip: req.ip }),
        );
        return { status: 201, body: created };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/channels',
      summary: 'Danh sách kênh và tình trạng · List channels and their health',
      tags,
      access: 'tenant-admin',
      responses: { 200: { description: 'OK', schema: z.object({ items: z.array(channelSchema) }) } },
      handler: async ({ caller }) => ({ status: 200, body: { items: await listChannels(context, caller.tenantId) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/channels/:id',
      summary: 'Xem một kênh · Get a channel',
      tags,
      access: 'tenant-admin',
      params: idParams,
      responses: { 200: { description: 'OK', schema: channelSchema } },
      handler: async ({ caller, params }) => ({ status: 200, body: await getChannel(context, caller.tenantId, params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/v1/tenant/channels/:id',
      summary: 'Sửa kênh (tên, trạng thái, cấu hình) · Edit a channel',
      tags,
      access: 'tenant-admin',
      params: idParams,
      body: updateChannelSchema,
      responses: { 200: { description: 'OK', schema: channelSchema } },
      handler: async ({ caller, params, body, req }) => {
        const updated = await updateChannel(context, caller.tenantId, params.id, body);
        await context.runtime.db.tenant(caller.tenantId, (tx) =>
          recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'channel.update', targetType: 'channel_connection', targetId: params.id, ip: req.ip }),
        );
        return { status: 200, body: updated };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/v1/tenant/channels/:id',
      summary: 'Gỡ kênh · Remove a channel',
      tags,
      access: 'tenant-admin',
      params: idParams,
      responses: { 204: { description: 'Đã gỡ · Removed' } },
      handler: async ({ caller, params, req }) => {
        await removeChannel(context, caller.tenantId, params.id);
        await context.runtime.db.tenant(caller.tenantId, (tx) =>
          recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'channel.remove', targetType: 'channel_connection', targetId: params.id, ip: req.ip }),
        );
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/channels/:id/test',
      summary: 'Kiểm tra kết nối với nhà cung cấp · Test the provider connection',
      tags,
      access: 'tenant-admin',
      params: idParams,
      responses: { 200: { description: 'OK', schema: z.object({ ok: z.boolean(), details: z.string().optional() }) } },
      handler: async ({ caller, params }) => ({ status: 200, body: await testChannel(context, caller.tenantId, params.id) }),
    }),
  ];
}

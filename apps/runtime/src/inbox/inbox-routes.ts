/**
 * The inbox API under `/v1/tenant/inbox`: the list and one conversation with its contact panel,
 * the agent actions (take over, hand back, close, assign, note, read, reply), the inbox settings
 * and the ticket that opens the live event stream. People only (no API keys): every action is
 * somebody's. One tenant transaction per request; another tenant's conversation is a 404.
 */
import { ForbiddenError } from '@agent-chatbot/core';
import { z } from 'zod';
import type { TenantCaller } from '../auth/caller';
import { defineRoute, type Route } from '../http/route';
import type { Runtime } from '../runtime';
import { addNote, assign, closeConversation, handBack, markRead, reply, takeOver, type ActionTarget } from './inbox-actions';
import { withInboxEvents, type InboxEventBatch } from './inbox-events';
import { inboxDetail, inboxDetailSchema, inboxListQuery, inboxListSchema, listInbox } from './inbox-queries';
import { inboxSettingsPatchSchema, inboxSettingsSchema, loadInboxSettings, saveInboxSettings } from './inbox-settings';
import { issueStreamTicket, STREAM_TICKET_TTL_SECONDS } from './inbox-stream';

/** The person behind a tenant caller (these routes refuse API keys, so there always is one). */
function userIdOf(caller: TenantCaller): string {
  if (caller.kind !== 'user') throw new ForbiddenError('Only people can use the inbox', 'Chỉ nhân viên mới dùng được hộp thư');
  return caller.userId;
}

const idParams = z.object({ id: z.uuid() });
const stateSchema = z.object({
  id: z.string(),
  mode: z.enum(['bot', 'human', 'closed']),
  status: z.string(),
  assignee_id: z.string().nullable(),
  needs_human: z.boolean(),
});
const notFound = { description: 'Không tìm thấy cuộc trò chuyện · Conversation not found' };
const text = z.string().trim().min(1).max(4000);

type Action = (tx: Parameters<Parameters<typeof withInboxEvents>[2]>[0], events: InboxEventBatch, target: ActionTarget) => Promise<z.infer<typeof stateSchema>>;

/** Builds the inbox routes of a runtime. */
export function inboxRoutes(runtime: Runtime): Route[] {
  const target = (caller: TenantCaller, id: string): ActionTarget => ({ tenantId: caller.tenantId, userId: userIdOf(caller), conversationId: id });
  const stateRoute = (path: string, summary: string, action: Action) =>
    defineRoute({
      method: 'post',
      path: `/v1/tenant/inbox/conversations/:id/${path}`,
      summary,
      tags: ['inbox'],
      access: 'tenant-member',
      params: idParams,
      responses: { 200: { description: 'Trạng thái mới · the new state', schema: stateSchema }, 404: notFound },
      handler: async ({ caller, params }) => {
        const t = target(caller, params.id);
        return { status: 200, body: await withInboxEvents(runtime, caller.tenantId, (tx, events) => action(tx, events, t)) };
      },
    });

  return [
    defineRoute({
      method: 'get',
      path: '/v1/tenant/inbox/conversations',
      summary: 'Hộp thư: danh sách cuộc trò chuyện · Inbox: list conversations',
      tags: ['inbox'],
      access: 'tenant-member',
      query: inboxListQuery,
      responses: { 200: { description: 'Mới nhất trước · newest activity first', schema: inboxListSchema } },
      handler: async ({ caller, query }) => {
        const userId = userIdOf(caller);
        return { status: 200, body: await runtime.db.tenant(caller.tenantId, (tx) => listInbox(tx, userId, query)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/inbox/conversations/:id',
      summary: 'Hộp thư: một cuộc trò chuyện và thông tin khách · Inbox: conversation with contact panel',
      tags: ['inbox'],
      access: 'tenant-member',
      params: idParams,
      responses: { 200: { description: 'OK', schema: inboxDetailSchema }, 404: notFound },
      handler: async ({ caller, params }) => {
        const userId = userIdOf(caller);
        return { status: 200, body: await runtime.db.tenant(caller.tenantId, (tx) => inboxDetail(tx, userId, params.id)) };
      },
    }),
    stateRoute('take-over', 'Tiếp nhận (bot ngừng trả lời) · Take over (the bot stops)', takeOver),
    stateRoute('hand-back', 'Trả lại cho bot · Hand back to the bot', handBack),
    stateRoute('close', 'Đóng cuộc trò chuyện · Close the conversation', closeConversation),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/inbox/conversations/:id/assign',
      summary: 'Giao cho đồng nghiệp · Assign to a colleague',
      tags: ['inbox'],
      access: 'tenant-member',
      params: idParams,
      body: z.object({ user_id: z.uuid() }).strict(),
      responses: {
        200: { description: 'Trạng thái mới · the new state', schema: stateSchema },
        404: notFound,
        422: { description: 'Không phải thành viên cửa hàng · not a member of the shop' },
      },
      handler: async ({ caller, params, body }) => {
        const t = target(caller, params.id);
        return { status: 200, body: await withInboxEvents(runtime, caller.tenantId, (tx, events) => assign(tx, events, t, body.user_id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/inbox/conversations/:id/notes',
      summary: 'Ghi chú nội bộ (khách không thấy) · Internal note (never sent)',
      tags: ['inbox'],
      access: 'tenant-member',
      params: idParams,
      body: z.object({ content: text }).strict(),
      responses: { 201: { description: 'Đã lưu · stored', schema: z.object({ id: z.string(), created_at: z.string() }) }, 404: notFound },
      handler: async ({ caller, params, body }) => {
        const t = target(caller, params.id);
        return { status: 201, body: await withInboxEvents(runtime, caller.tenantId, (tx, events) => addNote(tx, events, t, body.content)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/inbox/conversations/:id/read',
      summary: 'Đánh dấu đã đọc · Mark read',
      tags: ['inbox'],
      access: 'tenant-member',
      params: idParams,
      responses: { 204: { description: 'OK' }, 404: notFound },
      handler: async ({ caller, params }) => {
        const t = target(caller, params.id);
        await withInboxEvents(runtime, caller.tenantId, (tx, events) => markRead(tx, events, t));
        return { status: 204 };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/inbox/conversations/:id/messages',
      summary: 'Nhân viên trả lời qua kênh của khách · Agent reply through the conversation’s channel',
      description:
        'Lưu tin của nhân viên và gửi qua kênh của cuộc trò chuyện (Messenger ngoài 24 giờ: thẻ HUMAN_AGENT); bot ngừng trả lời. ' +
        'Stores the agent message and delivers it through the conversation’s own channel (Messenger outside 24 h: HUMAN_AGENT tag); the bot stops.',
      tags: ['inbox'],
      access: 'tenant-member',
      params: idParams,
      body: z.object({ content: text }).strict(),
      responses: {
        201: { description: 'Đã xếp hàng gửi · queued for delivery', schema: z.object({ id: z.string(), delivery_status: z.string(), created_at: z.string() }) },
        404: notFound,
        409: { description: 'Không có kênh để gửi · no channel to send through' },
      },
      handler: async ({ caller, params, body }) => {
        const t = target(caller, params.id);
        return { status: 201, body: await withInboxEvents(runtime, caller.tenantId, (tx, events) => reply(tx, events, runtime.jobs, t, body.content)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/inbox/settings',
      summary: 'Cài đặt hộp thư · Inbox settings',
      tags: ['inbox'],
      access: 'tenant-member',
      responses: { 200: { description: 'OK', schema: inboxSettingsSchema } },
      handler: async ({ caller }) => ({ status: 200, body: await runtime.db.tenant(caller.tenantId, (tx) => loadInboxSettings(tx, caller.tenantId)) }),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/tenant/inbox/settings',
      summary: 'Đổi cài đặt hộp thư · Update inbox settings',
      tags: ['inbox'],
      access: 'tenant-admin',
      body: inboxSettingsPatchSchema,
      responses: { 200: { description: 'OK', schema: inboxSettingsSchema } },
      handler: async ({ caller, body }) => ({ status: 200, body: await runtime.db.tenant(caller.tenantId, (tx) => saveInboxSettings(tx, caller.tenantId, body)) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/inbox/stream-ticket',
      summary: 'Vé mở luồng sự kiện trực tiếp · Ticket for the live event stream',
      description:
        `Vé ký HMAC, hết hạn sau ${STREAM_TICKET_TTL_SECONDS} giây, dùng một lần cho GET /v1/tenant/inbox/stream?ticket=… (EventSource không gửi được header). ` +
        `A signed ticket valid ${STREAM_TICKET_TTL_SECONDS} s for GET /v1/tenant/inbox/stream?ticket=… (EventSource cannot send headers).`,
      tags: ['inbox'],
      access: 'tenant-member',
      responses: { 201: { description: 'OK', schema: z.object({ ticket: z.string(), expires_in: z.number(), url: z.string() }) } },
      handler: async ({ caller }) => {
        const userId = userIdOf(caller);
        const ticket = await issueStreamTicket(runtime.config.jwtSecret, { userId, tenantId: caller.tenantId });
        return { status: 201, body: { ticket, expires_in: STREAM_TICKET_TTL_SECONDS, url: `/v1/tenant/inbox/stream?ticket=${encodeURIComponent(ticket)}` } };
      },
    }),
  ];
}

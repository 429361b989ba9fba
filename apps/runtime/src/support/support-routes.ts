/**
 * Support tickets, tenant side: any member of the tenant opens a ticket, reads its own tickets
 * with the replies, adds messages and closes them. Another tenant's ticket id answers 404.
 */
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import type { TenantCaller } from '../auth/caller';
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import type { Logger } from 'pino';
import type { Db } from '../db/types';
import type { AppContext } from '../http/context';
import { messageBodySchema, subjectSchema, ticketDetailJson, ticketDetailSchema, ticketListSchema, ticketSummaryJson } from './support-json';
import { mailPlatformAdmins } from './support-mail';
import { addTenantMessage, closeTenantTicket, getTenantTicket, listTenantTickets, openTicket } from './support-service';

const TAGS = ['support'] as const;
const userOf = (caller: TenantCaller) => (caller.kind === 'user' ? caller.userId : null);
const idParams = z.object({ id: uuidSchema });

/** The tenant support routes. */
export function supportRoutes(runtime: { db: Db }): readonly Route[] {
  const { db } = runtime;
  const mailCtx = (app: AppContext, log: Logger) => ({ db, mailer: app.mailer, publicUrl: app.runtime.config.publicUrl, log });
  return [
    defineRoute({
      method: 'get',
      path: '/v1/tenant/support/tickets',
      summary: 'Yêu cầu hỗ trợ của cửa hàng · The tenant support tickets',
      tags: TAGS,
      access: 'tenant-member',
      responses: { 200: { description: 'OK', schema: ticketListSchema } },
      handler: async ({ caller }) => ({ status: 200, body: { items: (await listTenantTickets(db, caller.tenantId)).map(ticketSummaryJson) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/support/tickets',
      summary: 'Gửi yêu cầu hỗ trợ · Open a support ticket',
      tags: TAGS,
      access: 'tenant-member',
      body: z.object({ subject: subjectSchema, body: messageBodySchema }).strict(),
      responses: { 201: { description: 'Đã gửi · Opened', schema: ticketDetailSchema } },
      handler: async ({ app, caller, body, req, log }) => {
        const ticket = await openTicket(db, { tenantId: caller.tenantId, userId: userOf(caller), subject: body.subject, body: body.body }, (tx, id) =>
          recordAudit(tx, { tenantId: caller.tenantId, caller, action: 'support.ticket.open', targetType: 'support_ticket', targetId: id, ip: req.ip }),
        );
        await mailPlatformAdmins(mailCtx(app, log), ticket, 'opened');
        return { status: 201, body: ticketDetailJson(ticket) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/tenant/support/tickets/:id',
      summary: 'Xem yêu cầu hỗ trợ và phản hồi · A support ticket with its replies',
      tags: TAGS,
      access: 'tenant-member',
      params: idParams,
      responses: { 200: { description: 'OK', schema: ticketDetailSchema } },
      handler: async ({ caller, params }) => ({ status: 200, body: ticketDetailJson(await getTenantTicket(db, caller.tenantId, params.id)) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/support/tickets/:id/messages',
      summary: 'Trả lời yêu cầu hỗ trợ · Add a message to a ticket',
      description: 'Mở lại yêu cầu đã đóng · Reopens a closed ticket.',
      tags: TAGS,
      access: 'tenant-member',
      params: idParams,
      body: z.object({ body: messageBodySchema }).strict(),
      responses: { 200: { description: 'OK', schema: ticketDetailSchema } },
      handler: async ({ app, caller, params, body, log }) => {
        const ticket = await addTenantMessage(db, { tenantId: caller.tenantId, userId: userOf(caller), id: params.id, body: body.body });
        await mailPlatformAdmins(mailCtx(app, log), ticket, 'message');
        return { status: 200, body: ticketDetailJson(ticket) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/tenant/support/tickets/:id/close',
      summary: 'Đóng yêu cầu hỗ trợ · Close a ticket',
      tags: TAGS,
      access: 'tenant-member',
      params: idParams,
      responses: { 200: { description: 'OK', schema: ticketDetailSchema } },
      handler: async ({ caller, params }) => ({ status: 200, body: ticketDetailJson(await closeTenantTicket(db, caller.tenantId, params.id)) }),
    }),
  ];
}

/**
 * Support tickets, platform side: platform admins list every tenant's tickets (by status), read
 * one, reply (the ticket becomes `answered`) and close it.
 */
import { z } from 'zod';
import { uuidSchema } from '../auth/schemas';
import { defineRoute, type Route } from '../http/route';
import type { Db } from '../db/types';
import { messageBodySchema, ticketDetailJson, ticketDetailSchema, ticketListSchema, ticketSummaryJson } from './support-json';
import { mailTicketAuthors } from './support-mail';
import { closeTicketForPlatform, getTicketForPlatform, listAllTickets, replyAsPlatform, ticketStatuses } from './support-service';

const TAGS = ['support', 'admin'] as const;
const idParams = z.object({ id: uuidSchema });

/** The platform-admin support routes. */
export function adminSupportRoutes(runtime: { db: Db }): readonly Route[] {
  const { db } = runtime;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/admin/support/tickets',
      summary: 'Yêu cầu hỗ trợ của mọi cửa hàng · Every tenant support ticket',
      tags: TAGS,
      access: 'platform-admin',
      query: z.object({
        status: z.enum(ticketStatuses).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      responses: { 200: { description: 'OK', schema: ticketListSchema } },
      handler: async ({ query }) => ({ status: 200, body: { items: (await listAllTickets(db, query)).map(ticketSummaryJson) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/admin/support/tickets/:id',
      summary: 'Xem yêu cầu hỗ trợ · A support ticket',
      tags: TAGS,
      access: 'platform-admin',
      params: idParams,
      responses: { 200: { description: 'OK', schema: ticketDetailSchema } },
      handler: async ({ params }) => ({ status: 200, body: ticketDetailJson(await getTicketForPlatform(db, params.id)) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/admin/support/tickets/:id/messages',
      summary: 'Trả lời cửa hàng · Reply to a ticket',
      tags: TAGS,
      access: 'platform-admin',
      params: idParams,
      body: z.object({ body: messageBodySchema }).strict(),
      responses: { 200: { description: 'OK', schema: ticketDetailSchema } },
      handler: async ({ app, caller, params, body, log }) => {
        const ticket = await replyAsPlatform(db, { id: params.id, userId: caller.userId, body: body.body });
        await mailTicketAuthors({ db, mailer: app.mailer, publicUrl: app.runtime.config.publicUrl, log }, ticket);
        return { status: 200, body: ticketDetailJson(ticket) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/admin/support/tickets/:id/close',
      summary: 'Đóng yêu cầu hỗ trợ · Close a ticket',
      tags: TAGS,
      access: 'platform-admin',
      params: idParams,
      responses: { 200: { description: 'OK', schema: ticketDetailSchema } },
      handler: async ({ params }) => ({ status: 200, body: ticketDetailJson(await closeTicketForPlatform(db, params.id)) }),
    }),
  ];
}

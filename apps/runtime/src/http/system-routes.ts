/**
 * Liveness and readiness: `/healthz` answers while the process is up; `/readyz` only when the
 * database answers too (load balancers stop sending traffic otherwise).
 */
import { z } from 'zod';
import { AgentChatbotError } from '@agent-chatbot/core';
import { defineRoute, type Route } from './route';

const statusSchema = z.object({ status: z.literal('ok') });

/** `/healthz` and `/readyz`. */
export const systemRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'Tiến trình đang chạy · Process is up',
    tags: ['system'],
    access: 'public',
    responses: { 200: { description: 'OK', schema: statusSchema } },
    handler: async () => ({ status: 200, body: { status: 'ok' } }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    summary: 'Sẵn sàng phục vụ (cơ sở dữ liệu trả lời) · Ready (database answers)',
    tags: ['system'],
    access: 'public',
    responses: { 200: { description: 'OK', schema: statusSchema }, 503: { description: 'Chưa sẵn sàng · Not ready' } },
    handler: async ({ app, log }) => {
      try {
        await app.runtime.db.anonymous((tx) => tx.query('SELECT 1'));
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'readiness check failed');
        throw new AgentChatbotError({
          code: 'not_ready',
          message: 'Database is not answering',
          messageVi: 'Cơ sở dữ liệu chưa phản hồi',
          status: 503,
        });
      }
      return { status: 200, body: { status: 'ok' } };
    },
  }),
];

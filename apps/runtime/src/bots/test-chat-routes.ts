/**
 * `POST /v1/tenant/test-chat`: the dashboard's test chat. Answers with the tenant's bot exactly
 * as a customer would be answered (channel `test`, nothing delivered), with per-request tier, tone
 * and length cap. With `stream: true` (or `Accept: text/event-stream`) it answers in SSE:
 * `event: delta` parts (`{"text"}`), then one `event: final` with the whole answer, sources,
 * tokens, cost, route and cache decision (`event: error` if it fails midway).
 */
import { randomUUID } from 'node:crypto';
import { personaToneSchema } from '@agent-chatbot/core';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route';
import { answerForTenant } from './answer-for-tenant';
import { answerJson, answerJsonSchema } from './answer-json';
import { openStream, startSse, streamErrorBody, writeSse } from './sse';
import type { BotRuntime } from './tenant-bot';

const body = z
  .object({
    message: z.string().trim().min(1).max(4000),
    conversation_id: z.uuid().optional().meta({ description: 'Tiếp tục cuộc trò chuyện · continue a conversation' }),
    stream: z.boolean().optional(),
    tier: z.enum(['cheap', 'premium']).optional(),
    tone: personaToneSchema.optional().meta({ description: 'friendly | professional | concise | custom (hoặc "thân thiện", …)' }),
    max_output_tokens: z.number().int().min(16).max(4096).optional(),
    skip_cache: z.boolean().optional(),
  })
  .strict();

/** Builds the test chat route over the process's runtime. */
export function testChatRoutes(runtime: BotRuntime): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/tenant/test-chat',
      summary: 'Chat thử với bot · Test chat with the bot',
      description: 'SSE khi stream=true · Server-sent events when stream=true: `delta` events, then `final`.',
      tags: ['bot'],
      access: 'tenant-member',
      body,
      responses: { 200: { description: 'Câu trả lời (JSON hoặc SSE) · The answer (JSON or SSE)', schema: answerJsonSchema } },
      handler: async ({ caller, body: input, req, res }) => {
        const who = caller.kind === 'user' ? caller.userId : caller.apiKeyId;
        const turn = {
          tenantId: caller.tenantId,
          channel: 'test',
          externalUserId: `test:${who}`,
          text: input.message,
          ...(input.conversation_id ? { conversationId: input.conversation_id } : { externalConversationId: `test:${randomUUID()}` }),
        };
        const options = {
          ...(input.tier ? { tier: input.tier } : {}),
          ...(input.tone ? { tone: input.tone } : {}),
          ...(input.max_output_tokens ? { maxOutputTokens: input.max_output_tokens } : {}),
          ...(input.skip_cache ? { skipCache: true } : {}),
        };
        const wantsStream = input.stream ?? (req.headers.accept ?? '').includes('text/event-stream');
        if (!wantsStream) return { status: 200, body: answerJson(await answerForTenant(runtime, turn, options)) };

        const abort = new AbortController();
        res.on('close', () => abort.abort());
        const { first, iterator } = await openStream(await answerForTenant(runtime, turn, { ...options, stream: true, abortSignal: abort.signal }));
        startSse(res);
        try {
          for (let part = first; !part.done; part = await iterator.next()) {
            if (part.value.type === 'text-delta') writeSse(res, { text: part.value.delta }, 'delta');
            else writeSse(res, answerJson(part.value.result), 'final');
          }
        } catch (error) {
          runtime.logger.warn({ err: error, tenantId: caller.tenantId }, 'test chat stream failed');
          writeSse(res, { error: streamErrorBody(error) }, 'error');
        }
        res.end();
        return { status: 200 };
      },
    }),
  ];
}

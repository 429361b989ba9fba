/**
 * An OpenAI-compatible API over the tenant's bot: `POST /v1/chat/completions` and
 * `GET /v1/models`, authenticated by a tenant API key (`Authorization: Bearer acb_…`), so any
 * OpenAI client library can talk to a shop's bot. The bot answers from the tenant's knowledge with
 * its persona; system messages in the request are ignored (the tenant's settings govern the bot,
 * and a request cannot override them). `Cache-Control: no-cache` skips the answer cache.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError, type AnswerResult } from '@agent-chatbot/core';
import { z } from 'zod';
import { defineRoute, type Route } from '../http/route';
import { answerForTenant, type InboundTurn } from './answer-for-tenant';
import { openStream, startSse, streamErrorBody, writeSse } from './sse';
import type { BotRuntime } from './tenant-bot';

/** The model ids the API offers: the tenant's bot on its cheap (default) or premium tier. */
export const BOT_MODELS = ['agent-chatbot', 'agent-chatbot-premium'] as const;

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});
const body = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z.array(message).min(1).max(200),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: z.number().int().min(16).max(4096).nullable().optional(),
  max_completion_tokens: z.number().int().min(16).max(4096).nullable().optional(),
  user: z.string().min(1).max(300).optional(),
});

const textOf = (content: z.infer<typeof message>['content']): string =>
  typeof content === 'string' ? content : (content ?? []).map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');

/** Builds the OpenAI-compatible routes over the process's runtime. */
export function openAiCompatRoutes(runtime: BotRuntime): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/models',
      summary: 'Mô hình (tương thích OpenAI) · Models (OpenAI-compatible)',
      tags: ['openai-compatible'],
      access: 'tenant-member',
      apiKey: true,
      responses: { 200: { description: 'OK', schema: z.object({ object: z.literal('list'), data: z.array(z.looseObject({ id: z.string() })) }) } },
      handler: async () => ({
        status: 200,
        body: { object: 'list', data: BOT_MODELS.map((id) => ({ id, object: 'model', created: 1_735_689_600, owned_by: 'agent-chatbot' })) },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/chat/completions',
      summary: 'Trả lời kiểu OpenAI bằng bot của cửa hàng · OpenAI-compatible chat completions',
      description: 'model: agent-chatbot | agent-chatbot-premium. stream=true → SSE chunks, then `data: [DONE]`. Cache-Control: no-cache skips the answer cache.',
      tags: ['openai-compatible'],
      access: 'tenant-member',
      apiKey: true,
      body,
      responses: { 200: { description: 'chat.completion (hoặc SSE chat.completion.chunk)' } },
      handler: async ({ caller, body: input, req, res }) => {
        const last = input.messages[input.messages.length - 1];
        const text = last?.role === 'user' ? textOf(last.content).trim() : '';
        if (!text) throw new ValidationError('The last message must be a non-empty user message', 'Tin nhắn cuối phải là tin nhắn của người dùng và không trống');
        const history = input.messages.slice(0, -1).flatMap((entry) => {
          const content = textOf(entry.content).slice(0, 8000);
          if (!content || (entry.role !== 'user' && entry.role !== 'assistant')) return [];
          return [{ role: entry.role === 'user' ? ('customer' as const) : ('bot' as const), content }];
        });
        const who = input.user ?? `api-key:${caller.kind === 'api_key' ? caller.apiKeyId : caller.userId}`;
        const turn: InboundTurn = {
          tenantId: caller.tenantId,
          channel: 'api',
          externalUserId: who,
          // Each request carries its own history: a fresh conversation per request keeps the stored log readable.
          externalConversationId: `api:${randomUUID()}`,
          text,
          history,
        };
        const maxOutputTokens = input.max_completion_tokens ?? input.max_tokens ?? undefined;
        const options = {
          ...(input.model.endsWith('-premium') ? { tier: 'premium' as const } : {}),
          ...(maxOutputTokens ? { maxOutputTokens } : {}),
          ...(/no-cache|no-store/i.test(req.headers['cache-control'] ?? '') ? { skipCache: true } : {}),
        };
        const created = Math.floor(Date.now() / 1000);
        if (!input.stream) {
          const result = await answerForTenant(runtime, turn, options);
          return { status: 200, body: completion(result, input.model, created) };
        }

        const abort = new AbortController();
        res.on('close', () => abort.abort());
        const { first, iterator } = await openStream(await answerForTenant(runtime, turn, { ...options, stream: true, abortSignal: abort.signal }));
        const id = `chatcmpl-${randomUUID()}`;
        const chunk = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) => ({
          id, object: 'chat.completion.chunk', created, model: input.model, system_fingerprint: null,
          choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...extra,
        });
        startSse(res);
        writeSse(res, chunk({ role: 'assistant', content: '' }, null));
        try {
          for (let part = first; !part.done; part = await iterator.next()) {
            if (part.value.type === 'text-delta') {
              writeSse(res, chunk({ content: part.value.delta }, null));
              continue;
            }
            const result = part.value.result;
            writeSse(res, chunk({}, 'stop', { agent_chatbot: extension(result) }));
            if (input.stream_options?.include_usage) {
              writeSse(res, { id, object: 'chat.completion.chunk', created, model: input.model, choices: [], usage: usageOf(result) });
            }
          }
        } catch (error) {
          runtime.logger.warn({ err: error, tenantId: caller.tenantId }, 'chat completions stream failed');
          writeSse(res, { error: { ...streamErrorBody(error), type: 'server_error' } });
        }
        writeSse(res, '[DONE]');
        res.end();
        return { status: 200 };
      },
    }),
  ];
}

function usageOf(result: AnswerResult) {
  return { prompt_tokens: result.tokensIn, completion_tokens: result.tokensOut, total_tokens: result.tokensIn + result.tokensOut };
}

/** What only this API adds to OpenAI's shape: how the bot answered. */
function extension(result: AnswerResult) {
  return {
    route: result.route,
    route_reason: result.routeReason,
    model: result.model ?? null,
    cost_vnd: result.costVnd,
    cache_hit: result.cacheHit,
    conversation_id: result.conversationId,
    sources: result.sources.map((source) => ({ id: source.id, source_id: source.sourceId, score: source.score, ...(source.title ? { title: source.title } : {}) })),
  };
}

function completion(result: AnswerResult, model: string, created: number) {
  return {
    id: `chatcmpl-${result.replyMessageId ?? randomUUID()}`,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: usageOf(result),
    agent_chatbot: extension(result),
  };
}

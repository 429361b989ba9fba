import { z } from 'zod';
import type { Bot } from '../bot/create-bot';
import type { AnswerResult } from '../engine/answer-types';
import { AgentChatbotError, ValidationError, errorResponse } from '../errors';

const chatBodySchema = z
  .object({
    message: z.string().min(1).max(4000).optional(),
    text: z.string().min(1).max(4000).optional(),
    conversationId: z.string().min(1).max(200).optional(),
    /** The visitor's own id (a browser session), so one visitor keeps one conversation. */
    sessionId: z.string().min(1).max(300).optional(),
    stream: z.boolean().optional(),
  })
  .strict()
  .refine((body) => body.message ?? body.text, { message: 'message is required (thiếu nội dung tin nhắn)' });

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

function anyErrorResponse(error: unknown): Response {
  if (AgentChatbotError.isInstance(error)) return errorResponse(error);
  return json(500, { error: { code: 'internal_error', message: 'Internal error', message_vi: 'Lỗi hệ thống, vui lòng thử lại sau' } });
}

/** The public shape of an answer over HTTP (snake_case, as the runtime's API and CLI print it). */
export function answerToJson(result: AnswerResult): Record<string, unknown> {
  return {
    answer: result.text,
    conversation_id: result.conversationId,
    route: result.route,
    route_reason: result.routeReason,
    cache_hit: result.cacheHit,
    model: result.model ?? null,
    tokens_in: result.tokensIn,
    tokens_out: result.tokensOut,
    cost_vnd: result.costVnd,
    sources: result.sources,
    handoff: result.handoff,
    quick_replies: result.quickReplies ?? [],
  };
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A fetch-style handler for a bot: `POST …/chat` with `{ "message": "…", "conversationId"?, "sessionId"?,
 * "stream"? }` answers as JSON, or as server-sent events (`delta`, then `done` with the result)
 * when `stream` is true or the client accepts `text/event-stream`; `Cache-Control: no-cache`
 * skips the answer cache. `POST …/webhooks/<channel>` goes to the bot's channel. Anything else is a
 * 404 (marked so {@link createBotRouter} passes it on to the next Express handler).
 */
export function createBotFetchHandler(bot: Pick<Bot<Record<string, never>>, 'answer' | 'stream'> & { webhooks: Record<string, (request: Request) => Promise<Response>> }) {
  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname.replace(/\/+$/, '');
    const webhook = /\/webhooks\/([\w-]+)$/.exec(path);
    if (request.method === 'POST' && webhook?.[1] && Object.hasOwn(bot.webhooks, webhook[1])) {
      return bot.webhooks[webhook[1]]!(request);
    }
    if (!(request.method === 'POST' && path.endsWith('/chat'))) {
      return json(404, { error: { code: 'not_found', message: 'Not found', message_vi: 'Không tìm thấy' } }, { 'x-agent-chatbot-route': 'none' });
    }
    try {
      let raw: unknown;
      try {
        raw = await request.json();
      } catch {
        throw new ValidationError('The body must be JSON', 'Nội dung gửi lên phải là JSON');
      }
      const body = chatBodySchema.safeParse(raw);
      if (!body.success) throw new ValidationError('Invalid chat request', 'Yêu cầu chat không hợp lệ', { details: { issues: body.error.issues } });
      const input = {
        text: body.data.message ?? body.data.text ?? '',
        channel: 'web',
        ...(body.data.conversationId ? { conversationId: body.data.conversationId } : {}),
        ...(body.data.sessionId ? { externalConversationId: body.data.sessionId } : {}),
        skipCache: /no-cache/i.test(request.headers.get('cache-control') ?? ''),
        abortSignal: request.signal,
      };
      const wantsStream = body.data.stream ?? (request.headers.get('accept') ?? '').includes('text/event-stream');
      if (!wantsStream) return json(200, answerToJson(await bot.answer(input)));
      const encoder = new TextEncoder();
      const parts = bot.stream(input)[Symbol.asyncIterator]();
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const next = await parts.next();
            if (next.done) return controller.close();
            const part = next.value;
            controller.enqueue(encoder.encode(part.type === 'text-delta' ? sse('delta', { delta: part.delta }) : sse('done', answerToJson(part.result))));
          } catch (error) {
            const body = AgentChatbotError.isInstance(error) ? error.toJSON() : { error: { code: 'internal_error', message: 'Internal error', message_vi: 'Lỗi hệ thống' } };
            controller.enqueue(encoder.encode(sse('error', body)));
            controller.close();
          }
        },
        async cancel() {
          await parts.return?.();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' } });
    } catch (error) {
      return anyErrorResponse(error);
    }
  };
}

/**
 * `@agent-chatbot/core/express`: serve a bot from Express or plain Node `http`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createBot } from '@agent-chatbot/core';
 * import { createBotRouter } from '@agent-chatbot/core/express';
 *
 * const bot = createBot({ model, retriever });
 * const app = express();
 * app.use('/bot', createBotRouter(bot)); // POST /bot/chat, POST /bot/webhooks/<channel>
 * app.listen(3000);
 * ```
 * @packageDocumentation
 */
import type { Bot } from '../bot/create-bot';
import type { ChannelV1 } from '../channel/v1';
import { createBotFetchHandler } from './bot-fetch-handler';
import { toNodeHandler, type NodeHandler } from './to-node-handler';

export { toNodeHandler, toWebRequest, writeWebResponse, type FetchHandler, type NodeHandler } from './to-node-handler';
export { createBotFetchHandler, answerToJson } from './bot-fetch-handler';

/**
 * An Express-compatible handler (also a plain `http` listener) serving a bot: `POST /chat` (JSON or
 * server-sent events) and `POST /webhooks/<channel>`; other paths go to the next handler. Mount it
 * without a body parser, or after `express.json()`; signed webhooks need the raw bytes, so mount
 * it before any JSON parser when channels are used.
 */
export function createBotRouter<TChannels extends Record<string, ChannelV1<unknown>>>(bot: Bot<TChannels>): NodeHandler {
  const handler = createBotFetchHandler({
    answer: bot.answer,
    stream: bot.stream,
    webhooks: bot.webhooks as unknown as Record<string, (request: Request) => Promise<Response>>,
  });
  return toNodeHandler(handler, { passThroughNotFound: true });
}

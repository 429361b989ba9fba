/** Server-sent events over an Express response (test chat, OpenAI-compatible streaming). */
import type { Response } from 'express';
import { AgentChatbotError, type AnswerStreamPart } from '@agent-chatbot/core';

/**
 * Starts an SSE response after pulling the stream's first part, so errors that happen before any
 * output (validation, unknown conversation, rate limit) still leave as normal JSON errors.
 */
export async function openStream(parts: AsyncIterable<AnswerStreamPart>): Promise<{ first: IteratorResult<AnswerStreamPart>; iterator: AsyncIterator<AnswerStreamPart> }> {
  const iterator = parts[Symbol.asyncIterator]();
  const first = await iterator.next();
  return { first, iterator };
}

/** Writes the SSE headers (no buffering by proxies, no caching). */
export function startSse(res: Response): void {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
}

/** Writes one event (`event:` line only when named). */
export function writeSse(res: Response, data: unknown, event?: string): void {
  res.write(`${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

/** The error body of a failure after streaming began: typed errors keep their message, others stay generic. */
export function streamErrorBody(error: unknown): { code: string; message: string; message_vi: string } {
  if (AgentChatbotError.isInstance(error) && error.status < 500) {
    return { code: error.code, message: error.message, message_vi: error.messageVi };
  }
  return { code: 'answer_failed', message: 'The answer could not be completed', message_vi: 'Không thể hoàn tất câu trả lời' };
}

import type { LanguageModelV1Message } from '@agent-chatbot/core';
import { z } from 'zod';

/**
 * The Sao AI wire format (a made-up API, deliberately unlike OpenAI's):
 * `POST /v1/generate` with `x-sao-key`, a `turns` array of `{ speaker, text }`, `limit.max_tokens`;
 * answers `{ output: { text }, stop, meter: { in, out } }`, or NDJSON lines when `stream` is true:
 * `{ "piece": "…" }`…, then `{ "end": { stop, meter } }`, or `{ "failure": { message } }` mid-stream.
 */
export type SaoSpeaker = 'instructions' | 'customer' | 'assistant';

const SPEAKERS: Record<LanguageModelV1Message['role'], SaoSpeaker> = { system: 'instructions', user: 'customer', assistant: 'assistant' };

/** Maps a {@link LanguageModelV1Message} to a Sao turn. */
export function toSaoTurn(message: LanguageModelV1Message): { speaker: SaoSpeaker; text: string } {
  return { speaker: SPEAKERS[message.role], text: message.content };
}

/** Token counts as Sao reports them; absent when the server does not meter. */
export const saoMeterSchema = z.object({ in: z.number().int().nonnegative(), out: z.number().int().nonnegative() }).optional();

/** Why Sao stopped: `done`, `limit` (token cap) or `blocked` (its content filter). */
export const saoStopSchema = z.enum(['done', 'limit', 'blocked']).catch('done');

/** A whole answer. */
export const saoGenerateResponseSchema = z.looseObject({
  id: z.string().optional(),
  output: z.looseObject({ text: z.string() }),
  stop: saoStopSchema,
  meter: saoMeterSchema,
});

/** One NDJSON line of a streamed answer: exactly one of `piece`, `end` or `failure` is set. */
export const saoStreamLineSchema = z.looseObject({
  piece: z.string().optional(),
  end: z.looseObject({ stop: saoStopSchema, meter: saoMeterSchema }).optional(),
  failure: z.looseObject({ message: z.string() }).optional(),
});

/** Sao's error body: `{ "failure": { "kind": "quota", "message": "…" } }`. */
export const saoErrorSchema = z.looseObject({ failure: z.looseObject({ kind: z.string().optional(), message: z.string().optional() }) });

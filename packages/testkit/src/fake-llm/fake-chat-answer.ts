import type { FakeRouteContext } from './fake-llm-server';
import { countInputTokens, countPromptTokens, fakeEmbedding, splitIntoTokens, truncateToTokens } from './fake-llm-text';
import type { FakePromptMessage } from './fake-llm-types';

/** A computed answer: text (already cut at the token cap), its stream pieces and usage. */
export interface FakeChatAnswer {
  readonly text: string;
  readonly pieces: string[];
  readonly truncated: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Runs the responder for a chat route and records the answer and usage on the request log. */
export async function answerChat(
  context: FakeRouteContext,
  model: string,
  maxTokensValue: unknown,
  temperatureValue: unknown,
): Promise<FakeChatAnswer> {
  const messages: readonly FakePromptMessage[] = context.record.messages ?? [];
  const maxTokens = optionalNumber(maxTokensValue);
  const raw = await context.state.responder({
    model,
    messages,
    stream: context.record.stream ?? false,
    maxTokens,
    temperature: optionalNumber(temperatureValue),
    body: context.body,
    headers: context.record.headers,
  });
  const { text, truncated } = truncateToTokens(raw, maxTokens);
  const pieces = splitIntoTokens(text);
  const answer = { text, pieces, truncated, inputTokens: countPromptTokens(messages), outputTokens: pieces.length };
  context.record.responseText = text;
  context.record.reported = context.state.reportUsage
    ? { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens }
    : {};
  return answer;
}

/** Computes fake vectors and usage for an embedding route and records the usage. */
export function answerEmbeddings(context: FakeRouteContext, dimensions = context.state.embeddingDimensions): { vectors: number[][]; tokens: number } {
  const inputs = context.record.inputs ?? [];
  const embed = context.state.embedder ?? fakeEmbedding;
  const vectors = inputs.map((input) => embed(input, dimensions));
  const tokens = countInputTokens(inputs);
  context.record.reported = context.state.reportUsage ? { inputTokens: tokens } : {};
  return { vectors, tokens };
}

/** Parses `[{ role, content }]` where content is a string or an array of `{ type: 'text', text }` parts. */
export function parseMessages(value: unknown, allowSystem = true): FakePromptMessage[] | string {
  if (!Array.isArray(value)) return 'messages must be an array';
  const messages: FakePromptMessage[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) return 'each message must be an object';
    const { role, content } = item as { role?: unknown; content?: unknown };
    const allowed = allowSystem ? ['system', 'developer', 'user', 'assistant'] : ['user', 'assistant'];
    if (typeof role !== 'string' || !allowed.includes(role)) return `unsupported message role: ${String(role)}`;
    const text = contentToText(content);
    if (text === undefined) return 'message content must be a string or text parts';
    messages.push({ role: role === 'developer' ? 'system' : (role as FakePromptMessage['role']), content: text });
  }
  return messages;
}

/** Reads string content or text parts (`[{ type: 'text', text }]`). */
export function contentToText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content as unknown[]) {
    const { type, text } = (part ?? {}) as { type?: unknown; text?: unknown };
    if (type !== 'text' || typeof text !== 'string') return undefined;
    texts.push(text);
  }
  return texts.join('');
}

/** Reads `input` as one string or an array of strings. */
export function parseInputs(value: unknown): string[] | string {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return 'input must be a string or an array of strings';
}

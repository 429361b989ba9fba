import { describe, expect, it } from 'vitest';
import type { LanguageModelV1StreamPart } from '../language-model/v1';
import { createCallDeadline } from './call-deadline';
import { streamFromChunks } from './chunk-stream';

interface Chunk {
  text?: string;
  tokens?: number;
}

/** An SDK-like iterator over `chunks`: records how far it was read and whether it was closed. */
function sdkChunks(chunks: Array<Chunk | Error>, options: { endQuietlyAfter?: AbortSignal } = {}) {
  const state = { read: 0, returned: false };
  const iterator: AsyncIterator<Chunk> = {
    async next() {
      if (options.endQuietlyAfter?.aborted) return { done: true, value: undefined };
      const item = chunks[state.read];
      if (item === undefined) return { done: true, value: undefined };
      state.read += 1;
      if (item instanceof Error) throw item;
      return { done: false, value: item };
    },
    async return() {
      state.returned = true;
      return { done: true, value: undefined };
    },
  };
  return { iterator, state };
}

async function readAll(stream: ReadableStream<LanguageModelV1StreamPart>): Promise<LanguageModelV1StreamPart[]> {
  const parts: LanguageModelV1StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function stream(chunks: AsyncIterator<Chunk>, deadline = createCallDeadline(0, undefined, 'Fake')) {
  let tokens = 0;
  return streamFromChunks(chunks, {
    deadline,
    fail: (error) => new Error(`mapped: ${error instanceof Error ? error.message : String(error)}`),
    read: (chunk) => {
      tokens += chunk.tokens ?? 0;
      return chunk.text;
    },
    finish: () => ({ finishReason: 'stop', usage: { inputTokens: { total: 3 }, outputTokens: { total: tokens } } }),
  });
}

describe('streamFromChunks', () => {
  it('gives one text-delta per chunk with text, then finish with what read() noted', async () => {
    const { iterator } = sdkChunks([{ tokens: 0 }, { text: 'Xin ', tokens: 1 }, { tokens: 0 }, { text: 'chào', tokens: 1 }, { tokens: 2 }]);
    expect(await readAll(stream(iterator))).toEqual([
      { type: 'text-delta', delta: 'Xin ' },
      { type: 'text-delta', delta: 'chào' },
      { type: 'finish', finishReason: 'stop', usage: { inputTokens: { total: 3 }, outputTokens: { total: 4 } } },
    ]);
  });

  it('reads only as far as the reader asks', async () => {
    const { iterator, state } = sdkChunks([{ text: 'một' }, { text: 'hai' }, { text: 'ba' }]);
    const reader = stream(iterator).getReader();
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-delta', delta: 'một' } });
    expect(state.read).toBe(1);
    await reader.cancel();
  });

  it('turns a failure mid-stream into one mapped error part', async () => {
    const { iterator } = sdkChunks([{ text: 'Dạ, ' }, new Error('socket hang up')]);
    const parts = await readAll(stream(iterator));
    expect(parts[0]).toEqual({ type: 'text-delta', delta: 'Dạ, ' });
    expect(parts).toHaveLength(2);
    expect(parts[1]).toMatchObject({ type: 'error', error: { message: 'mapped: socket hang up' } });
  });

  it('reports an abort as an error, not as a finished answer, when the SDK ends quietly', async () => {
    const caller = new AbortController();
    const deadline = createCallDeadline(0, caller.signal, 'Fake');
    const { iterator } = sdkChunks([{ text: 'Dạ, ' }, { text: 'shop ' }], { endQuietlyAfter: deadline.signal });
    const reader = stream(iterator, deadline).getReader();
    expect((await reader.read()).value).toEqual({ type: 'text-delta', delta: 'Dạ, ' });
    caller.abort(new Error('khách đã rời đi / the customer left'));
    expect((await reader.read()).value).toMatchObject({ type: 'error', error: { message: 'mapped: khách đã rời đi / the customer left' } });
    expect((await reader.read()).done).toBe(true);
  });

  it('cancelling the stream aborts the request and closes the SDK iterator', async () => {
    const deadline = createCallDeadline(0, undefined, 'Fake');
    const { iterator, state } = sdkChunks([{ text: 'một' }, { text: 'hai' }]);
    const reader = stream(iterator, deadline).getReader();
    await reader.read();
    await reader.cancel();
    expect(deadline.signal.aborted).toBe(true);
    expect(state.returned).toBe(true);
  });
});

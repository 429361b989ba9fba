import type { LanguageModelV1FinishReason, LanguageModelV1StreamPart, LanguageModelV1Usage } from '../language-model/v1';
import type { CallDeadline } from './call-deadline';

/** How {@link streamFromChunks} reads one provider SDK's chunks. */
export interface ChunkStreamOptions<TChunk> {
  /** The call's deadline: restarted on every chunk, aborted when the reader cancels. */
  readonly deadline: CallDeadline;
  /** Maps what the SDK threw (or the abort reason) to the provider's typed error. */
  readonly fail: (error: unknown) => unknown;
  /** The text a chunk carries, if any; also where the provider notes usage and finish reason. */
  readonly read: (chunk: TChunk) => string | null | undefined;
  /** The `finish` part's fields, asked once the chunks end. */
  readonly finish: () => { finishReason: LanguageModelV1FinishReason; usage: LanguageModelV1Usage };
}

/**
 * Turns a provider SDK's stream of chunks into a {@link LanguageModelV1StreamPart} stream: one
 * `text-delta` per chunk with text, then one `finish`, or one `error` (a failure mid-stream, the
 * deadline firing, the caller aborting — the SDKs end their iteration quietly on an abort, which is
 * not a finished answer). Pull-based: a chunk is read only when the reader asks for the next part,
 * and cancelling the stream aborts the request.
 *
 * @example
 * const stream = streamFromChunks(chunks, {
 *   deadline,
 *   fail: (error) => mapCallError(error, deadline, { label: 'Acme AI', provider: 'acme' }),
 *   read: (chunk) => { if (chunk.usage) usage = chunk.usage; return chunk.text; },
 *   finish: () => ({ finishReason: 'stop', usage: mapUsage(usage) }),
 * });
 */
export function streamFromChunks<TChunk>(chunks: AsyncIterator<TChunk>, options: ChunkStreamOptions<TChunk>): ReadableStream<LanguageModelV1StreamPart> {
  const { deadline } = options;
  deadline.touch();
  return new ReadableStream<LanguageModelV1StreamPart>({
    pull: async (controller) => {
      try {
        // Loop until one part is enqueued: chunks without text (roles, usage, events) add none.
        for (;;) {
          const next = await chunks.next();
          deadline.touch();
          if (next.done) {
            deadline.dispose();
            controller.enqueue(
              deadline.signal.aborted ? { type: 'error', error: options.fail(deadline.signal.reason) } : { type: 'finish', ...options.finish() },
            );
            controller.close();
            return;
          }
          const delta = options.read(next.value);
          if (delta) {
            controller.enqueue({ type: 'text-delta', delta });
            return;
          }
        }
      } catch (error) {
        deadline.dispose();
        controller.enqueue({ type: 'error', error: options.fail(error) });
        controller.close();
      }
    },
    cancel: async () => {
      deadline.abort();
      deadline.dispose();
      await chunks.return?.().catch(() => undefined);
    },
  });
}

import { AgentChatbotError } from '../errors';
import type { LanguageModelV1Prompt, LanguageModelV1StreamPart } from '../language-model/v1';
import { meteringMiddleware, type MeteredUsage, type MeteringMiddlewareOptions } from '../middleware/metering-middleware';
import { wrapLanguageModel } from '../middleware/wrap-language-model';
import type { ModelEntry } from './answer-types';
import type { OutputGuard } from './output-guard';
import { FALLBACK_MARKER } from './prompt';

/** Options of {@link runModelChain}. */
export interface ModelChainOptions {
  readonly entries: ReadonlyArray<ModelEntry>;
  readonly prompt: LanguageModelV1Prompt;
  readonly maxOutputTokens: number;
  readonly abortSignal?: AbortSignal;
  readonly metering: Omit<MeteringMiddlewareOptions, 'keySource' | 'callId' | 'onUsage'>;
  /** Prefix of the per-call ids (usage event ids, reservation keys). */
  readonly callIdPrefix: string;
  readonly onUsage?: (usage: MeteredUsage) => void;
  readonly guard: OutputGuard;
  /** Stop streaming to the customer past this many characters. */
  readonly maxChars: number;
  /** Present: stream, emitting guarded text deltas; absent: generate. */
  readonly onDelta?: (delta: string) => void;
}

/** What one tier's chain produced. */
export interface ModelChainResult {
  readonly text: string;
  readonly entry: ModelEntry;
  /** Whether anything reached `onDelta`. */
  readonly emitted: boolean;
}

/**
 * Whether the next model of a chain should take over after `error`: retryable failures (429,
 * 5xx, timeouts, network) and rejected keys do; budget and bad-request errors do not.
 */
export function shouldFailOver(error: unknown): boolean {
  if (!AgentChatbotError.isInstance(error)) return !(error instanceof Error && error.name === 'AbortError');
  if (error.code === 'budget_exceeded') return false;
  return error.isRetryable || error.status === 401 || error.status === 403;
}

/** Characters re-checked before the new text (beyond the longest secret): longer than a seven-word run. */
const TAIL_OVERLAP = 320;

/**
 * Holds streamed text back until it can be judged: nothing is emitted while the text could still
 * turn out to be the fallback marker, a leaked instruction or a secret; once one shows up, emission
 * stops for good (the final result carries the safe text).
 */
class StreamGate {
  private text = '';
  private checkedUpTo = 0;
  private emittedChars = 0;
  private stopped = false;
  emitted = false;

  constructor(
    private readonly guard: OutputGuard,
    private readonly maxChars: number,
    private readonly emit: (delta: string) => void,
  ) {}

  push(delta: string): void {
    this.text += delta;
    this.flush(this.text.length - this.guard.holdBackChars);
  }

  end(): void {
    this.flush(this.text.length);
  }

  private flush(upTo: number): void {
    if (this.stopped) return;
    // Only the tail can hold something new; earlier text was checked on earlier deltas.
    const tail = this.text.slice(Math.max(0, this.checkedUpTo - this.guard.holdBackChars - TAIL_OVERLAP));
    this.checkedUpTo = this.text.length;
    if (tail.includes(FALLBACK_MARKER) || this.guard.leaks(tail) || this.guard.hasSecret(tail)) {
      this.stopped = true;
      return;
    }
    const end = Math.min(upTo, this.maxChars);
    if (end <= this.emittedChars) return;
    this.emit(this.text.slice(this.emittedChars, end));
    this.emittedChars = end;
    this.emitted = true;
  }
}

async function streamText(entry: ModelEntry, options: ModelChainOptions, gate: StreamGate): Promise<string> {
  const result = await entry.model.doStream({ prompt: options.prompt, maxOutputTokens: options.maxOutputTokens, abortSignal: options.abortSignal });
  let text = '';
  const reader = result.stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const part: LanguageModelV1StreamPart = value;
      if (part.type === 'text-delta') {
        text += part.delta;
        gate.push(part.delta);
      } else if (part.type === 'error') {
        throw part.error;
      }
    }
  } finally {
    reader.releaseLock();
  }
  gate.end();
  return text;
}

/**
 * Calls the first model of a tier's chain, metered (reservation before, usage after), and fails
 * over to the next on retryable errors — unless streamed text already reached the customer.
 */
export async function runModelChain(options: ModelChainOptions): Promise<ModelChainResult> {
  let lastError: unknown;
  for (const [index, entry] of options.entries.entries()) {
    let attempt = 0;
    const model = wrapLanguageModel({
      model: entry.model,
      middleware: meteringMiddleware({
        ...options.metering,
        keySource: entry.keySource,
        callId: () => `${options.callIdPrefix}:${index}:${attempt++}`,
        onUsage: options.onUsage,
      }),
    });
    const gate = options.onDelta ? new StreamGate(options.guard, options.maxChars, options.onDelta) : undefined;
    try {
      const text = gate
        ? await streamText({ ...entry, model }, options, gate)
        : (await model.doGenerate({ prompt: options.prompt, maxOutputTokens: options.maxOutputTokens, abortSignal: options.abortSignal })).text;
      return { text, entry, emitted: gate?.emitted ?? false };
    } catch (error) {
      lastError = error;
      if (gate?.emitted || !shouldFailOver(error) || index === options.entries.length - 1) throw error;
    }
  }
  throw lastError ?? new Error('No model configured');
}

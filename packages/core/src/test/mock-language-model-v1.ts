import type {
  LanguageModelV1,
  LanguageModelV1CallOptions,
  LanguageModelV1GenerateResult,
  LanguageModelV1StreamPart,
  LanguageModelV1StreamResult,
  LanguageModelV1Usage,
} from '../language-model/v1';
import { countMockTokens, resolveMockValue, type MockValue } from './mock-value';

/** A generate result, or just the answer text (usage is then counted from prompt and text). */
export type MockGenerateValue = LanguageModelV1GenerateResult | string;

/** Settings of {@link MockLanguageModelV1}. */
export interface MockLanguageModelV1Settings {
  /** Provider name reported. */
  provider?: string;
  /** Model id reported. */
  modelId?: string;
  /** Result of `doGenerate`: a value, a function of the call options, or a sequence. Throw to fail. */
  doGenerate?: MockValue<LanguageModelV1CallOptions, MockGenerateValue>;
  /**
   * Result of `doStream`. When absent, the stream is derived from `doGenerate`'s result, one
   * `text-delta` per word, then `finish` with the same usage.
   */
  doStream?: MockValue<LanguageModelV1CallOptions, LanguageModelV1StreamResult>;
  /** Token counter for derived usage; defaults to about 4 characters per token. */
  countTokens?: (text: string) => number;
}

/** Builds a usage object the way providers report it. */
export function mockUsage(inputTokens: number | undefined, outputTokens: number | undefined): LanguageModelV1Usage {
  return { inputTokens: { total: inputTokens }, outputTokens: { total: outputTokens } };
}

/** Builds a `ReadableStream` of stream parts (for `doStream` values in tests). */
export function mockStream(parts: ReadonlyArray<LanguageModelV1StreamPart>): ReadableStream<LanguageModelV1StreamPart> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

/** Splits a text into word-sized deltas that concatenate back to it exactly. */
export function splitIntoDeltas(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text.length > 0 ? [text] : []);
}

/**
 * A framework-agnostic mock {@link LanguageModelV1} that records every call
 * (`doGenerateCalls`, `doStreamCalls`) and answers with a value, a function or a sequence.
 *
 * @example
 * ```ts
 * const model = new MockLanguageModelV1({ doGenerate: 'Dạ, shop mở cửa 8h–21h ạ.' });
 * const echo = new MockLanguageModelV1({ doGenerate: ({ prompt }) => prompt.map((m) => m.content).join('\n') });
 * const flaky = new MockLanguageModelV1({ doGenerate: () => { throw new RateLimitError(); } });
 * ```
 */
export class MockLanguageModelV1 implements LanguageModelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  /** Options of every `doGenerate` call, in order. */
  readonly doGenerateCalls: LanguageModelV1CallOptions[] = [];
  /** Options of every `doStream` call, in order. */
  readonly doStreamCalls: LanguageModelV1CallOptions[] = [];
  private readonly settings: MockLanguageModelV1Settings;

  constructor(settings: MockLanguageModelV1Settings = {}) {
    this.settings = settings;
    this.provider = settings.provider ?? 'mock-provider';
    this.modelId = settings.modelId ?? 'mock-model';
  }

  /** Every prompt this model received (generate and stream), as one string each. */
  get prompts(): string[] {
    return [...this.doGenerateCalls, ...this.doStreamCalls].map((call) =>
      call.prompt.map((message) => `${message.role}: ${message.content}`).join('\n'),
    );
  }

  async doGenerate(options: LanguageModelV1CallOptions): Promise<LanguageModelV1GenerateResult> {
    this.doGenerateCalls.push(options);
    return this.generate(options, this.doGenerateCalls.length - 1);
  }

  async doStream(options: LanguageModelV1CallOptions): Promise<LanguageModelV1StreamResult> {
    this.doStreamCalls.push(options);
    const callIndex = this.doStreamCalls.length - 1;
    if (this.settings.doStream !== undefined) {
      return resolveMockValue(this.settings.doStream, options, callIndex);
    }
    const result = await this.generate(options, callIndex);
    const parts: LanguageModelV1StreamPart[] = [
      ...splitIntoDeltas(result.text).map((delta) => ({ type: 'text-delta' as const, delta })),
      { type: 'finish', finishReason: result.finishReason, usage: result.usage },
    ];
    return { stream: mockStream(parts), warnings: result.warnings };
  }

  private async generate(options: LanguageModelV1CallOptions, callIndex: number): Promise<LanguageModelV1GenerateResult> {
    const value = await resolveMockValue(this.settings.doGenerate ?? '', options, callIndex);
    if (typeof value !== 'string') return value;
    const count = this.settings.countTokens ?? countMockTokens;
    const promptTokens = options.prompt.reduce((sum, message) => sum + count(message.content), 0);
    return {
      text: value,
      finishReason: 'stop',
      usage: mockUsage(promptTokens, count(value)),
      warnings: [],
      response: { modelId: this.modelId },
    };
  }
}

import type { z } from 'zod';
import type { AnswerInput, AnswerResult, EngineConfig, answerInputSchema } from './answer-types';
import type { AnswerRoute, AnswerSource, ContactRecord, ConversationRecord, MessageRecord } from './conversation-store';
import type { Limits } from './limits';
import type { Persona } from './persona';

/** Everything one answer turn carries between the pipeline's steps. */
export interface TurnContext {
  readonly config: EngineConfig;
  readonly input: z.output<typeof answerInputSchema> & Pick<AnswerInput, 'abortSignal'>;
  readonly tenantId: string;
  readonly channel: string;
  readonly persona: Persona;
  readonly limits: Limits;
  readonly text: string;
  readonly contact: ContactRecord;
  conversation: ConversationRecord;
  readonly customerMessage: MessageRecord;
  /** Sums of the provider-reported usage of this turn's model calls. */
  readonly usage: { tokensIn: number; tokensOut: number; costVnd: number };
}

/** A decided reply, before it is stored and delivered. */
export interface ReplyDraft {
  readonly text: string;
  readonly route: AnswerRoute;
  readonly routeReason: string;
  readonly sources?: ReadonlyArray<AnswerSource>;
  readonly model?: string;
  readonly keySource?: AnswerResult['keySource'];
  readonly cacheHit?: boolean;
  readonly quickReplies?: ReadonlyArray<string>;
  /** Switch the conversation to a person with this reason. */
  readonly handoff?: 'keyword' | 'consecutive-fallbacks';
  /** Counts toward the fallbacks in a row (false resets the count). */
  readonly isFallback?: boolean;
}

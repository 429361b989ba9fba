import { EventEmitter } from 'eventemitter3';
import type { UsageEventV1 } from '../meter/v1';
import type { AnswerRoute } from './conversation-store';
import type { AnswerResult } from './answer-types';

/** Payload of `message.received`: a customer message was stored. */
export interface MessageReceivedEvent {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly contactId: string;
  readonly messageId: string;
  readonly channel: string;
  readonly text: string;
}

/** Payload of `handoff.requested`: agents should take the conversation. */
export interface HandoffRequestedEvent {
  readonly tenantId: string;
  readonly conversationId: string;
  /** `keyword`: the customer asked for a person; `consecutive-fallbacks`; `human-mode`: a person already holds it. */
  readonly reason: 'keyword' | 'consecutive-fallbacks' | 'human-mode';
  readonly text: string;
}

/** Payload of `usage.recorded`: one model call's provider-reported usage was recorded. */
export interface UsageRecordedEvent {
  readonly tenantId: string;
  readonly conversationId?: string;
  /** `answer` or `summary`. */
  readonly purpose: 'answer' | 'summary';
  readonly usage: UsageEventV1;
  readonly costVnd: number;
}

/** Payload of `cache.hit`. */
export interface CacheHitEvent {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly kind: 'exact' | 'semantic';
  readonly question: string;
}

/** Payload of `fallback.triggered`: nothing relevant was found (the analytics' fallback rate). */
export interface FallbackTriggeredEvent {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly question: string;
  readonly reason: string;
  /** Fallbacks in a row, this one included. */
  readonly consecutive: number;
}

/** Payload of `reply.generated`: the reply was stored (and handed to delivery). */
export interface ReplyGeneratedEvent {
  readonly tenantId: string;
  readonly conversationId: string;
  readonly route: AnswerRoute;
  readonly result: AnswerResult;
}

/** Payload of `error`: a background step failed (summary refresh, delivery, channel receive). */
export interface BotErrorEvent {
  readonly stage: 'summary' | 'delivery' | 'receive' | 'listener';
  readonly error: unknown;
  readonly tenantId?: string;
  readonly conversationId?: string;
}

/** The bot's events, named `noun.verb` (`message.received`, `reply.generated`, …). Listeners receive one payload object. */
export interface BotEventMap {
  'message.received': (event: MessageReceivedEvent) => void;
  'reply.generated': (event: ReplyGeneratedEvent) => void;
  'handoff.requested': (event: HandoffRequestedEvent) => void;
  'usage.recorded': (event: UsageRecordedEvent) => void;
  'cache.hit': (event: CacheHitEvent) => void;
  'fallback.triggered': (event: FallbackTriggeredEvent) => void;
  error: (event: BotErrorEvent) => void;
}

/** Event names of {@link BotEventMap}. */
export type BotEventName = keyof BotEventMap;

/**
 * The per-instance, typed event emitter of a bot (never module-global: tenants share processes).
 * A listener that throws never breaks an answer: the error is re-emitted as `error` (stage
 * `listener`), and dropped if an `error` listener throws too.
 */
export class BotEventEmitter extends EventEmitter<BotEventMap> {
  override emit<K extends EventEmitter.EventNames<BotEventMap>>(event: K, ...args: EventEmitter.EventArgs<BotEventMap, K>): boolean {
    try {
      return super.emit(event, ...args);
    } catch (error) {
      if (event !== 'error') {
        try {
          super.emit('error', { stage: 'listener', error });
        } catch {
          // An error listener that throws has nowhere left to report to.
        }
      }
      return true;
    }
  }
}

/** Listeners given at creation: `{ 'reply.generated': (event) => … }`. */
export type BotEventListeners = { readonly [K in BotEventName]?: BotEventMap[K] };

/** Subscribes every listener of `listeners` to `emitter`. */
export function attachListeners(emitter: BotEventEmitter, listeners: BotEventListeners | undefined): void {
  if (!listeners) return;
  for (const name of Object.keys(listeners) as BotEventName[]) {
    const listener = listeners[name];
    if (listener) emitter.on(name, listener as never);
  }
}

import { EventEmitter } from 'eventemitter3';
import type { UsageEventV1 } from '../meter/v1';
import type { AnswerRoute } from './conversation-store';
import type { AnswerResult } from './answer-types';

/** Payload of `message.received`: a customer message was stored. */
export interface MessageReceivedEvent {
  /** The tenant. */
  readonly tenantId: string;
  /** The conversation. */
  readonly conversationId: string;
  /** The customer. */
  readonly contactId: string;
  /** Id of the stored message. */
  readonly messageId: string;
  /** Channel it came through. */
  readonly channel: string;
  /** The message text. */
  readonly text: string;
}

/** Payload of `handoff.requested`: agents should take the conversation. */
export interface HandoffRequestedEvent {
  /** The tenant. */
  readonly tenantId: string;
  /** The conversation that needs a person. */
  readonly conversationId: string;
  /** `keyword`: the customer asked for a person; `consecutive-fallbacks`; `human-mode`: a person already holds it. */
  readonly reason: 'keyword' | 'consecutive-fallbacks' | 'human-mode';
  /** The customer message that triggered it. */
  readonly text: string;
}

/** Payload of `usage.recorded`: one model call's provider-reported usage was recorded. */
export interface UsageRecordedEvent {
  /** The tenant billed. */
  readonly tenantId: string;
  /** The conversation, when the call answered one. */
  readonly conversationId?: string;
  /** `answer` or `summary`. */
  readonly purpose: 'answer' | 'summary';
  /** The usage event as recorded. */
  readonly usage: UsageEventV1;
  /** Cost from the price table, in VND. */
  readonly costVnd: number;
}

/** Payload of `cache.hit`. */
export interface CacheHitEvent {
  /** The tenant. */
  readonly tenantId: string;
  /** The conversation answered from the cache. */
  readonly conversationId: string;
  /** Exact text match or semantic (embedding) match. */
  readonly kind: 'exact' | 'semantic';
  /** The customer's question. */
  readonly question: string;
}

/** Payload of `cache.miss`: the answer cache was looked up and had nothing for the question. */
export interface CacheMissEvent {
  /** The tenant. */
  readonly tenantId: string;
  /** The conversation. */
  readonly conversationId: string;
  /** The customer's question. */
  readonly question: string;
}

/** Payload of `fallback.triggered`: nothing relevant was found (the analytics' fallback rate). */
export interface FallbackTriggeredEvent {
  /** The tenant. */
  readonly tenantId: string;
  /** The conversation. */
  readonly conversationId: string;
  /** The question nothing answered. */
  readonly question: string;
  /** Why it fell back, e.g. `nothing-relevant`. */
  readonly reason: string;
  /** Fallbacks in a row, this one included. */
  readonly consecutive: number;
}

/** Payload of `reply.generated`: the reply was stored (and handed to delivery). */
export interface ReplyGeneratedEvent {
  /** The tenant. */
  readonly tenantId: string;
  /** The conversation. */
  readonly conversationId: string;
  /** How the reply was produced. */
  readonly route: AnswerRoute;
  /** The full answer result. */
  readonly result: AnswerResult;
}

/** Payload of `error`: a background step failed (summary refresh, delivery, channel receive). */
export interface BotErrorEvent {
  /** Which background step failed. */
  readonly stage: 'summary' | 'delivery' | 'receive' | 'listener';
  /** The error thrown. */
  readonly error: unknown;
  /** The tenant, when known. */
  readonly tenantId?: string;
  /** The conversation, when known. */
  readonly conversationId?: string;
}

/** The bot's events, named `noun.verb` (`message.received`, `reply.generated`, …). Listeners receive one payload object. */
export interface BotEventMap {
  /** A customer message was stored. */
  'message.received': (event: MessageReceivedEvent) => void;
  /** A reply was stored and handed to delivery. */
  'reply.generated': (event: ReplyGeneratedEvent) => void;
  /** A conversation needs a person. */
  'handoff.requested': (event: HandoffRequestedEvent) => void;
  /** A model call's usage was recorded. */
  'usage.recorded': (event: UsageRecordedEvent) => void;
  /** The answer cache answered. */
  'cache.hit': (event: CacheHitEvent) => void;
  /** The answer cache was looked up and missed. */
  'cache.miss': (event: CacheMissEvent) => void;
  /** Nothing relevant was found. */
  'fallback.triggered': (event: FallbackTriggeredEvent) => void;
  /** A background step failed. */
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

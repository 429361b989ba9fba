import type { PubSubV1 } from '@agent-chatbot/core';
import { expect } from 'vitest';
import {
  registerContract,
  uniqueId,
  waitUntil,
  type ContractCase,
  type ContractSkip,
  type ContractSuiteOptions,
  type ContractTracker,
} from './contract-suite';

/** Options for {@link pubSubContract}. */
export interface PubSubContractOptions extends ContractSuiteOptions {
  /** Creates the pub/sub under test. */
  readonly create: () => PubSubV1 | Promise<PubSubV1>;
  /** Releases it after a test. */
  readonly cleanup?: (pubsub: PubSubV1) => Promise<void> | void;
  /**
   * Makes two instances that share one broker, like two api replicas on one Redis. Without it the
   * cross-instance case is skipped with a reason.
   */
  readonly createConnected?: () => Promise<readonly [PubSubV1, PubSubV1]> | readonly [PubSubV1, PubSubV1];
  /** How long a case waits for an expected message before failing; default 2000 ms. */
  readonly deliveryTimeoutMs?: number;
}

/** What each pub/sub case receives. */
export interface PubSubContractFixture {
  /** Creates a fresh instance for one test. */
  make(): Promise<PubSubV1>;
  /** Two instances sharing one broker (replica fan-out checks). */
  makeConnected?: () => Promise<readonly [PubSubV1, PubSubV1]>;
  /** A channel name unique to this case, so parallel runs on one broker never cross-talk. */
  channel(name: string): string;
  /** Waits until `predicate` holds, failing after the suite's delivery timeout. */
  until(predicate: () => boolean, message: string): Promise<void>;
}

function inbox(): { messages: unknown[]; listener: (message: unknown) => void } {
  const messages: unknown[] = [];
  return { messages, listener: (message) => messages.push(message) };
}

const CROSS_INSTANCE = 'two connected instances deliver to each other';

const cases: ReadonlyArray<ContractCase<PubSubContractFixture>> = [
  {
    title: 'a subscriber receives published JSON messages intact',
    async run({ make, channel, until }) {
      const pubsub = await make();
      const name = channel('conversation');
      const received = inbox();
      await pubsub.subscribe(name, received.listener);
      const message = { type: 'reply-delta', text: 'Dạ, shop còn size M ạ 👗', index: 3, done: false, extra: null };
      await pubsub.publish(name, message);
      await until(() => received.messages.length === 1, 'the message to arrive');
      expect(received.messages[0]).toEqual(message);
    },
  },
  {
    title: 'publish does not call listeners synchronously',
    async run({ make, channel, until }) {
      const pubsub = await make();
      const name = channel('async');
      const received = inbox();
      await pubsub.subscribe(name, received.listener);
      const publishing = pubsub.publish(name, 'hello');
      expect(received.messages).toEqual([]);
      await publishing;
      await until(() => received.messages.length === 1, 'the message to arrive');
    },
  },
  {
    title: 'messages arrive in publish order',
    async run({ make, channel, until }) {
      const pubsub = await make();
      const name = channel('ordered');
      const received = inbox();
      await pubsub.subscribe(name, received.listener);
      const sent = Array.from({ length: 20 }, (_, index) => index);
      await Promise.all(sent.map((index) => pubsub.publish(name, index)));
      await until(() => received.messages.length === sent.length, 'all 20 messages');
      expect(received.messages).toEqual(sent);
    },
  },
  {
    title: 'channels are isolated',
    async run({ make, channel, until }) {
      const pubsub = await make();
      const [first, second] = [channel('first'), channel('second')];
      const onFirst = inbox();
      const onSecond = inbox();
      await pubsub.subscribe(first, onFirst.listener);
      await pubsub.subscribe(second, onSecond.listener);
      await pubsub.publish(second, 'for second');
      await pubsub.publish(first, 'for first');
      await until(() => onFirst.messages.length === 1 && onSecond.messages.length === 1, 'one message per channel');
      expect(onFirst.messages).toEqual(['for first']);
      expect(onSecond.messages).toEqual(['for second']);
    },
  },
  {
    title: 'every listener on a channel receives each message; unsubscribing one keeps the others',
    async run({ make, channel, until }) {
      const pubsub = await make();
      const name = channel('shared');
      const kept = inbox();
      const dropped = inbox();
      await pubsub.subscribe(name, kept.listener);
      const unsubscribe = await pubsub.subscribe(name, dropped.listener);
      await pubsub.publish(name, 1);
      await until(() => kept.messages.length === 1 && dropped.messages.length === 1, 'both listeners to get 1');
      await unsubscribe();
      await pubsub.publish(name, 2);
      await until(() => kept.messages.length === 2, 'the remaining listener to get 2');
      expect(kept.messages).toEqual([1, 2]);
      expect(dropped.messages).toEqual([1]);
    },
  },
  {
    title: 'unsubscribe stops delivery, is idempotent, and the channel can be subscribed again',
    async run({ make, channel, until }) {
      const pubsub = await make();
      const name = channel('again');
      const probe = channel('probe');
      const first = inbox();
      const unsubscribe = await pubsub.subscribe(name, first.listener);
      await unsubscribe();
      await unsubscribe();
      const probeInbox = inbox();
      await pubsub.subscribe(probe, probeInbox.listener);
      await pubsub.publish(name, 'nobody listens');
      await pubsub.publish(probe, 'sentinel');
      await until(() => probeInbox.messages.length === 1, 'the sentinel published after');
      expect(first.messages).toEqual([]);
      const second = inbox();
      await pubsub.subscribe(name, second.listener);
      await pubsub.publish(name, 'listening again');
      await until(() => second.messages.length === 1, 'delivery after re-subscribing');
      expect(first.messages).toEqual([]);
    },
  },
  {
    title: 'a throwing listener does not stop delivery to others or to later messages',
    async run({ make, channel, until }) {
      const pubsub = await make();
      const name = channel('faulty');
      const healthy = inbox();
      let calls = 0;
      await pubsub.subscribe(name, () => {
        calls++;
        throw new Error('listener bug (expected in this test)');
      });
      await pubsub.subscribe(name, healthy.listener);
      await pubsub.publish(name, 'a');
      await pubsub.publish(name, 'b');
      await until(() => healthy.messages.length === 2, 'both messages at the healthy listener');
      expect(healthy.messages).toEqual(['a', 'b']);
      expect(calls).toBe(2);
    },
  },
  {
    title: CROSS_INSTANCE,
    async run({ makeConnected, channel, until }) {
      if (!makeConnected) throw new Error('createConnected was not given');
      const [replicaA, replicaB] = await makeConnected();
      const name = channel('replicas');
      const atA = inbox();
      const atB = inbox();
      await replicaA.subscribe(name, atA.listener);
      await replicaB.subscribe(name, atB.listener);
      await replicaB.publish(name, { from: 'B' });
      await replicaA.publish(name, { from: 'A' });
      await until(() => atA.messages.length === 2 && atB.messages.length === 2, 'both replicas to get both messages');
      expect(atA.messages).toEqual(expect.arrayContaining([{ from: 'A' }, { from: 'B' }]));
      expect(atB.messages).toEqual(expect.arrayContaining([{ from: 'A' }, { from: 'B' }]));
    },
  },
];

/** The pub/sub contract's cases, for self-tests. */
export const pubSubContractCases = cases;

/** Builds the fixture a pub/sub case receives from suite options. */
export function pubSubContractFixture(
  options: Pick<PubSubContractOptions, 'create' | 'cleanup' | 'createConnected' | 'deliveryTimeoutMs'>,
) {
  const cleanup = options.cleanup ?? ((instance: PubSubV1) => instance.disconnect?.());
  const createConnected = options.createConnected;
  return (tracker: ContractTracker): PubSubContractFixture => {
    const prefix = uniqueId('contract');
    return {
      async make() {
        return tracker.track(await options.create(), cleanup);
      },
      makeConnected: createConnected
        ? async () => {
            const [first, second] = await createConnected();
            return [tracker.track(first, cleanup), tracker.track(second, cleanup)] as const;
          }
        : undefined,
      channel: (name) => `${prefix}:${name}`,
      until: (predicate, message) => waitUntil(predicate, message, options.deliveryTimeoutMs),
    };
  };
}

/**
 * Registers the {@link PubSubV1} contract: intact JSON delivery, asynchronous and ordered delivery,
 * channel isolation, several listeners, unsubscribe, fault isolation between listeners, and (given
 * `createConnected`) delivery between two instances on one broker.
 *
 * @example
 * ```ts
 * const hub = createMemoryPubSubHub();
 * pubSubContract({
 *   name: 'memory',
 *   create: () => createMemoryPubSub(),
 *   createConnected: () => [createMemoryPubSub({ hub }), createMemoryPubSub({ hub })],
 * });
 * ```
 */
export function pubSubContract(options: PubSubContractOptions): void {
  const skip: ContractSkip[] = [...(options.skip ?? [])];
  if (!options.createConnected) {
    skip.push({ reason: 'no createConnected factory was given', tests: [CROSS_INSTANCE] });
  }
  registerContract({ suite: 'PubSubV1', name: options.name, cases, skip, fixture: pubSubContractFixture(options) });
}

import { describe, expect, it } from 'vitest';
import { pubSubContract } from '../../../testkit/src/index';
import { createMemoryPubSub, createMemoryPubSubHub } from './memory-pubsub';

const quiet = { onListenerError: () => {} };

pubSubContract({
  name: 'memory',
  create: () => createMemoryPubSub(quiet),
  createConnected: () => {
    const hub = createMemoryPubSubHub();
    return [createMemoryPubSub({ hub, ...quiet }), createMemoryPubSub({ hub, ...quiet })] as const;
  },
});

describe('createMemoryPubSub specifics', () => {
  it('reports listener errors to onListenerError', async () => {
    const errors: Array<[unknown, string]> = [];
    const pubsub = createMemoryPubSub({ onListenerError: (error, channel) => errors.push([error, channel]) });
    await pubsub.subscribe('c', () => {
      throw new Error('boom');
    });
    await pubsub.publish('c', 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toBe('c');
  });

  it('instances without a shared hub do not talk; disconnect drops subscriptions and refuses publishing', async () => {
    const first = createMemoryPubSub();
    const second = createMemoryPubSub();
    const received: unknown[] = [];
    await first.subscribe('c', (message) => received.push(message));
    await second.publish('c', 'elsewhere');
    await first.publish('c', 'here');
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toEqual(['here']);
    await first.disconnect?.();
    await expect(first.publish('c', 'x')).rejects.toMatchObject({ code: 'validation_failed' });
  });

  it('rejects messages JSON cannot carry', async () => {
    await expect(createMemoryPubSub().publish('c', () => 1)).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

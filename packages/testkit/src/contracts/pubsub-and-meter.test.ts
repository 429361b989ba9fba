import {
  BudgetExceededError,
  createMemoryMeter,
  createMemoryPubSub,
  createMemoryPubSubHub,
  ValidationError,
  type MeterV1,
  type ModelPriceTableVnd,
  type PubSubV1,
} from '@agent-chatbot/core';
import { describe, expect, it } from 'vitest';
import { meterContractCases, meterContractFixture, type MeterContractSetup } from './meter';
import { contractCatches, roundTrip } from './mutants.test-support';
import { pubSubContractCases, pubSubContractFixture } from './pubsub';

interface PubSubBugs {
  synchronous?: boolean;
  unsubscribeDropsChannel?: boolean;
  listenerErrorsStopDelivery?: boolean;
}

/** A hand-written pub/sub over a shared listener map, with switchable bugs. */
function brokenPubSub(bugs: PubSubBugs, channels = new Map<string, Set<(message: unknown) => void>>()): PubSubV1 {
  const deliver = (channel: string, message: unknown) => {
    const listeners = [...(channels.get(channel) ?? [])];
    if (bugs.listenerErrorsStopDelivery) {
      try {
        for (const listener of listeners) listener(structuredClone(message));
      } catch {
        // the bug: the loop is abandoned at the first throwing listener
      }
      return;
    }
    for (const listener of listeners) {
      try {
        listener(structuredClone(message));
      } catch {
        // isolated, as the contract requires
      }
    }
  };
  return {
    specificationVersion: 'v1',
    async publish(channel, message) {
      if (bugs.synchronous) deliver(channel, message);
      else setImmediate(() => deliver(channel, message));
    },
    async subscribe(channel, listener) {
      const wrapped = (message: unknown) => listener(message);
      if (!channels.has(channel)) channels.set(channel, new Set());
      channels.get(channel)!.add(wrapped);
      return async () => {
        if (bugs.unsubscribeDropsChannel) channels.delete(channel);
        else channels.get(channel)?.delete(wrapped);
      };
    },
  };
}

const pubSubMutants: Array<[bug: string, create: () => PubSubV1, caughtBy: string]> = [
  ['delivers inside publish', () => brokenPubSub({ synchronous: true }), 'publish does not call listeners synchronously'],
  [
    'drops every listener when one unsubscribes',
    () => brokenPubSub({ unsubscribeDropsChannel: true }),
    'every listener on a channel receives each message; unsubscribing one keeps the others',
  ],
  [
    'lets a throwing listener stop delivery',
    () => brokenPubSub({ listenerErrorsStopDelivery: true }),
    'a throwing listener does not stop delivery to others or to later messages',
  ],
];

describe('pubSubContract catches broken pub/subs', () => {
  it.each(pubSubMutants)('a pub/sub that %s fails the suite', async (_bug, create, caughtBy) => {
    expect(await contractCatches(pubSubContractCases, caughtBy, pubSubContractFixture({ create: () => brokenPubSub({}), deliveryTimeoutMs: 300 }))).toBe(false);
    expect(await contractCatches(pubSubContractCases, caughtBy, pubSubContractFixture({ create, deliveryTimeoutMs: 300 }))).toBe(true);
  });

  it('"connected" instances that do not share a broker fail the cross-instance case', async () => {
    const title = 'two connected instances deliver to each other';
    const quiet = { onListenerError: () => {} };
    const hub = createMemoryPubSubHub();
    const connected = pubSubContractFixture({
      create: () => createMemoryPubSub(quiet),
      createConnected: () => [createMemoryPubSub({ hub, ...quiet }), createMemoryPubSub({ hub, ...quiet })],
      deliveryTimeoutMs: 300,
    });
    const isolated = pubSubContractFixture({
      create: () => createMemoryPubSub(quiet),
      createConnected: () => [createMemoryPubSub(quiet), createMemoryPubSub(quiet)],
      deliveryTimeoutMs: 300,
    });
    expect(await contractCatches(pubSubContractCases, title, connected)).toBe(false);
    expect(await contractCatches(pubSubContractCases, title, isolated)).toBe(true);
  });
});

interface MeterBugs {
  raceBetweenCheckAndReserve?: boolean;
  recordNotIdempotent?: boolean;
  releaseKeepsHold?: boolean;
  recordKeepsReservation?: boolean;
  ownKeyReserves?: boolean;
  authorizeNotIdempotent?: boolean;
  noValidation?: boolean;
}

/** A counter-based meter (as a naive SQL port might be) with switchable bugs. */
function brokenMeter(setup: MeterContractSetup, bugs: MeterBugs): MeterV1 {
  const prices: ModelPriceTableVnd = setup.prices;
  const spent = new Map<string, number>();
  const reserved = new Map<string, number>();
  const holds = new Map<string, { tenantId: string; vnd: number }>();
  const byKey = new Map<string, { id: string; reservedVnd: number }>();
  const recorded = new Set<string>();
  const add = (map: Map<string, number>, tenantId: string, vnd: number) => map.set(tenantId, (map.get(tenantId) ?? 0) + vnd);
  return {
    specificationVersion: 'v1',
    async authorize({ tenantId, estimate, keySource, idempotencyKey }) {
      if (!bugs.noValidation && (estimate.inputTokens < 0 || estimate.maxOutputTokens < 0)) throw new ValidationError('bad', 'sai');
      if (!bugs.authorizeNotIdempotent && byKey.has(idempotencyKey)) return byKey.get(idempotencyKey)!;
      const price = prices[`${estimate.provider}:${estimate.modelId}`]!;
      const cost = Math.ceil((estimate.inputTokens * price.inputVndPerMillionTokens + estimate.maxOutputTokens * price.outputVndPerMillionTokens) / 1e6);
      const vnd = keySource === 'own' && !bugs.ownKeyReserves ? 0 : cost;
      const position = (spent.get(tenantId) ?? 0) + (reserved.get(tenantId) ?? 0);
      if (bugs.raceBetweenCheckAndReserve) await roundTrip();
      if (position + vnd > (setup.budgets[tenantId] ?? 0)) throw new BudgetExceededError();
      const authorization = { id: globalThis.crypto.randomUUID(), reservedVnd: vnd };
      add(reserved, tenantId, vnd);
      holds.set(authorization.id, { tenantId, vnd });
      byKey.set(idempotencyKey, authorization);
      return authorization;
    },
    async record(event) {
      if (!bugs.recordNotIdempotent && recorded.has(event.id)) return;
      recorded.add(event.id);
      const hold = event.authorizationId ? holds.get(event.authorizationId) : undefined;
      if (hold && !bugs.recordKeepsReservation) {
        add(reserved, hold.tenantId, -hold.vnd);
        holds.delete(event.authorizationId!);
      }
      if (!event.billable || 'tokens' in event.usage) return;
      const price = prices[`${event.provider}:${event.modelId}`]!;
      const input = event.usage.inputTokens.total ?? 0;
      const output = event.usage.outputTokens.total ?? 0;
      add(spent, event.tenantId, Math.ceil((input * price.inputVndPerMillionTokens + output * price.outputVndPerMillionTokens) / 1e6));
    },
    async release(authorization) {
      const hold = holds.get(authorization.id);
      if (!hold) return;
      add(reserved, hold.tenantId, -hold.vnd);
      // The bug: the hold is not marked released, so releasing again frees the money again.
      if (!bugs.releaseKeepsHold) holds.delete(authorization.id);
    },
  };
}

const meterMutants: Array<[bug: string, bugs: MeterBugs, caughtBy: string]> = [
  ['checks the budget and reserves across a round trip', { raceBetweenCheckAndReserve: true }, 'parallel authorizations never exceed the cap'],
  ['counts a re-recorded event twice', { recordNotIdempotent: true }, 'record is idempotent on event id'],
  ['frees a released reservation twice', { releaseKeepsHold: true }, 'release frees the reservation, once'],
  ['keeps the reservation after record', { recordKeepsReservation: true }, 'record settles the authorization at the actual cost'],
  ['reserves for own-key calls', { ownKeyReserves: true }, 'own-key calls reserve nothing and non-billable usage does not count'],
  ['reserves again for a retried authorize', { authorizeNotIdempotent: true }, 'authorize is idempotent on idempotencyKey'],
  ['accepts negative estimates', { noValidation: true }, 'invalid estimates reject with a 4xx error'],
];

describe('meterContract catches broken meters', () => {
  it.each(meterMutants)('a meter that %s fails the suite', async (_bug, bugs, caughtBy) => {
    expect(await contractCatches(meterContractCases, caughtBy, meterContractFixture({ create: (setup) => brokenMeter(setup, {}) }))).toBe(false);
    expect(await contractCatches(meterContractCases, caughtBy, meterContractFixture({ create: (setup) => brokenMeter(setup, bugs) }))).toBe(true);
  });

  it('the memory meter passes every case', async () => {
    const fixture = meterContractFixture({ create: ({ budgets, prices }) => createMemoryMeter({ budgets, prices }) });
    for (const contractCase of meterContractCases) {
      expect(await contractCatches(meterContractCases, contractCase.title, fixture), contractCase.title).toBe(false);
    }
  });
});

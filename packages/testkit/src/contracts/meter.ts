import {
  AgentChatbotError,
  type MeterAuthorizationV1,
  type MeterV1,
  type ModelPriceTableVnd,
  type UsageEventV1,
} from '@agent-chatbot/core';
import { expect } from 'vitest';
import {
  expectAgentError,
  registerContract,
  type ContractCase,
  type ContractSuiteOptions,
  type ContractTracker,
} from './contract-suite';

/**
 * What the suite asks the factory to set up: spending caps per tenant (integer VND, platform-key
 * usage) and model prices in VND per million tokens keyed by `'provider:modelId'`. Tenant ids are
 * fresh UUIDs per case, so a database-backed meter can seed them without collisions.
 */
export interface MeterContractSetup {
  /** Monthly budget per tenant, in VND. */
  readonly budgets: Readonly<Record<string, number>>;
  /** Model prices for the recorded cost. */
  readonly prices: ModelPriceTableVnd;
}

/** Options for {@link meterContract}. */
export interface MeterContractOptions extends ContractSuiteOptions {
  /** Creates the meter under test. */
  readonly create: (setup: MeterContractSetup) => MeterV1 | Promise<MeterV1>;
  /** Releases the meter after a test. */
  readonly cleanup?: (meter: MeterV1, setup: MeterContractSetup) => Promise<void> | void;
}

/** What each meter case receives. */
export interface MeterContractFixture {
  /** Makes a meter where each tenant id in `budgets` gets that cap. */
  make(budgets: Record<string, number>): Promise<MeterV1>;
  /** A fresh tenant id. */
  tenant(): string;
}

const PROVIDER = 'contract';
const MODEL = 'test-model';
/** 1 VND per input token, 2 VND per output token: an estimate of 10 + 20 tokens reserves 50 VND. */
const PRICES: ModelPriceTableVnd = {
  [`${PROVIDER}:${MODEL}`]: { inputVndPerMillionTokens: 1_000_000, outputVndPerMillionTokens: 2_000_000 },
};
const RESERVATION_VND = 50;

function authorize(meter: MeterV1, tenantId: string, options: { keySource?: 'own' | 'platform'; key?: string } = {}) {
  return meter.authorize({
    tenantId,
    keySource: options.keySource ?? 'platform',
    idempotencyKey: options.key ?? globalThis.crypto.randomUUID(),
    estimate: { provider: PROVIDER, modelId: MODEL, inputTokens: 10, maxOutputTokens: 20 },
  });
}

function usageEvent(
  tenantId: string,
  tokens: { input: number; output: number },
  extra: Partial<Pick<UsageEventV1, 'id' | 'authorizationId' | 'billable' | 'keySource'>> = {},
): UsageEventV1 {
  return {
    id: extra.id ?? globalThis.crypto.randomUUID(),
    tenantId,
    authorizationId: extra.authorizationId,
    kind: 'llm',
    provider: PROVIDER,
    modelId: MODEL,
    keySource: extra.keySource ?? 'platform',
    billable: extra.billable ?? true,
    usage: { inputTokens: { total: tokens.input }, outputTokens: { total: tokens.output } },
    occurredAt: new Date(),
  };
}

async function expectBudgetExceeded(promise: Promise<MeterAuthorizationV1>): Promise<void> {
  await expectAgentError(promise, { status: 402, code: 'budget_exceeded' });
}

const cases: ReadonlyArray<ContractCase<MeterContractFixture>> = [
  {
    title: 'authorize reserves the worst-case cost of a platform-key call',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: 1_000 });
      const authorization = await authorize(meter, tenantId);
      expect(authorization.id).toEqual(expect.any(String));
      expect(authorization.reservedVnd).toBe(RESERVATION_VND);
    },
  },
  {
    title: 'authorize throws BudgetExceededError when reservations would pass the cap',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: 120 });
      await authorize(meter, tenantId);
      await authorize(meter, tenantId);
      await expectBudgetExceeded(authorize(meter, tenantId));
    },
  },
  {
    title: 'a budget exactly equal to the reservations is allowed',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: 2 * RESERVATION_VND });
      await authorize(meter, tenantId);
      await authorize(meter, tenantId);
      await expectBudgetExceeded(authorize(meter, tenantId));
    },
  },
  {
    title: 'release frees the reservation, once',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: 2 * RESERVATION_VND });
      const first = await authorize(meter, tenantId);
      await authorize(meter, tenantId);
      await expectBudgetExceeded(authorize(meter, tenantId));
      await meter.release(first);
      await meter.release(first); // a double release must not free the money twice
      await authorize(meter, tenantId);
      await expectBudgetExceeded(authorize(meter, tenantId));
    },
  },
  {
    title: 'record settles the authorization at the actual cost',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: 100 });
      const authorization = await authorize(meter, tenantId);
      // 5 input + 5 output tokens = 15 VND actually spent; the 50 VND hold is gone.
      await meter.record(usageEvent(tenantId, { input: 5, output: 5 }, { authorizationId: authorization.id }));
      await authorize(meter, tenantId); // 15 + 50 <= 100
      await expectBudgetExceeded(authorize(meter, tenantId)); // 15 + 50 + 50 > 100
      await meter.release(authorization); // already settled: frees nothing more
      await expectBudgetExceeded(authorize(meter, tenantId));
    },
  },
  {
    title: 'record is idempotent on event id',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: 100 });
      const event = usageEvent(tenantId, { input: 10, output: 10 }); // 30 VND
      await meter.record(event);
      await meter.record(event);
      await Promise.all([meter.record(event), meter.record(event)]);
      await authorize(meter, tenantId); // 30 + 50 <= 100 only if recorded once
      await expectBudgetExceeded(authorize(meter, tenantId));
    },
  },
  {
    title: 'own-key calls reserve nothing and non-billable usage does not count',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: RESERVATION_VND });
      const own = await authorize(meter, tenantId, { keySource: 'own' });
      expect(own.reservedVnd).toBe(0);
      await meter.record(
        usageEvent(tenantId, { input: 5_000, output: 5_000 }, { authorizationId: own.id, keySource: 'own', billable: false }),
      );
      await authorize(meter, tenantId); // the whole budget is still there
    },
  },
  {
    title: 'authorize is idempotent on idempotencyKey',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: RESERVATION_VND });
      const first = await authorize(meter, tenantId, { key: 'message-1' });
      const retry = await authorize(meter, tenantId, { key: 'message-1' });
      expect(retry).toEqual(first);
      await expectBudgetExceeded(authorize(meter, tenantId, { key: 'message-2' }));
    },
  },
  {
    title: 'parallel authorizations never exceed the cap',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: 10 * RESERVATION_VND });
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => authorize(meter, tenantId)));
      const granted = results.filter((result) => result.status === 'fulfilled');
      const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      expect(granted).toHaveLength(10);
      expect(refused.every((error) => AgentChatbotError.isInstance(error) && error.code === 'budget_exceeded')).toBe(true);
    },
  },
  {
    title: 'tenants have separate budgets',
    async run({ make, tenant }) {
      const [spender, other] = [tenant(), tenant()];
      const meter = await make({ [spender]: RESERVATION_VND, [other]: RESERVATION_VND });
      await authorize(meter, spender);
      await expectBudgetExceeded(authorize(meter, spender));
      await authorize(meter, other);
    },
  },
  {
    title: 'invalid estimates reject with a 4xx error',
    async run({ make, tenant }) {
      const tenantId = tenant();
      const meter = await make({ [tenantId]: 1_000 });
      await expectAgentError(
        meter.authorize({
          tenantId,
          keySource: 'platform',
          idempotencyKey: 'bad',
          estimate: { provider: PROVIDER, modelId: MODEL, inputTokens: -5, maxOutputTokens: 20 },
        }),
        { status: '4xx' },
      );
    },
  },
];

/** The meter contract's cases, for self-tests. */
export const meterContractCases = cases;

/** Builds the fixture a meter case receives from suite options. */
export function meterContractFixture(options: Pick<MeterContractOptions, 'create' | 'cleanup'>) {
  return (tracker: ContractTracker): MeterContractFixture => ({
    async make(budgets) {
      const setup: MeterContractSetup = { budgets, prices: PRICES };
      return tracker.track(await options.create(setup), (meter) => options.cleanup?.(meter, setup));
    },
    tenant: () => globalThis.crypto.randomUUID(),
  });
}

/**
 * Registers the {@link MeterV1} contract: reservations against the cap, release, settlement at
 * actual cost, idempotent `record` and `authorize`, own-key calls, tenant separation, and 50
 * concurrent authorizations that must never overspend.
 *
 * @example
 * ```ts
 * meterContract({ name: 'memory', create: ({ budgets, prices }) => createMemoryMeter({ budgets, prices }) });
 * ```
 */
export function meterContract(options: MeterContractOptions): void {
  registerContract({ suite: 'MeterV1', name: options.name, cases, skip: options.skip, fixture: meterContractFixture(options) });
}


import { AgentChatbotError } from '@agent-chatbot/core';
import { describe, expect, it } from 'vitest';

/**
 * Opts an implementation out of some contract cases, with a reason a reviewer can judge (hono's
 * `runTest({ skip: [{ reason, tests }] })`). Naming a case that does not exist is an error, so
 * skip lists cannot silently rot when cases are renamed.
 */
export interface ContractSkip {
  /** Why these checks do not apply to the implementation (printed in the test output). */
  readonly reason: string;
  /** Case titles exactly as the suite names them. */
  readonly tests: readonly string[];
}

/** One contract case: a title and a body that throws (an `expect` failure) when the contract is broken. */
export interface ContractCase<F> {
  /** Test title. */
  readonly title: string;
  /** The check. */
  readonly run: (fixture: F) => Promise<void>;
  /** Per-test timeout. */
  readonly timeoutMs?: number;
}

/** Collects the instances a case creates so they are cleaned up even when the case fails. */
export interface ContractTracker {
  /** Registers an instance to clean up after the test. */
  track<T>(instance: T, cleanup?: (instance: T) => Promise<void> | void): T;
  /** Cleans up every tracked instance. */
  dispose(): Promise<void>;
}

/** Creates a {@link ContractTracker}; cleanups run in reverse creation order. */
export function createContractTracker(): ContractTracker {
  const cleanups: Array<() => Promise<void> | void> = [];
  return {
    track(instance, cleanup) {
      if (cleanup) cleanups.push(() => cleanup(instance));
      return instance;
    },
    async dispose() {
      const errors: unknown[] = [];
      for (const cleanup of cleanups.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'contract cleanup failed');
    },
  };
}

/** Options shared by every contract suite. */
export interface ContractSuiteOptions {
  /** Implementation name shown in the test report, e.g. `'redis'`. */
  readonly name: string;
  /** Checks to skip, each with the reason. */
  readonly skip?: readonly ContractSkip[];
}

/** Checks a skip list against the case titles; throws on unknown titles or empty reasons. */
export function resolveSkips(cases: ReadonlyArray<ContractCase<never>>, skip: readonly ContractSkip[] = []): Map<string, string> {
  const titles = new Set(cases.map((contractCase) => contractCase.title));
  const reasons = new Map<string, string>();
  for (const entry of skip) {
    if (entry.reason.trim() === '') throw new Error('Every contract skip needs a reason');
    for (const title of entry.tests) {
      if (!titles.has(title)) throw new Error(`Contract skip names an unknown case: "${title}"`);
      reasons.set(title, entry.reason);
    }
  }
  return reasons;
}

/**
 * Registers `cases` as one vitest `describe` block. `fixture` builds what a case receives, using the
 * tracker so every instance is cleaned up after the case.
 */
export function registerContract<F>(options: {
  readonly suite: string;
  readonly name: string;
  readonly cases: ReadonlyArray<ContractCase<F>>;
  readonly skip?: readonly ContractSkip[];
  readonly fixture: (tracker: ContractTracker) => F;
}): void {
  const reasons = resolveSkips(options.cases as ReadonlyArray<ContractCase<never>>, options.skip);
  describe(`${options.suite} contract: ${options.name}`, () => {
    for (const contractCase of options.cases) {
      const reason = reasons.get(contractCase.title);
      if (reason !== undefined) {
        it.skip(`${contractCase.title} (skipped: ${reason})`, () => {});
        continue;
      }
      it(contractCase.title, () => runContractCase(contractCase, options.fixture), contractCase.timeoutMs);
    }
  });
}

/** Runs one case with a fresh tracker and cleans up; rejects with the case's failure. */
export async function runContractCase<F>(contractCase: ContractCase<F>, fixture: (tracker: ContractTracker) => F): Promise<void> {
  const tracker = createContractTracker();
  try {
    await contractCase.run(fixture(tracker));
  } finally {
    await tracker.dispose();
  }
}

/** Polls `predicate` every few ms until it holds; rejects after `timeoutMs` with `message`. */
export async function waitUntil(predicate: () => boolean, message: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A short random id for namespaces, keys and tenants that must not collide between runs. */
export function uniqueId(prefix: string): string {
  return `${prefix}_${globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

/**
 * Awaits `promise`, expects it to reject with an agent-chatbot error (recognised by
 * `AgentChatbotError.isInstance`, so duplicate installs of core still match) and checks its fields.
 * `status: '4xx'` accepts any client error.
 */
export async function expectAgentError(
  promise: PromiseLike<unknown>,
  expected: { readonly status?: number | '4xx'; readonly code?: string },
): Promise<AgentChatbotError> {
  let outcome: { rejected: false } | { rejected: true; error: unknown };
  try {
    await promise;
    outcome = { rejected: false };
  } catch (error) {
    outcome = { rejected: true, error };
  }
  if (!outcome.rejected) throw new Error('Expected the call to reject with an AgentChatbotError, but it resolved');
  const error = outcome.error;
  expect(AgentChatbotError.isInstance(error), `expected an AgentChatbotError, got ${String(error)}`).toBe(true);
  const agentError = error as AgentChatbotError;
  if (expected.status === '4xx') {
    expect(agentError.status).toBeGreaterThanOrEqual(400);
    expect(agentError.status).toBeLessThan(500);
  } else if (expected.status !== undefined) {
    expect(agentError.status).toBe(expected.status);
  }
  if (expected.code !== undefined) expect(agentError.code).toBe(expected.code);
  expect(agentError.messageVi, 'errors carry a Vietnamese message').toBeTruthy();
  return agentError;
}

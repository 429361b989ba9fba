// Shared by the language and embedding model contracts; not exported from the fake-llm entry point.
import { AgentChatbotError } from '@agent-chatbot/core';
import { expect, it } from 'vitest';
import type { ContractSkip } from '../contracts/contract-suite';
import type { FakeLlmServer, FakeLlmServerOptions } from './fake-llm-types';

/**
 * Settings a contract asks its `create` callback to honour, so error and timeout cases run in
 * milliseconds: a short timeout and a known number of retries.
 */
export interface ContractModelSettings {
  /** Longest wait for the provider, in ms. */
  readonly timeoutMs: number;
  /** Retries on 429/5xx; the contract counts requests as `maxRetries + 1`. */
  readonly maxRetries: number;
}

/** Starts a fake provider server, e.g. `startFakeOpenAI` from `@agent-chatbot/testkit/fake-llm`. */
export type FakeServerStarter = (options?: FakeLlmServerOptions) => Promise<FakeLlmServer>;

/**
 * Registers cases with the skip rules every testkit contract shares (`ContractSkip` from
 * `contract-suite`): skip by exact case title, with a reason; an empty reason or a title that no
 * case has throws, so skip lists cannot rot. Call `verify()` after the last case.
 */
export function createCaseRegistrar(skip: readonly ContractSkip[] = []): {
  test(title: string, body: () => Promise<void>): void;
  verify(): void;
} {
  const reasons = new Map<string, string>();
  for (const entry of skip) {
    if (entry.reason.trim() === '') throw new Error('Every contract skip needs a reason');
    for (const title of entry.tests) reasons.set(title, entry.reason);
  }
  const registered = new Set<string>();
  return {
    test(title, body) {
      registered.add(title);
      const reason = reasons.get(title);
      if (reason !== undefined) it.skip(`${title} (skipped: ${reason})`, body);
      else it(title, body);
    },
    verify() {
      for (const title of reasons.keys()) {
        if (!registered.has(title)) throw new Error(`Contract skip names an unknown case: "${title}"`);
      }
    },
  };
}

/** The settings contracts use unless a case needs others. */
export const DEFAULT_CONTRACT_SETTINGS: ContractModelSettings = { timeoutMs: 5_000, maxRetries: 2 };

/** Runs `run` and returns what it threw; fails the test when it resolves. */
export async function captureError(run: () => PromiseLike<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  expect.fail('expected the call to throw');
}

/** Asserts `error` is an agent-chatbot error of class `name` with `status`, and returns it. */
export function expectTypedError(error: unknown, name: string, status: number): AgentChatbotError {
  expect(AgentChatbotError.isInstance(error), `expected an AgentChatbotError, got ${String(error)}`).toBe(true);
  const typed = error as AgentChatbotError;
  expect(typed.name).toBe(name);
  expect(typed.status).toBe(status);
  expect(typed.messageVi.length).toBeGreaterThan(0);
  return typed;
}

/** Counts requests of one kind in the fake's log. */
export function countRequests(server: FakeLlmServer, kind: 'chat' | 'embeddings'): number {
  return server.requests.filter((request) => request.kind === kind).length;
}

import { AgentChatbotError } from '@agent-chatbot/core';
import { expect } from 'vitest';

/** What {@link agentChatbotMatchers}' `toBeAgentChatbotError` can check besides the error kind. */
export interface AgentChatbotErrorExpectation {
  /** Expected error code. */
  readonly code?: string;
  /** An exact status, or `'4xx'` for any client error. */
  readonly status?: number | '4xx';
}

/** What a vitest matcher returns. */
export interface MatcherResult {
  /** Whether the expectation held. */
  pass: boolean;
  /** Explains the failure (or, negated, the unexpected success). */
  message: () => string;
}

function describeError(received: unknown): string {
  if (AgentChatbotError.isInstance(received)) return `${received.name}(${received.status} ${received.code}: ${received.message})`;
  return received instanceof Error ? `${received.name}: ${received.message}` : String(received);
}

/**
 * Custom vitest matchers for agent-chatbot tests. Install once with
 * {@link installAgentChatbotMatchers} (e.g. in a `setupFiles` module).
 */
export const agentChatbotMatchers = {
  /**
   * Passes for an {@link AgentChatbotError} (recognised across duplicate installs of core) that
   * carries a Vietnamese message and, when given, the expected `code` and `status`.
   */
  toBeAgentChatbotError(received: unknown, expected: AgentChatbotErrorExpectation = {}): MatcherResult {
    const problems: string[] = [];
    if (!AgentChatbotError.isInstance(received)) {
      problems.push('it is not an AgentChatbotError');
    } else {
      if (expected.code !== undefined && received.code !== expected.code) problems.push(`code is "${received.code}", not "${expected.code}"`);
      if (expected.status === '4xx' && (received.status < 400 || received.status > 499)) problems.push(`status ${received.status} is not 4xx`);
      if (typeof expected.status === 'number' && received.status !== expected.status) {
        problems.push(`status is ${received.status}, not ${expected.status}`);
      }
      if (!received.messageVi) problems.push('it has no Vietnamese message (messageVi)');
    }
    return {
      pass: problems.length === 0,
      message: () =>
        problems.length === 0
          ? `expected ${describeError(received)} not to be a matching AgentChatbotError`
          : `expected ${describeError(received)} to be an AgentChatbotError${JSON.stringify(expected)}, but ${problems.join('; ')}`,
    };
  },
};

/**
 * Registers {@link agentChatbotMatchers} with vitest's `expect`.
 *
 * @example
 * ```ts
 * installAgentChatbotMatchers();
 * await expect(cache.increment('text')).rejects.toBeAgentChatbotError({ status: '4xx' });
 * expect(error).toBeAgentChatbotError({ code: 'budget_exceeded', status: 402 });
 * ```
 */
export function installAgentChatbotMatchers(): void {
  expect.extend(agentChatbotMatchers);
}

declare module 'vitest' {
  // Augments vitest's own interface; its type parameters must repeat vitest 5's declaration.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void> = void | Promise<void>, T = unknown> {
    /** See {@link agentChatbotMatchers}. */
    toBeAgentChatbotError(expected?: AgentChatbotErrorExpectation): R;
  }
}

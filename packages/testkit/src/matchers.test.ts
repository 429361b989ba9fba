import { BudgetExceededError, ValidationError } from '@agent-chatbot/core';
import { describe, expect, it } from 'vitest';
import { installAgentChatbotMatchers } from './matchers';

installAgentChatbotMatchers();

describe('toBeAgentChatbotError', () => {
  it('matches code and status, and accepts 4xx', async () => {
    expect(new BudgetExceededError()).toBeAgentChatbotError({ code: 'budget_exceeded', status: 402 });
    expect(new ValidationError()).toBeAgentChatbotError({ status: '4xx' });
    await expect(Promise.reject(new ValidationError())).rejects.toBeAgentChatbotError({ code: 'validation_failed' });
  });

  it('fails for plain errors, wrong codes and wrong statuses', () => {
    expect(() => expect(new Error('x')).toBeAgentChatbotError()).toThrow(/not an AgentChatbotError/);
    expect(() => expect(new ValidationError()).toBeAgentChatbotError({ code: 'other' })).toThrow(/code is "validation_failed"/);
    expect(() => expect(new BudgetExceededError()).toBeAgentChatbotError({ status: '4xx' })).not.toThrow();
    expect(() => expect(new BudgetExceededError()).toBeAgentChatbotError({ status: 400 })).toThrow(/status is 402/);
    expect(new Error('x')).not.toBeAgentChatbotError();
  });
});

import type { LanguageModelV1Prompt } from '@agent-chatbot/core';

/** A prompt in the shape of the Messages API: one top-level system text and alternating turns. */
export interface AnthropicPrompt {
  /** The system prompt, sent separately as Anthropic requires. */
  readonly system: string | undefined;
  /** Alternating user and assistant turns. */
  readonly messages: Array<{ role: 'user' | 'assistant'; content: string }>;
}

/**
 * Converts the spec's prompt: system messages are hoisted into `system` (joined by blank lines, in
 * order), and consecutive turns of the same role are merged, since the API expects alternation.
 */
export function convertToAnthropicPrompt(prompt: LanguageModelV1Prompt): AnthropicPrompt {
  const system: string[] = [];
  const messages: AnthropicPrompt['messages'] = [];
  for (const message of prompt) {
    if (message.role === 'system') {
      system.push(message.content);
      continue;
    }
    const previous = messages.at(-1);
    if (previous?.role === message.role) previous.content = `${previous.content}\n\n${message.content}`;
    else messages.push({ role: message.role, content: message.content });
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages };
}

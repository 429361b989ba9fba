import { languageModelContract } from '@agent-chatbot/testkit';
import { startFakeAnthropic } from '@agent-chatbot/testkit/fake-llm';
import { createAnthropic } from '../src';

languageModelContract({
  name: 'anthropic',
  server: startFakeAnthropic,
  create: (server, settings) =>
    createAnthropic({ apiKey: server.apiKey, baseURL: server.baseURL, ...settings }).languageModel('claude-haiku-4-5'),
});

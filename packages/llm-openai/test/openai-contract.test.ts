import { embeddingModelContract, languageModelContract } from '@agent-chatbot/testkit';
import { startFakeOpenAI } from '@agent-chatbot/testkit/fake-llm';
import { createOpenAI } from '../src';

languageModelContract({
  name: 'openai',
  server: startFakeOpenAI,
  create: (server, settings) =>
    createOpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, ...settings }).languageModel('gpt-4o-mini'),
});

embeddingModelContract({
  name: 'openai',
  server: startFakeOpenAI,
  create: (server, settings) =>
    createOpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, ...settings }).embeddingModel('text-embedding-3-small'),
});

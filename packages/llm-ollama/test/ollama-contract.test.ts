import { embeddingModelContract, languageModelContract } from '@agent-chatbot/testkit';
import { startFakeOllama } from '@agent-chatbot/testkit/fake-llm';
import { createOllama } from '../src';

languageModelContract({
  name: 'ollama',
  server: startFakeOllama,
  create: (server, settings) => createOllama({ host: server.baseURL, ...settings }).languageModel('qwen2.5:7b'),
});

embeddingModelContract({
  name: 'ollama',
  server: startFakeOllama,
  create: (server, settings) => createOllama({ host: server.baseURL, ...settings }).embeddingModel('bge-m3'),
});

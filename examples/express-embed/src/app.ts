// Ứng dụng Express của bạn trả lời từ một thư mục tài liệu / your Express app answering from a folder of documents.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';
import { createBot } from '@agent-chatbot/core';
import { createBotRouter } from '@agent-chatbot/core/express';
import { createOpenAI } from '@agent-chatbot/llm-openai';
import { createKnowledgeBase } from '@agent-chatbot/rag';

/** Where the documents are, where the index goes, and which OpenAI-compatible server answers. */
export interface AppOptions { docsDir: string; dataDir: string; baseURL?: string; apiKey?: string; model?: string }

/** Indexes every file in `docsDir` (embedded LanceDB, no server) and mounts the bot at `/bot`. */
export async function createApp(options: AppOptions) {
  const knowledge = createKnowledgeBase({ storage: { uri: options.dataDir } });
  const names = await readdir(options.docsDir);
  const documents = await Promise.all(names.map(async (name) => ({ sourceId: name, name, content: await readFile(join(options.docsDir, name)) })));
  await knowledge.ingestDocuments({ namespace: 'default', documents });
  const openai = createOpenAI({ apiKey: options.apiKey, baseURL: options.baseURL });
  const bot = createBot({
    model: openai.languageModel(options.model ?? 'gpt-4o-mini'),
    retriever: knowledge.retriever, // conversations and the answer cache stay in memory (the defaults)
    persona: { name: 'Mai', businessName: 'Tiệm Trà Mộc An', tone: 'thân thiện' },
  });
  const app = express();
  app.use('/bot', createBotRouter(bot)); // POST /bot/chat { "message": "…" }
  app.get('/', (_request, response) => { response.send('Tiệm Trà Mộc An — hỏi bot qua POST /bot/chat'); });
  return { app, bot, close: () => knowledge.close() };
}

// `pnpm start`: OPENAI_API_KEY (and OPENAI_BASE_URL for Gemini/DeepSeek/Groq/vLLM…) from the environment.
import { fileURLToPath } from 'node:url';
import { createApp } from './app';

const { app } = await createApp({
  docsDir: fileURLToPath(new URL('../docs', import.meta.url)),
  dataDir: process.env.DATA_DIR ?? fileURLToPath(new URL('../.data', import.meta.url)),
  baseURL: process.env.OPENAI_BASE_URL,
  apiKey: process.env.OPENAI_API_KEY,
  model: process.env.OPENAI_MODEL,
});
const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`Bot đang chạy / listening: http://127.0.0.1:${port}/bot/chat`));

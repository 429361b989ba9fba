/**
 * Engine overhead per message: `createBot().answer()` (routing, prompt, guards, memory store,
 * answer cache skipped) over an in-memory mock model that answers at once, against calling that
 * same model directly — the difference is what the engine adds to every message. Also the
 * no-model FAQ path through a small in-memory retriever. Reported against the CPU yardstick.
 *
 *   pnpm --filter @agent-chatbot/bench exec tsx src/engine-overhead.ts [--messages 2000]
 */
import { createBot } from '../../packages/core/src/bot/index';
import { MockLanguageModelV1, MockRetrieverV1 } from '../../packages/core/src/test/index';
import { parseFlags } from './lib/args';
import { writeResult } from './lib/output';
import { faqEntries } from './lib/shop';
import { cpuYardstickMs, median, ratio, round, summarize } from './lib/stats';

const flags = parseFlags();
const MESSAGES = flags.number('messages', flags.bool('quick') ? 500 : 2000);
const yardstick = cpuYardstickMs();

const model = new MockLanguageModelV1({ doGenerate: () => 'Dạ, sản phẩm này còn hàng ạ.' });
const faq = faqEntries();
const retriever = new MockRetrieverV1({
  doRetrieve: ({ query }) => {
    const entry = faq.find((candidate) => candidate.question === query);
    // A FAQ hit answers without the model; anything else gets one relevant passage (model path).
    const chunk = entry
      ? { id: 'faq-1', sourceId: 'faq', text: `Hỏi: ${entry.question}\nĐáp: ${entry.answer}`, score: 1, metadata: { kind: 'faq', question: entry.question, answer: entry.answer } }
      : { id: 'doc-1', sourceId: 'doc', text: 'Áo thun mẫu mới còn size M, L, giá 150.000đ, giao toàn quốc.', score: 0.9, metadata: {} };
    return { chunks: [chunk], warnings: [] };
  },
});
const bot = createBot({ tenantId: 'bench', model, retriever });

const time = async (run: (i: number) => Promise<unknown>, count: number): Promise<number[]> => {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return samples;
};

await time((i) => bot.answer({ externalConversationId: `warm-${i % 20}`, text: `Khởi động ${i}`, skipCache: true }), 100);
const direct = await time(() => model.doGenerate({ prompt: [{ role: 'user', content: 'Áo thun còn size M không?' }], maxOutputTokens: 200 }), MESSAGES);
const modelPath = await time((i) => bot.answer({ externalConversationId: `c-${i % 50}`, text: `Áo thun mẫu ${i} còn size M không?`, skipCache: true }), MESSAGES);
const faqPath = await time((i) => bot.answer({ externalConversationId: `f-${i % 50}`, text: faq[i % faq.length]!.question, skipCache: true }), MESSAGES);
await bot.idle();
const routes = { model: (await bot.answer({ externalConversationId: 'p', text: 'Áo thun mẫu 1 còn size M không?', skipCache: true })).route, faq: (await bot.answer({ externalConversationId: 'p', text: faq[0]!.question, skipCache: true })).route };

const overheadMs = median(modelPath) - median(direct);
writeResult('engine-overhead', {
  messages: MESSAGES,
  routes,
  cpuYardstickMs: yardstick,
  directModelCallMs: summarize(direct),
  engineModelPathMs: summarize(modelPath),
  engineFaqPathMs: summarize(faqPath),
  overheadPerMessageMs: round(overheadMs),
  overheadVsYardstick: ratio(overheadMs, yardstick),
  faqPathVsYardstick: ratio(median(faqPath), yardstick),
});

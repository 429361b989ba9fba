import { describe, expect, it } from 'vitest';
import { createBot } from '../bot';
import type { LanguageModelV1CallOptions } from '../language-model/v1';
import { MockLanguageModelV1 } from '../test';
import type { MessageRecord } from './conversation-store';
import { buildAnswerPrompt } from './prompt';
import { personaSchema } from './persona';
import { coverage, topicTokens } from './text-similarity';
import { FAQ_CONVERSATION_LOG } from './__fixtures__/faq-conversation-log';
import { createShopRetriever } from './__fixtures__/shop-knowledge';

/** Answers like a faithful model: with the knowledge item that best matches the question. */
function answerFromKnowledge({ prompt }: LanguageModelV1CallOptions): string {
  const user = prompt.at(-1)?.content ?? '';
  const question = topicTokens(/<cau_hoi[^>]*>\n([\s\S]*?)\n<\/cau_hoi/.exec(user)?.[1] ?? '');
  const knowledge = /<kien_thuc[^>]*>\n([\s\S]*?)\n<\/kien_thuc/.exec(user)?.[1] ?? '';
  const items = knowledge.split(/\n\n(?=\[\d+\] )/).map((item) => item.replace(/^\[\d+\] /, ''));
  const best = items.sort((left, right) => coverage(question, topicTokens(right)) - coverage(question, topicTokens(left)))[0];
  return `Dạ, ${(best ?? 'shop xin trả lời ạ.').replace(/\s+/g, ' ').slice(0, 220)}`;
}

const isSummaryCall = (call: LanguageModelV1CallOptions) => call.prompt[0]?.content.startsWith('Tóm tắt') ?? false;

describe('tokens per answered message', () => {
  it('is at most 40 % of a naive pipeline (top 5 full chunks + full history, no cache) with the same facts', async () => {
    // The engine: answer cache, direct FAQ answers, top 3 trimmed chunks, last 4 messages + summary.
    const model = new MockLanguageModelV1({
      doGenerate: (options) => (isSummaryCall(options) ? 'Khách hỏi giá, size, giao hàng và đổi trả.' : answerFromKnowledge(options)),
    });
    const bot = createBot({ tenantId: 'shop-a', model, retriever: createShopRetriever() });
    let engineTokens = 0;
    bot.on('usage.recorded', ({ usage }) => {
      if ('inputTokens' in usage.usage) engineTokens += (usage.usage.inputTokens.total ?? 0) + (usage.usage.outputTokens.total ?? 0);
    });
    const routes: Record<string, number> = {};
    for (const entry of FAQ_CONVERSATION_LOG) {
      const callsBefore = model.doGenerateCalls.length;
      const result = await bot.answer({ externalConversationId: entry.customer, text: entry.text });
      routes[result.route] = (routes[result.route] ?? 0) + 1;
      expect(result.route, entry.text).not.toBe('fallback');
      const answerCall = model.doGenerateCalls.slice(callsBefore).find((call) => !isSummaryCall(call));
      // Same facts: what the engine showed the model, or answered directly, holds the needed fact.
      const evidence = answerCall ? answerCall.prompt.map((message) => message.content).join('\n') : result.text;
      expect(evidence, entry.text).toContain(entry.fact);
    }
    await bot.idle();

    // The naive pipeline on the same log and the same model.
    const naiveModel = new MockLanguageModelV1({ doGenerate: answerFromKnowledge });
    const retriever = createShopRetriever();
    const persona = personaSchema.parse({});
    const histories = new Map<string, MessageRecord[]>();
    let naiveTokens = 0;
    for (const entry of FAQ_CONVERSATION_LOG) {
      const history = histories.get(entry.customer) ?? [];
      const { chunks } = await retriever.doRetrieve({ namespace: 'shop-a', query: entry.text, topK: 5 });
      const { prompt } = buildAnswerPrompt({ persona, question: entry.text, knowledge: chunks.map((chunk) => chunk.text), history, maxAnswerChars: 1200, nonce: '0123456789ab' });
      expect(prompt.map((message) => message.content).join('\n'), entry.text).toContain(entry.fact);
      const result = await naiveModel.doGenerate({ prompt, maxOutputTokens: 350 });
      naiveTokens += (result.usage.inputTokens.total ?? 0) + (result.usage.outputTokens.total ?? 0);
      const at = new Date();
      const base = { tenantId: 'shop-a', conversationId: entry.customer, createdAt: at };
      history.push({ ...base, id: `${history.length}`, role: 'customer', content: entry.text });
      history.push({ ...base, id: `${history.length}`, role: 'bot', content: result.text });
      histories.set(entry.customer, history);
    }

    const count = FAQ_CONVERSATION_LOG.length;
    const ratio = engineTokens / naiveTokens;
    console.log(JSON.stringify({ messages: count, routes, engineTokensPerAnswer: Math.round(engineTokens / count), naiveTokensPerAnswer: Math.round(naiveTokens / count), ratio: Number(ratio.toFixed(3)) }));
    expect(routes.cache ?? 0).toBeGreaterThanOrEqual(8);
    expect(routes.faq ?? 0).toBeGreaterThanOrEqual(4);
    expect(ratio).toBeLessThanOrEqual(0.4);
  });
});

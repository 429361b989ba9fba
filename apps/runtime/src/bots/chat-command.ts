/**
 * `agent-chatbot chat --tenant ID [--conversation ID] "câu hỏi"`: asks the tenant's bot from the
 * command line, exactly as a customer would be answered (channel `api`, nothing delivered).
 */
import pino from 'pino';
import type { CommandDef } from '../cli/command-table';
import { usageError } from '../cli/output';
import type { RuntimeDb } from '../db/index';
import { registerBuiltInJobs } from '../jobs/maintenance';
import { createRuntime } from '../runtime';
import { createLogger } from '../secrets/logger';
import { getTenant } from '../tenants/tenant-service';
import { answerForTenant } from './answer-for-tenant';
import { answerJson } from './answer-json';
import { tenantBotsIdle } from './tenant-bot';

/** The `chat` command. */
export const chatCommand: CommandDef = {
  name: 'chat',
  summaryVi: 'Hỏi bot của một cửa hàng',
  summaryEn: "Ask a tenant's bot",
  usage: 'agent-chatbot chat --tenant ID|SLUG [--conversation ID] [--premium] [--no-cache] "câu hỏi" [--json]',
  options: { tenant: { type: 'string' }, conversation: { type: 'string' }, premium: { type: 'boolean' }, 'no-cache': { type: 'boolean' } },
  positionals: ['QUESTION'],
  async run(env, values, positionals) {
    const tenantRef = values['tenant'];
    if (typeof tenantRef !== 'string' || !tenantRef.trim()) throw usageError('Missing --tenant', 'Thiếu tham số --tenant');
    const question = positionals.join(' ').trim();
    if (!question) throw usageError('Missing the question', 'Thiếu câu hỏi');
    const tenant = await getTenant(env.db, tenantRef);
    // A runtime over the command's database (never closed here: the CLI or the server owns it),
    // with the configured cache (Redis: answers cached by the server count) and every feature,
    // so the knowledge retriever and billing plug into the bot as they do in `serve`.
    // Log lines go to stderr so `--json` output stays one clean object.
    // Inside the server it shares the server's started job queue.
    const runtime = await createRuntime(env.config, {
      db: { ...(env.db as RuntimeDb), close: async () => undefined },
      migrate: false,
      logger: createLogger({ level: 'warn', destination: pino.destination(2) }),
      ...(env.jobs ? { jobs: env.jobs } : {}),
    });
    // Loaded here: the feature list imports this command's module graph.
    const { closeFeatures, createFeatures, registerFeatureJobs } = await import('../features/index');
    const features = createFeatures(runtime);
    try {
      if (!env.jobs) {
        // On its own: the queues are declared and the queue started without workers, so what an
        // answer enqueues (the agents' notification of a handoff) waits for the server's workers —
        // without it the enqueue failed and rolled back the handoff's inbox write.
        registerBuiltInJobs(runtime.jobs, runtime.db);
        registerFeatureJobs(features);
        await runtime.jobs.start();
      }
      const conversation = typeof values['conversation'] === 'string' ? values['conversation'] : undefined;
      const result = await answerForTenant(
        runtime,
        { tenantId: tenant.id, channel: 'api', externalUserId: 'cli', text: question, ...(conversation ? { conversationId: conversation } : { externalConversationId: `cli:${Date.now()}` }) },
        { ...(values['premium'] === true ? { tier: 'premium' } : {}), ...(values['no-cache'] === true ? { skipCache: true } : {}) },
      );
      await tenantBotsIdle(runtime);
      const json = answerJson(result);
      const sources = json.sources.map((source) => `  - ${source.title ?? source.source_id} (${source.score})`).join('\n');
      const text = [
        json.answer,
        '',
        `Nguồn / Sources:${sources ? `\n${sources}` : ' —'}`,
        `Mô hình / Model: ${json.model ?? '—'} · route: ${json.route} (${json.route_reason})`,
        `Token: ${json.tokens_in} vào/in, ${json.tokens_out} ra/out · Chi phí / Cost: ${json.cost_vnd} VND · Cache: ${json.cache_hit ? 'có / hit' : 'không / miss'}`,
        `Cuộc trò chuyện / Conversation: ${json.conversation_id}`,
      ].join('\n');
      return { json, text };
    } finally {
      await closeFeatures(features, () => undefined);
      await runtime.close();
    }
  },
};

/**
 * `agent-chatbot chat --tenant ID [--conversation ID] "câu hỏi"`: asks the tenant's bot from the
 * command line, exactly as a customer would be answered (channel `api`, nothing delivered).
 */
import pino from 'pino';
import type { CommandDef, CommandEnv } from '../cli/command-table';
import { usageError } from '../cli/output';
import type { RuntimeDb } from '../db/index';
import { registerBuiltInJobs } from '../jobs/maintenance';
import { createRuntime, type Runtime } from '../runtime';
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
    const ask = async (runtime: Runtime) => {
      const conversation = typeof values['conversation'] === 'string' ? values['conversation'] : undefined;
      const answered = await answerForTenant(
        runtime,
        { tenantId: tenant.id, channel: 'api', externalUserId: 'cli', text: question, ...(conversation ? { conversationId: conversation } : { externalConversationId: `cli:${Date.now()}` }) },
        { ...(values['premium'] === true ? { tier: 'premium' } : {}), ...(values['no-cache'] === true ? { skipCache: true } : {}) },
      );
      await tenantBotsIdle(runtime);
      return answered;
    };
    // Inside the server: the server's own runtime — its cache, pub/sub (live inbox), rate limits,
    // bots and started job queue. On its own: a runtime of its own (below).
    const result = env.runtime ? await ask(env.runtime) : await withOwnRuntime(env, ask);
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
  },
};

/**
 * Runs `fn` with a runtime over the command's database (the database itself is never closed here:
 * the CLI owns it), with the configured cache (Redis: answers cached by the server count) and every
 * feature, so the knowledge retriever, billing and the inbox plug into the bot as they do in
 * `serve`. Its job queue is started without workers, so what an answer enqueues (the agents'
 * notification of a handoff) waits for the server's workers — without it the enqueue failed and
 * rolled back the handoff's inbox write. Log lines go to stderr so `--json` output stays one object.
 */
async function withOwnRuntime<T>(env: CommandEnv, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime(env.config, {
    db: { ...(env.db as RuntimeDb), close: async () => undefined },
    migrate: false,
    logger: createLogger({ level: 'warn', destination: pino.destination(2) }),
  });
  // Loaded here: the feature list imports this command's module graph.
  const { closeFeatures, createFeatures, registerFeatureJobs } = await import('../features/index');
  const features = createFeatures(runtime);
  try {
    registerBuiltInJobs(runtime.jobs, runtime.db);
    registerFeatureJobs(features);
    await runtime.jobs.start();
    return await fn(runtime);
  } finally {
    await closeFeatures(features, () => undefined);
    await runtime.close();
  }
}

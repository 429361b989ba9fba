/**
 * `agent-chatbot chat --tenant ID [--conversation ID] "câu hỏi"`: asks the tenant's bot from the
 * command line, exactly as a customer would be answered (channel `api`, nothing delivered).
 */
import { createMemoryCache, type CacheV1 } from '@agent-chatbot/core';
import { createRedisCache } from '@agent-chatbot/cache-redis';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { CommandDef, CommandEnv } from '../cli/command-table';
import { usageError } from '../cli/output';
import { createLogger } from '../secrets/logger';
import { createTenantSecretStore } from '../secrets/tenant-secret-store';
import { getTenant } from '../tenants/tenant-service';
import { answerForTenant } from './answer-for-tenant';
import { answerJson } from './answer-json';
import { tenantBotsIdle, type BotRuntime } from './tenant-bot';

/** Opens the cache the server uses (Redis when configured, so cache hits are shared), else memory. */
function openCache(env: CommandEnv): { cache: CacheV1; close(): void } {
  if (!env.config.redisUrl) return { cache: createMemoryCache(), close: () => undefined };
  const client = new Redis(env.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  return { cache: createRedisCache({ client }, { keyPrefix: 'acb:cache:' }), close: () => client.disconnect() };
}

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
    const opened = openCache(env);
    // Log lines go to stderr so `--json` output stays one clean object.
    const runtime: BotRuntime = {
      config: env.config,
      db: env.db,
      secrets: createTenantSecretStore(env.secretBox),
      cache: opened.cache,
      logger: createLogger({ level: 'warn', destination: pino.destination(2) }),
    };
    try {
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
      opened.close();
    }
  },
};

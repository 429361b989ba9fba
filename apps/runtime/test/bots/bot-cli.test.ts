/**
 * `agent-chatbot tenant set-llm` (key validated with a fake OpenAI server, stored encrypted) and
 * `agent-chatbot chat` (one answer, `--json` with the documented fields), in process on PGlite.
 */
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandEnv } from '../../src/cli/command-table';
import { runCommand } from '../../src/cli/run-command';
import { generateSecretKey, loadConfig } from '../../src/config';
import pino from 'pino';
import { closeFeatures, createFeatures, registerFeatureJobs } from '../../src/features/index';
import { inboxChannel } from '../../src/inbox/inbox-events';
import { registerBuiltInJobs } from '../../src/jobs/index';
import { createRuntime } from '../../src/runtime';
import { waitFor } from '../helpers/wait';
import type { PgliteDb } from '../../src/db/pglite-db';
import { createSecretBox } from '../../src/secrets/secret-box';
import { createTestPglite } from '../helpers/pglite';

const KEY = 'sk-cli-canary-0a1b2c3d4e5f6a7b';

describe('chat and tenant set-llm commands (PGlite)', () => {
  let db: PgliteDb;
  let env: CommandEnv;
  let fake: FakeLlmServer;
  let tenantId: string;
  const run = (...argv: string[]) => runCommand(argv, async () => ({ env, close: async () => {} }));

  beforeAll(async () => {
    db = await createTestPglite();
    fake = await startFakeOpenAI({ apiKey: KEY });
    const key = generateSecretKey();
    const config = loadConfig({ CHATBOT_JWT_SECRET: 'x'.repeat(40), CHATBOT_SECRET_KEYS: `${key.id}:${key.key.toString('base64')}` });
    env = { config, db, secretBox: createSecretBox(config.secretKeys), inServer: false };
    const created = await run('tenant', 'create', '--name', 'Tiệm Bánh Mì', '--admin-email', 'banhmi@example.vn', '--admin-password', 'banh-mi-ngon-lam-1', '--json');
    tenantId = (JSON.parse(created.stdout) as { id: string }).id;
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await db?.close();
  });

  it('rejects a bad key with a bilingual error and stores nothing', async () => {
    const bad = await run('tenant', 'set-llm', '--tenant', tenantId, '--provider', 'openai', '--base-url', fake.baseURL, '--api-key', 'sk-wrong-1234567890', '--json');
    expect(bad.exitCode).not.toBe(0);
    expect(`${bad.stdout}${bad.stderr}`).toMatch(/từ chối/);
    const { rowCount } = await db.tenant(tenantId, (tx) => tx.query('SELECT 1 FROM tenant_secrets'));
    expect(rowCount).toBe(0);
    const badMode = await run('tenant', 'set-llm', '--tenant', tenantId, '--provider', 'openai', '--key-mode', 'sometimes');
    expect(badMode.exitCode).not.toBe(0);
    expect(`${badMode.stdout}${badMode.stderr}`).toContain('--key-mode');
  });

  it('stores a valid key (masked in the output) and the chat command answers with every field', async () => {
    const saved = await run('tenant', 'set-llm', '--tenant', 'tiem-banh-mi', '--provider', 'openai', '--base-url', fake.baseURL, '--api-key', KEY, '--cheap-model', 'gpt-4o-mini', '--key-mode', 'own', '--json');
    expect(saved.exitCode, saved.stdout + saved.stderr).toBe(0);
    expect(saved.stdout).not.toContain(KEY);
    expect(JSON.parse(saved.stdout)).toMatchObject({ provider: 'openai', key_mode: 'own', api_key_set: true, cheap_model: 'gpt-4o-mini' });

    const answer = await run('chat', '--tenant', tenantId, 'Xin chào shop', '--json');
    expect(answer.exitCode).toBe(0);
    const json = JSON.parse(answer.stdout) as Record<string, unknown>;
    for (const field of ['answer', 'sources', 'model', 'tokens_in', 'tokens_out', 'cost_vnd', 'cache_hit', 'route']) expect(json).toHaveProperty(field);
    expect(json).toMatchObject({ route: 'no-llm', route_reason: 'greeting', cache_hit: false });

    const followUp = await run('chat', '--tenant', tenantId, '--conversation', String(json['conversation_id']), 'Shop bán gì vậy?');
    expect(followUp.exitCode).toBe(0);
    expect(followUp.stdout).toMatch(/Nguồn \/ Sources/);
    expect(followUp.stdout).toMatch(/route: fallback/);
    const { rows } = await db.tenant(tenantId, (tx) => tx.query<{ count: number }>('SELECT message_count AS count FROM conversations WHERE id = $1', [json['conversation_id']]));
    expect(rows[0]?.count).toBe(4);

    const missing = await run('chat', '--tenant', tenantId, '--conversation', '00000000-0000-4000-8000-000000000000', 'alo');
    expect(missing.exitCode).not.toBe(0);
    expect(`${missing.stdout}${missing.stderr}`).toMatch(/Không tìm thấy/);
  });

  /** The conversation's handoff state, its inbox events and the agents' notification jobs. */
  const handoffState = async (conversationId: string) => ({
    conversation: (await db.tenant(tenantId, (tx) => tx.query<{ mode: string; needs_human: boolean }>('SELECT mode, needs_human FROM conversations WHERE id = $1', [conversationId]))).rows[0],
    events: (await db.tenant(tenantId, (tx) => tx.query<{ type: string }>('SELECT type FROM inbox_events WHERE conversation_id = $1 ORDER BY id', [conversationId]))).rows.map((row) => row.type),
    notifications: (await db.platform((tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'inbox.notify' AND data::text LIKE '%' || $1 || '%'`, [conversationId]))).rows[0]!.n,
  });

  it("a handoff asked for on the command line reaches the inbox and queues the agents' notification", async () => {
    // On its own (no server): the queue is started without workers; the server's workers send it later.
    const asked = await run('chat', '--tenant', tenantId, 'Cho mình gặp nhân viên', '--json');
    expect(asked.exitCode, asked.stdout + asked.stderr).toBe(0);
    const json = JSON.parse(asked.stdout) as { conversation_id: string; route: string; handoff: boolean };
    expect(json).toMatchObject({ route: 'handoff', handoff: true });
    expect(await handoffState(json.conversation_id)).toEqual({
      conversation: { mode: 'human', needs_human: true },
      events: expect.arrayContaining(['handoff.requested', 'conversation.mode']),
      notifications: 1,
    });
  });

  it("inside the server it answers through the server's runtime: its job queue, and its pub/sub for the live inbox", async () => {
    // What `serve` hands to commands that arrive on its control socket.
    const server = await createRuntime(env.config, { db: { ...db, close: async () => undefined }, migrate: false, logger: pino({ level: 'silent' }) });
    const features = createFeatures(server);
    registerBuiltInJobs(server.jobs, server.db);
    registerFeatureJobs(features);
    await server.jobs.start();
    const live: Array<{ type: string }> = [];
    const unsubscribe = await server.pubsub.subscribe(inboxChannel(tenantId), (event) => void live.push(event as { type: string }));
    try {
      const inServer = await runCommand(['chat', '--tenant', tenantId, 'Mình muốn gặp người thật', '--json'], async () => ({
        env: { ...env, inServer: true, jobs: server.jobs, runtime: server },
        close: async () => {},
      }));
      expect(inServer.exitCode, inServer.stdout + inServer.stderr).toBe(0);
      const json = JSON.parse(inServer.stdout) as { conversation_id: string; route: string };
      expect(json.route).toBe('handoff');
      expect((await handoffState(json.conversation_id)).notifications).toBe(1);
      // The server's own subscribers (the inbox's live streams) saw it, and its queue still runs.
      await waitFor(() => live.some((event) => event.type === 'handoff.requested'), 5_000, 'live handoff event');
      expect(server.jobs.started).toBe(true);
    } finally {
      await unsubscribe();
      await closeFeatures(features, () => undefined);
      await server.close();
    }
  });
});

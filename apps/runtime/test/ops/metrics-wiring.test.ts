/**
 * The metrics are wired, not just declared: a tenant bot's model calls (through a fake OpenAI
 * server) and answer-cache lookups, and a knowledge upload + search, show up on `/metrics`.
 * Both apps run on PGlite; the registry is process-wide, so it is reset first.
 */
import { startFakeOpenAI, type FakeLlmServer } from '@agent-chatbot/testkit/fake-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantBotsIdle } from '../../src/bots/tenant-bot';
import { resetMetrics } from '../../src/ops/metrics';
import { startBotApp, type BotApp } from '../bots/bot-harness';
import { createTestPglite } from '../helpers/pglite';
import { startKnowledgeApp, type KnowledgeApp } from '../knowledge/harness';

const OWN_KEY = 'sk-own-metrics-0a1b2c3d4e5f6a7b8c9d';
const METRICS_TOKEN = 'metrics-token-0123456789';

/** Sums every sample of `name` whose labels contain all of `labels` (e.g. `status="ok"`). */
function sample(text: string, name: string, ...labels: string[]): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (labels.every((label) => (match[2] ?? '').includes(label))) total += Number(match[3]);
  }
  return total;
}

async function scrape(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
}

describe('metrics wiring (PGlite)', { timeout: 120_000 }, () => {
  let bots: BotApp;
  let llm: FakeLlmServer;
  let kb: KnowledgeApp;

  beforeAll(async () => {
    resetMetrics({ defaultMetrics: false });
    llm = await startFakeOpenAI({ apiKey: OWN_KEY, responder: () => 'Dạ, giao đến Đà Nẵng mất 3 ngày, phí 30.000đ ạ.' });
    bots = await startBotApp(await createTestPglite(), { CHATBOT_METRICS_TOKEN: METRICS_TOKEN });
    kb = await startKnowledgeApp(await createTestPglite(), { CHATBOT_METRICS_TOKEN: METRICS_TOKEN });
  }, 120_000);
  afterAll(async () => {
    await bots?.close();
    await kb?.close();
    await llm?.close();
  });

  it('counts model calls, tokens and answer-cache lookups of the tenant bots', async () => {
    const saved = await bots.call('PUT', '/v1/tenant/llm', {
      token: bots.token,
      body: { provider: 'openai', base_url: llm.baseURL, api_key: OWN_KEY, key_mode: 'own', cheap_model: 'gpt-4o-mini' },
    });
    expect(saved.status, saved.text).toBe(200);
    const ask = () => bots.call('POST', '/v1/tenant/test-chat', { token: bots.token, body: { message: 'Giao hàng đến Đà Nẵng mất mấy ngày?' } });
    const first = await ask();
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ cache_hit: false });
    const second = await ask();
    expect(second.body).toMatchObject({ cache_hit: true, route: 'cache' });
    await tenantBotsIdle(bots.runtime);

    const text = await scrape(bots.baseUrl);
    expect(sample(text, 'llm_requests_total', 'provider="openai"', 'model="gpt-4o-mini"', 'status="ok"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'llm_tokens_total', 'key_source="own"')).toBeGreaterThan(0);
    expect(sample(text, 'llm_request_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'answer_cache_requests_total')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'answer_cache_hits_total')).toBeGreaterThanOrEqual(1);

    // A streamed answer (doStream) is recorded too, once its finish part arrives.
    const okBefore = sample(text, 'llm_requests_total', 'status="ok"');
    const streamed = await bots.call('POST', '/v1/tenant/test-chat', {
      token: bots.token,
      body: { message: 'Phí giao hàng đến Đà Nẵng bao nhiêu?', stream: true, skip_cache: true },
    });
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('event: final');
    await tenantBotsIdle(bots.runtime);
    expect(sample(await scrape(bots.baseUrl), 'llm_requests_total', 'status="ok"')).toBeGreaterThan(okBefore);
  });

  it('counts ingested chunks and retrievals of the knowledge feature', async () => {
    const shop = await kb.signup('metrics-shop');
    const up = await kb.upload('/v1/tenant/documents', shop.token, [{ name: 'ship.txt', content: 'Shop giao hàng toàn quốc, nội thành Sài Gòn nhận trong ngày.' }]);
    expect(up.status, up.text).toBe(201);
    const [ship] = up.body.items as Array<{ document: { id: string } }>;
    expect(await kb.settled(shop.token, ship!.document.id)).toMatchObject({ status: 'ready' });
    const hit = await kb.call('GET', `/v1/tenant/knowledge/search?q=${encodeURIComponent('giao hàng Sài Gòn')}`, { token: shop.token });
    expect(hit.status, hit.text).toBe(200);

    const text = await scrape(kb.baseUrl);
    expect(sample(text, 'ingestion_chunks_total')).toBeGreaterThan(0);
    expect(sample(text, 'retrieval_duration_seconds_count')).toBeGreaterThan(0);
  });
});

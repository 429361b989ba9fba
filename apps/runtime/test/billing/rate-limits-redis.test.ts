/**
 * The per-plan buckets on Redis (what `runtime.rateLimiter` is with REDIS_URL): concurrent
 * messages from one flooding customer let exactly the bucket's capacity through and produce
 * exactly ONE "please wait" — the consume is one atomic Lua step, also across replicas; a
 * person's session bucket is theirs alone.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createRedisRateLimiter } from '@agent-chatbot/cache-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { configureBilling, type BillingRuntime } from '../../src/billing/billing-service';
import { checkCustomerRate, checkSessionApiRate, checkTenantApiRate } from '../../src/billing/rate-limits';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres';
import { TEST_BILLING_CONFIG } from './billing-harness';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
async function redisUnavailable(): Promise<string | undefined> {
  const probe = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  const up = await probe.connect().then(() => probe.ping()).then(() => true, () => false);
  probe.disconnect();
  return up ? undefined : `Redis at ${redisUrl} does not answer; skipping the Redis rate-limit test`;
}
const skip = (await postgresUnavailable()) ?? (await redisUnavailable());
if (skip) console.warn(`[skip] ${skip}`);

describe.skipIf(skip !== undefined)('per-plan rate limits on Redis', () => {
  let database: TestDatabase;
  let client: Redis;
  let runtime: BillingRuntime;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    // A fresh prefix per run: buckets of earlier runs never leak in.
    const rateLimiter = createRedisRateLimiter({ client }, { keyPrefix: `acb-test:${randomBytes(4).toString('hex')}:` });
    runtime = {
      config: {
        smtpUrl: undefined,
        mailFrom: 'x <x@example.test>',
        publicUrl: 'http://127.0.0.1:8000',
        billing: { costSpike: { multiple: 5, platformThresholdVnd: 2_000_000 }, sessionRateLimit: { capacity: 4, refillPerSecond: 0.01 } },
      },
      db: database.db,
      rateLimiter,
      logger: pino({ level: 'silent' }),
    };
    configureBilling(runtime, { config: TEST_BILLING_CONFIG, mailer: { send: async () => ({ messageId: undefined, delivered: false }), close: () => undefined } });
    tenantId = await database.db.platform(async (tx) => {
      const { rows } = await tx.query<{ id: string }>("INSERT INTO tenants (name, slug, plan) VALUES ('Shop Redis', $1, 'tiny') RETURNING id", [`redis-${randomBytes(3).toString('hex')}`]);
      return rows[0]!.id;
    });
  });
  afterAll(async () => {
    client?.disconnect();
    await database?.drop();
  });

  it('12 concurrent messages from one customer: 2 answered, exactly one notice, the rest dropped', async () => {
    const decisions = await Promise.all(Array.from({ length: 12 }, () => checkCustomerRate(runtime, { tenantId, customerKey: 'messenger:psid-1' })));
    const count = (action: string) => decisions.filter((decision) => decision.action === action).length;
    expect([count('allow'), count('notice'), count('drop')]).toEqual([2, 1, 9]);
  });

  it('the tenant API bucket refuses past its capacity with a Retry-After', async () => {
    const decisions = await Promise.all(Array.from({ length: 6 }, () => checkTenantApiRate(runtime, tenantId)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
    expect(decisions.find((decision) => !decision.allowed)?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('a person\'s session bucket is their own: past its capacity 429 (concurrent requests, atomic), another person untouched', async () => {
    const person = randomUUID();
    const decisions = await Promise.all(Array.from({ length: 10 }, () => checkSessionApiRate(runtime, person)));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(4);
    expect(decisions.find((decision) => !decision.allowed)?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((await checkSessionApiRate(runtime, randomUUID())).allowed).toBe(true);
  });
});

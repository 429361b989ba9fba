/**
 * Security sweep (a): a property-based fuzzer driven by the runtime's own OpenAPI document.
 * Signed in as a tenant admin, it sends generated path ids, queries and bodies (schema-shaped
 * values mixed with hostile ones: nulls, huge numbers, traversal and injection strings, wrong
 * types) to EVERY operation. Whatever it sends, the runtime answers 2xx–4xx: never a 5xx.
 * `FUZZ_RUNS` sets the cases per operation (default 6); a failure prints fast-check's seed.
 *
 * Two findings of this fuzzer, now fixed and kept as plain tests below: a NUL character (U+0000)
 * in a JSON string reached Postgres, which refuses it, and answered 500 (now 400 through the
 * error boundary); `PUT /v1/tenant/llm` with a `base_url` that is not a URL answered 500 (now 400).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnavailable } from '../helpers/postgres';
import { arbitraryOf, operationsOf, sampleOf, type Operation, type Schema } from './openapi-ops';
import { startSecurityRig, type SecurityRig } from './security-rig';

const unavailable = await postgresUnavailable();
if (unavailable) console.warn(`openapi-fuzz skipped: ${unavailable}`);
const RUNS = Number(process.env.FUZZ_RUNS ?? 6);

/** Operations that end the caller's own session or tenant: fuzzing them would only test 401s after. */
const SELF_DESTRUCTIVE = new Set(['POST /v1/auth/logout', 'DELETE /v1/tenant']);

describe.skipIf(unavailable !== undefined)('OpenAPI-driven fuzzer: no 5xx on any operation', { timeout: 240_000 }, () => {
  let rig: SecurityRig;
  let token: string;
  let ops: Operation[];

  beforeAll(async () => {
    rig = await startSecurityRig();
    token = (await rig.signup('fuzz')).token;
    const doc = await rig.call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    ops = operationsOf(doc.body);
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('the document lists the product areas (bots, channels, knowledge, billing)', () => {
    const paths = new Set(ops.map((op) => op.path));
    for (const path of ['/v1/tenant/test-chat', '/v1/tenant/channels', '/v1/tenant/documents', '/v1/tenant/billing', '/v1/chat/completions']) expect(paths, path).toContain(path);
    expect(ops.length).toBeGreaterThan(40);
  });

  it('answers every generated request below 500', async () => {
    const failures: string[] = [];
    let requests = 0;
    for (const op of ops) {
      if (SELF_DESTRUCTIVE.has(`${op.method} ${op.path}`)) continue;
      const pathArb = fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, arbitraryOf(p.schema)])));
      const queryArb = fc.record(Object.fromEntries(op.queryParams.map((p) => [p.name, arbitraryOf(p.schema)])), { requiredKeys: [] });
      const bodyArb = op.body ? arbitraryOf(op.body) : fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined });
      const property = fc.asyncProperty(pathArb, queryArb, bodyArb, async (params, query, body) => {
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String((params as Record<string, unknown>)[name] ?? 'x')));
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(query as Record<string, unknown>)) search.set(key, typeof value === 'string' ? value : JSON.stringify(value));
        const url = search.size ? `${path}?${search}` : path;
        requests += 1;
        const res = await rig.call(op.method, url, { token, ...(op.method === 'GET' || op.method === 'DELETE' || body === undefined ? {} : { body }) });
        if (res.status >= 500) throw new Error(`${op.method} ${url} body=${JSON.stringify(body)?.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`);
      });
      try {
        await fc.assert(property, { numRuns: RUNS });
      } catch (error) {
        failures.push(`${op.method} ${op.path}: ${(error as Error).message.split('\n').slice(0, 6).join(' | ')}`);
      }
    }
    expect(requests).toBeGreaterThan(ops.length);
    expect(failures).toEqual([]);
  });

  it('refuses a NUL character in any JSON text field with a 4xx', async () => {
    const failures: string[] = [];
    for (const op of ops) {
      if (!op.body || SELF_DESTRUCTIVE.has(`${op.method} ${op.path}`)) continue;
      const sample = sampleOf(op.body) as Record<string, unknown>;
      const props = Object.entries(op.body.properties ?? {}).filter(([, schema]: [string, Schema]) => schema.type === 'string' && !schema.format && !schema.enum);
      for (const [name] of props) {
        const path = op.path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000009');
        const res = await rig.call(op.method, path, { token, body: { ...sample, [name]: 'Áo\u0000thun' } });
        if (res.status >= 500) failures.push(`${op.method} ${op.path} .${name} → ${res.status}`);
      }
    }
    if (failures.length) console.warn(`NUL character answered 5xx on:\n${failures.join('\n')}`);
    expect(failures).toEqual([]);
  });

  it('refuses an LLM base_url that is not a URL with a 4xx', async () => {
    const statuses: number[] = [];
    for (const base_url of ['', ' ', 'abc']) statuses.push((await rig.call('PUT', '/v1/tenant/llm', { token, body: { provider: 'openai', base_url } })).status);
    expect(statuses.every((status) => status >= 400 && status < 500), `statuses ${statuses.join(', ')}`).toBe(true);
  });
});

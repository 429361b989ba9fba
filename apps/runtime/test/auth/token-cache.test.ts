/**
 * Access tokens are verified once per process and then remembered until they expire: the cache
 * must never accept what verification would refuse (a changed token, another key, an expired one).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenService } from '../../src/auth/tokens';

const secret = 'token-cache-test-secret-0123456789-abcdef';
const claims = () => ({ sub: randomUUID(), tid: randomUUID(), role: 'tenant-admin' as const, pa: false, sid: randomUUID() });

afterEach(() => vi.useRealTimers());

describe('verified access tokens', () => {
  it('a remembered token still expires on time, with the same 401 as a fresh check', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-26T08:00:00Z'), toFake: ['Date'] });
    const tokens = createTokenService({ secret, accessTtlSeconds: 60 });
    const { token } = await tokens.sign(claims());
    const first = await tokens.verify(token);
    expect(await tokens.verify(token)).toEqual(first);
    vi.setSystemTime(new Date('2026-11-26T08:01:01Z'));
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'token_expired', status: 401 });
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'token_expired' });
    // A process that never saw the token refuses it the same way.
    await expect(createTokenService({ secret, accessTtlSeconds: 60 }).verify(token)).rejects.toMatchObject({ code: 'token_expired' });
  });

  it('a remembered token does not make a changed one, or one signed with another key, valid', async () => {
    const tokens = createTokenService({ secret, accessTtlSeconds: 60 });
    const { token } = await tokens.sign(claims());
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), pa: true })).toString('base64url');
    await expect(tokens.verify(`${header}.${forgedPayload}.${signature}`)).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(tokens.verify(`${token}x`)).rejects.toMatchObject({ code: 'invalid_token' });
    const other = await createTokenService({ secret: `${secret}-other`, accessTtlSeconds: 60 }).sign(claims());
    await expect(tokens.verify(other.token)).rejects.toMatchObject({ code: 'invalid_token' });
  });
});

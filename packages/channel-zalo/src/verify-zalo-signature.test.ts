import { describe, expect, it } from 'vitest';
import { verifyZaloSignature } from './verify-zalo-signature';

// The test vector from channels.md §1.4.
const rawBody =
  '{"app_id":"1234567890123456789","sender":{"id":"246845883529197922"},"user_id_by_app":"552177279717587730","recipient":{"id":"388613280878808645"},"event_name":"user_send_text","message":{"text":"xin chao","msg_id":"96d3cdf3af150460909"},"timestamp":"1700000000000"}';
const mac = 'b9fd26c40acdc3f8cf0210480c1733706e12ef6b35472310b9a9f673715740aa';
const base = { appId: '1234567890123456789', oaSecretKey: 'oa_secret_key_example', rawBody, maxAgeMs: 3 * 3600_000, now: 1700000000000 + 60_000 };

describe('verifyZaloSignature', () => {
  it('accepts the documented test vector with and without the mac= prefix', () => {
    expect(verifyZaloSignature({ ...base, header: `mac=${mac}` })).toEqual({ ok: true, timestamp: '1700000000000' });
    expect(verifyZaloSignature({ ...base, header: mac })).toMatchObject({ ok: true });
  });

  it('refuses a changed body, another secret, or the app secret in place of the OA secret key', () => {
    expect(verifyZaloSignature({ ...base, rawBody: rawBody.replace('xin chao', 'xin chào'), header: `mac=${mac}` })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyZaloSignature({ ...base, oaSecretKey: 'app_secret', header: `mac=${mac}` })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyZaloSignature({ ...base, header: `mac=${mac.slice(0, -1)}` })).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a missing header and a stale or future timestamp', () => {
    expect(verifyZaloSignature({ ...base, header: null })).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyZaloSignature({ ...base, header: mac, now: 1700000000000 + 4 * 3600_000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyZaloSignature({ ...base, header: mac, now: 1700000000000 - 10 * 60_000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
  });
});

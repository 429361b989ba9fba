/** Pure pieces of the channel feature: retry delays, config masking, canned replies, stored events. */
import { describe, expect, it } from 'vitest';
import { defaultDeliveryPolicy, retryDelayMs } from '../../src/channels/channel-settings';
import { maskConfig } from '../../src/channels/channel-service';
import { cannedReplyFor } from '../../src/channels/conversation-job';
import { storedEventSchema, toStoredPayload } from '../../src/channels/inbound-events';

describe('retryDelayMs', () => {
  const policy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 10_000 };

  it('doubles per attempt with equal jitter (half fixed, half random)', () => {
    expect(retryDelayMs(policy, 1, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(policy, 3, undefined, () => 0)).toBe(2000);
    expect(retryDelayMs(policy, 3, undefined, () => 0.5)).toBe(3000);
    const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(policy, 2)));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('is capped, and never shorter than the provider asked', () => {
    expect(retryDelayMs(policy, 20, undefined, () => 1)).toBe(10_000);
    expect(retryDelayMs(policy, 1, 30_000, () => 0)).toBe(30_000);
    expect(retryDelayMs(defaultDeliveryPolicy, 1, undefined, () => 1)).toBe(5_000);
  });
});

describe('maskConfig', () => {
  it('shows identifiers and masks every secret', () => {
    const masked = maskConfig({ app_id: '1234567890', oa_id: '4455', oa_secret_key: 'oa-secret-value-XYZW', access_token: 'short', refresh_token: 42 });
    expect(masked).toEqual({ app_id: '1234567890', oa_id: '4455', oa_secret_key: 'oa-…XYZW', access_token: '••••', refresh_token: '••••' });
    expect(JSON.stringify(masked)).not.toContain('secret-value');
  });
});

describe('cannedReplyFor', () => {
  it('answers stickers, media and unknown types politely in Vietnamese', () => {
    expect(cannedReplyFor([{ type: 'sticker' }])).toMatchObject({ reason: 'sticker', text: expect.stringMatching(/^Dạ, cảm ơn/) });
    expect(cannedReplyFor([{ type: 'image', url: 'x' }])).toMatchObject({ reason: 'unsupported-image', text: expect.stringContaining('hình ảnh') });
    expect(cannedReplyFor([])).toMatchObject({ reason: 'unsupported-message', text: expect.stringContaining('nhắn bằng chữ') });
  });
});

describe('toStoredPayload', () => {
  it('keeps the normalised event (dates as ISO) and the provider payload, and parses back', () => {
    const stored = toStoredPayload({
      type: 'message',
      eventId: 'e1',
      conversationId: 'line:U1',
      sender: { id: 'U1', name: 'Lan' },
      timestamp: new Date('2026-01-02T03:04:05Z'),
      message: { text: 'Chào shop', replyToken: { value: 'rt', expiresAt: new Date('2026-01-02T03:05:05Z') } },
      raw: { provider: 'payload' },
    });
    expect(stored.raw).toEqual({ provider: 'payload' });
    const parsed = storedEventSchema.parse(JSON.parse(JSON.stringify(stored.event)));
    expect(parsed).toMatchObject({ timestamp: '2026-01-02T03:04:05.000Z', message: { replyToken: { value: 'rt', expiresAt: '2026-01-02T03:05:05.000Z' } } });
  });
});

import { describe, expect, it } from 'vitest';
import { errorResponse } from '../errors/error-response';
import { RateLimitError, ValidationError } from '../errors/errors';
import { webhookMalformedBody, webhookOk, webhookReceiveFailed, webhookSignatureRejected } from './webhook-responses';

describe('errorResponse', () => {
  it('answers with the bilingual body, the status and UTF-8 JSON', async () => {
    const response = errorResponse(new ValidationError('Missing text', 'Thiếu nội dung tin nhắn'), { 'cache-control': 'no-store' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.json()).toEqual({ error: { code: 'validation_failed', message: 'Missing text', message_vi: 'Thiếu nội dung tin nhắn' } });
  });

  it('sets Retry-After in whole seconds, rounded up, from retry_after_ms', async () => {
    const response = errorResponse(new RateLimitError({ retryAfterMs: 1200 }));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(((await response.json()) as { error: { details: unknown } }).error.details).toEqual({ retry_after_ms: 1200 });
  });
});

describe('webhook responses', () => {
  it('give each provider outcome its status and a bilingual reason', async () => {
    const ok = webhookOk();
    expect([ok.status, await ok.json()]).toEqual([200, { ok: true }]);

    const forged = webhookSignatureRejected('X-Line-Signature does not match', 'X-Line-Signature không khớp');
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({
      error: {
        code: 'invalid_signature',
        message: 'Invalid webhook signature: X-Line-Signature does not match',
        message_vi: 'Chữ ký webhook không hợp lệ: X-Line-Signature không khớp',
      },
    });

    const malformed = webhookMalformedBody({ issues: ['events.0.type'] });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({ code: 'validation_failed', details: { issues: ['events.0.type'] } });

    // 5xx: the provider retries, so the events are not lost.
    const failed = webhookReceiveFailed();
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { error: { code: string; message_vi: string } }).error).toMatchObject({ code: 'webhook_store_failed', message_vi: 'Chưa lưu được sự kiện; nhà cung cấp sẽ gửi lại' });
  });
});

/**
 * Login throttling: two token buckets per attempt, one per e-mail address (slows guessing one
 * account from many machines) and one per client address (slows one machine trying many
 * accounts). Either empty → 429 with `Retry-After`. A successful login refills the address bucket.
 */
import { RateLimitError } from '@agent-chatbot/core';
import type { AppContext } from '../http/context';
import { sha256Hex } from './tokens';

// Keys carry a hash, not the address, so limiter storage (Redis) holds no personal data.
const emailKey = (email: string) => `login:email:${sha256Hex(email.trim().toLowerCase())}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

/** Takes one token from both buckets or throws a {@link RateLimitError}. */
export async function consumeLoginAttempt(app: AppContext, email: string, ip: string | undefined): Promise<void> {
  const { perEmail, perIp } = app.options.loginLimits;
  const limiter = app.runtime.rateLimiter;
  const results = await Promise.all([
    limiter.consume(emailKey(email), perEmail),
    limiter.consume(ipKey(ip ?? 'unknown'), perIp),
  ]);
  const blocked = results.filter((r) => !r.allowed);
  if (blocked.length > 0) {
    const retryAfterMs = Math.max(...blocked.map((r) => r.retryAfterMs));
    throw new RateLimitError({
      retryAfterMs,
      message: 'Too many sign-in attempts; try again later',
      messageVi: 'Bạn đã thử đăng nhập quá nhiều lần; vui lòng thử lại sau',
    });
  }
}

/** Forgets failed attempts for an address after it signs in successfully. */
export async function resetLoginAttempts(app: AppContext, email: string): Promise<void> {
  await app.runtime.rateLimiter.reset(emailKey(email));
}

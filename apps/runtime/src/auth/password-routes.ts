/**
 * Password reset by e-mail: `POST /v1/auth/password/forgot` (always 202, so it reveals nothing
 * about which addresses have accounts) and `POST /v1/auth/password/reset` (one-time token, stored
 * hashed; a reset signs the person out everywhere).
 */
import { z } from 'zod';
import { ValidationError } from '@agent-chatbot/core';
import type { AppContext } from '../http/context';
import { defineRoute, type Route } from '../http/route';
import { hashNewPassword } from './accounts';
import { emailSchema, passwordInputSchema } from './schemas';
import { revokeUserSessions } from './sessions';
import { randomToken, sha256Hex } from './tokens';

const acceptedSchema = z.object({ status: z.literal('accepted'), message: z.string(), message_vi: z.string() });

const invalidResetToken = () =>
  new ValidationError('Reset link is invalid, used or expired', 'Liên kết đặt lại mật khẩu không hợp lệ, đã dùng hoặc đã hết hạn', {
    details: { reason: 'invalid_reset_token' },
  });

function resetMail(app: AppContext, token: string) {
  const link = `${app.runtime.config.publicUrl}/reset-password?token=${token}`;
  const minutes = Math.round(app.options.resetTtlSeconds / 60);
  return {
    subject: 'Đặt lại mật khẩu · Reset your password',
    text: [
      'Xin chào,',
      '',
      `Ai đó (có thể là bạn) đã yêu cầu đặt lại mật khẩu. Mở liên kết sau trong ${minutes} phút:`,
      link,
      'Nếu không phải bạn, hãy bỏ qua thư này; mật khẩu của bạn không thay đổi.',
      '',
      '---',
      `Someone (probably you) asked to reset your password. Open this link within ${minutes} minutes:`,
      link,
      'If it was not you, ignore this e-mail; your password stays the same.',
    ].join('\n'),
  };
}

// At most a few reset mails per address per hour, so the endpoint cannot be used to flood a mailbox.
const forgotBucket = { capacity: 3, refillPerSecond: 1 / 1200 };

/** Password reset routes. */
export const passwordRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/auth/password/forgot',
    summary: 'Quên mật khẩu (gửi email) · Forgot password (sends an e-mail)',
    description: 'Luôn trả 202 · Always 202, whether or not the address has an account.',
    tags: ['auth'],
    access: 'public',
    body: z.object({ email: emailSchema }),
    responses: { 202: { description: 'Đã tiếp nhận · Accepted', schema: acceptedSchema } },
    handler: async ({ app, body, log }) => {
      const allowed = (await app.runtime.rateLimiter.consume(`forgot:${sha256Hex(body.email.toLowerCase())}`, forgotBucket)).allowed;
      const issued = !allowed
        ? undefined
        : await app.runtime.db.anonymous(async (tx) => {
            const users = await tx.query<{ id: string; email: string }>(
              'SELECT id, email FROM users WHERE lower(email) = lower($1) AND disabled_at IS NULL',
              [body.email],
            );
            const user = users.rows[0];
            if (!user) return undefined;
            const token = randomToken();
            await tx.query(
              `INSERT INTO password_resets (user_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
              [user.id, sha256Hex(token), app.options.resetTtlSeconds],
            );
            return { email: user.email, token };
          });
      if (issued) {
        // Not awaited: waiting for SMTP would make known addresses measurably slower than unknown ones.
        app.mailer
          .send({ to: issued.email, ...resetMail(app, issued.token) })
          .catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'reset mail failed'));
      }
      return {
        status: 202,
        body: {
          status: 'accepted',
          message: 'If the address has an account, a reset link is on its way',
          message_vi: 'Nếu email này có tài khoản, liên kết đặt lại mật khẩu đang được gửi tới',
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/auth/password/reset',
    summary: 'Đặt mật khẩu mới bằng mã trong email · Set a new password with the e-mailed token',
    tags: ['auth'],
    access: 'public',
    body: z.object({ token: z.string().min(20).max(200), password: passwordInputSchema }),
    responses: { 204: { description: 'Đã đổi mật khẩu; mọi phiên đăng nhập bị thu hồi · Changed; every session revoked' } },
    handler: async ({ app, body }) => {
      const hash = await hashNewPassword(body.password);
      await app.runtime.db.anonymous(async (tx) => {
        const { rows } = await tx.query<{ id: string; user_id: string }>(
          `SELECT id, user_id FROM password_resets
           WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() FOR UPDATE`,
          [sha256Hex(body.token)],
        );
        const reset = rows[0];
        if (!reset) throw invalidResetToken();
        await tx.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [reset.user_id, hash]);
        // Every outstanding reset link of this person dies with the one used.
        await tx.query('UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [reset.user_id]);
        await revokeUserSessions(tx, reset.user_id);
      });
      return { status: 204 };
    },
  }),
];

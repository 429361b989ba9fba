/**
 * Outgoing e-mail (password resets, staff invitations). With an SMTP URL it sends through
 * nodemailer; without one (the embedded default, a laptop) it logs the mail's envelope instead so
 * nothing is silently dropped — but never the body, because bodies carry one-time tokens.
 * nodemailer itself is imported on the first mail sent, not when the server starts.
 */
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { ProviderError, ValidationError } from '@agent-chatbot/core';

/** One message to send. `text` is required so every mail reads in any client; `html` is optional. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** What {@link createMailer} returns. */
export interface Mailer {
  /** Sends (or, with no SMTP configured, logs) one message. Throws `ProviderError` when SMTP fails. */
  send(message: MailMessage): Promise<{ messageId: string | undefined; delivered: boolean }>;
  /** Closes pooled SMTP connections. */
  close(): void;
}

/** The slice of a pino logger the mailer needs (structural, so tests can pass a capture). */
export interface MailLogger {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}

/** Options for {@link createMailer}. */
export interface MailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…`; absent → log instead of send. */
  smtpUrl?: string | undefined;
  /** The From header, e.g. `"Agent Chatbot" <no-reply@example.com>`. */
  from: string;
  logger?: MailLogger | undefined;
}

const messageSchema = z.object({
  to: z.string().trim().email(),
  subject: z.string().min(1).max(500),
  text: z.string().min(1),
  html: z.string().optional(),
});

/** Hides user:password in an SMTP URL before it reaches a log line. */
export function redactSmtpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '***';
      parsed.password = '';
    }
    return parsed.toString();
  } catch {
    return '[invalid smtp url]';
  }
}

/**
 * Creates a mailer.
 *
 * @example
 * const mailer = createMailer({ smtpUrl: process.env.SMTP_URL, from: 'no-reply@example.com', logger });
 * await mailer.send({ to: 'an@example.vn', subject: 'Đặt lại mật khẩu', text: '…' });
 */
export function createMailer(options: MailerOptions): Mailer {
  const { smtpUrl, from, logger } = options;
  if (!smtpUrl) {
    return {
      async send(message) {
        const parsed = parseMessage(message);
        // Only the envelope: the body holds one-time tokens that must never reach a log.
        logger?.info(
          { mail: { to: parsed.to, subject: parsed.subject, from } },
          'SMTP_URL chưa cấu hình: thư không được gửi (mail not sent, no SMTP_URL)',
        );
        return { messageId: undefined, delivered: false };
      },
      close() {},
    };
  }
  let transport: Promise<Transporter> | undefined;
  const transportFor = (): Promise<Transporter> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(smtpUrl)));
  return {
    async send(message) {
      const parsed = parseMessage(message);
      try {
        const info = await (await transportFor()).sendMail({ from, ...parsed });
        logger?.info({ mail: { to: parsed.to, subject: parsed.subject, messageId: info.messageId } }, 'mail sent');
        return { messageId: info.messageId, delivered: true };
      } catch (error) {
        logger?.warn(
          { mail: { to: parsed.to, subject: parsed.subject }, smtp: redactSmtpUrl(smtpUrl), err: errorText(error) },
          'mail failed',
        );
        throw new ProviderError({
          provider: 'smtp',
          message: 'Could not send e-mail',
          messageVi: 'Không gửi được email',
          isRetryable: true,
          cause: error,
        });
      }
    },
    close() {
      // A transport that never loaded has nothing to close.
      void transport?.then(
        (t) => t.close(),
        () => undefined,
      );
    },
  };
}

function parseMessage(message: MailMessage): MailMessage {
  const result = messageSchema.safeParse(message);
  if (!result.success) {
    throw new ValidationError('Invalid e-mail message', 'Thư điện tử không hợp lệ', {
      details: { issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  return result.data;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

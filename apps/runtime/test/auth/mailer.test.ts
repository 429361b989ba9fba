import { describe, expect, it } from 'vitest';
import { AgentChatbotError } from '@agent-chatbot/core';
import { createMailer, redactSmtpUrl, type MailLogger } from '../../src/mail/mailer';
import { startSmtpCapture } from '../http/smtp-capture';

function captureLogger(): MailLogger & { lines: unknown[] } {
  const lines: unknown[] = [];
  return { lines, info: (obj, msg) => lines.push({ obj, msg }), warn: (obj, msg) => lines.push({ obj, msg }) };
}

describe('mailer', () => {
  it('without SMTP_URL logs only the envelope, never the body', async () => {
    const logger = captureLogger();
    const mailer = createMailer({ from: 'no-reply@example.test', logger });
    const result = await mailer.send({ to: 'a@example.vn', subject: 'Đặt lại mật khẩu', text: 'token=SECRET-ONE-TIME-TOKEN' });
    expect(result).toEqual({ messageId: undefined, delivered: false });
    const logged = JSON.stringify(logger.lines);
    expect(logged).toContain('a@example.vn');
    expect(logged).toContain('Đặt lại mật khẩu');
    expect(logged).not.toContain('SECRET-ONE-TIME-TOKEN');
  });

  it('sends over SMTP with a UTF-8 subject and body', async () => {
    const smtp = await startSmtpCapture();
    const mailer = createMailer({ smtpUrl: smtp.url, from: 'agent-chatbot <no-reply@example.test>' });
    try {
      const result = await mailer.send({ to: 'b@example.vn', subject: 'Xin chào', text: 'Chào bạn, token=abcdefghijklmnopqrstuvwxyz' });
      expect(result.delivered).toBe(true);
      const mail = await smtp.waitFor('b@example.vn');
      expect(mail.raw).toMatch(/Subject: /);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('rejects a bad address with a 400 and an unreachable server with a 502 (no credentials logged)', async () => {
    const logger = captureLogger();
    const mailer = createMailer({ smtpUrl: 'smtp://user:hunter2hunter2@127.0.0.1:1', from: 'x@example.test', logger });
    await expect(mailer.send({ to: 'not an address', subject: 's', text: 't' })).rejects.toMatchObject({ status: 400 });
    const error = await mailer.send({ to: 'c@example.vn', subject: 's', text: 't' }).catch((e: unknown) => e);
    expect(AgentChatbotError.isInstance(error) && error.status).toBe(502);
    expect(JSON.stringify(logger.lines)).not.toContain('hunter2');
    expect(redactSmtpUrl('smtp://user:pw@host:25')).toBe('smtp://***@host:25');
    mailer.close();
  });
});

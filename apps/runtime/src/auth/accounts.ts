/**
 * The account operations the auth routes need from the users service: checking a new password
 * against the policy and hashing it with argon2id. Kept behind this one small module so the HTTP
 * layer and the CLI share the same rules.
 */
import argon2 from 'argon2';
import { ValidationError } from '@agent-chatbot/core';

/**
 * Validates `password` against the password policy and returns its argon2id hash. Throws a 400
 * {@link ValidationError} with a bilingual reason for a weak password.
 */
export async function hashNewPassword(password: string, email?: string): Promise<string> {
  assertPasswordPolicy(password, email);
  return argon2.hash(password, { type: argon2.argon2id });
}

const common = new Set(['password', 'password1', '12345678', '123456789', '1234567890', 'qwertyuiop', 'matkhau123', 'abc12345678']);

/** The password policy: 10–256 characters, not a common password, not the e-mail address. */
export function assertPasswordPolicy(password: string, email?: string): void {
  const weak = (en: string, vi: string) =>
    new ValidationError(`Weak password: ${en}`, `Mật khẩu yếu: ${vi}`, { details: { field: 'password' } });
  if (password.length < 10) throw weak('use at least 10 characters', 'cần ít nhất 10 ký tự');
  if (password.length > 256) throw weak('use at most 256 characters', 'tối đa 256 ký tự');
  if (common.has(password.toLowerCase()) || /^(.)\1+$/.test(password)) throw weak('too common', 'quá phổ biến, dễ đoán');
  if (email && password.toLowerCase() === email.trim().toLowerCase()) throw weak('must differ from the e-mail', 'không được trùng email');
}

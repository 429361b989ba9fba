import { ConflictError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { hashNewPassword } from '../auth/accounts';
import type { Db, Tx } from '../db/types';

/** A user as the services return it (never the password hash). */
export interface UserSummary {
  id: string;
  email: string;
  name: string | null;
  isPlatformAdmin: boolean;
  createdAt: Date;
}

const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));

/** Normalises an e-mail address (trim, lower case) or throws a bilingual 400. */
export function normalizeEmail(email: string): string {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) {
    throw new ValidationError(`Invalid e-mail address: ${String(email).slice(0, 100)}`, `Địa chỉ email không hợp lệ: ${String(email).slice(0, 100)}`, {
      details: { field: 'email' },
    });
  }
  return parsed.data;
}

/** Input of {@link insertUser}. */
export interface NewUser {
  email: string;
  password: string;
  name?: string;
  platformAdmin?: boolean;
}

/** True for a Postgres unique violation (23505), optionally on a named constraint/index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string; message?: string } | null;
  if (e?.code !== '23505') return false;
  return constraint === undefined || e.constraint === constraint || (e.message ?? '').includes(constraint);
}

/** The 409 for an e-mail address that already has an account. */
export function emailTakenError(email: string): ConflictError {
  return new ConflictError(`E-mail ${email} is already registered`, `Email ${email} đã được đăng ký`, {
    code: 'email_taken',
    details: { field: 'email' },
  });
}

/**
 * Inserts a user inside the caller's transaction (users is a global table: any scope may write
 * it). Applies the password policy and hashes with argon2id; a taken e-mail is a 409 `email_taken`.
 * Hash first, outside any lock: argon2 is deliberately slow.
 */
export async function insertUser(tx: Tx, input: NewUser, passwordHash?: string): Promise<UserSummary> {
  const email = normalizeEmail(input.email);
  const hash = passwordHash ?? (await hashNewPassword(input.password, email));
  try {
    const { rows } = await tx.query<{ id: string; email: string; name: string | null; is_platform_admin: boolean; created_at: Date }>(
      `INSERT INTO users (email, password_hash, name, is_platform_admin) VALUES ($1, $2, $3, $4)
       RETURNING id, email, name, is_platform_admin, created_at`,
      [email, hash, input.name?.trim() || null, input.platformAdmin ?? false],
    );
    const r = rows[0]!;
    return { id: r.id, email: r.email, name: r.name, isPlatformAdmin: r.is_platform_admin, createdAt: r.created_at };
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key')) throw emailTakenError(email);
    throw error;
  }
}

/**
 * Creates a user in its own transaction (the CLI's `user create`). The password is checked and
 * hashed before the transaction opens, unless `options.passwordHash` brings that work, already
 * started: {@link hashNewPassword} of `input.password`.
 *
 * @example await createUser(db, { email: 'ops@example.com', password: '…', platformAdmin: true });
 */
export async function createUser(db: Db, input: NewUser, options: { passwordHash?: Promise<string> } = {}): Promise<UserSummary> {
  const email = normalizeEmail(input.email);
  const hash = await (options.passwordHash ?? hashNewPassword(input.password, email));
  return db.platform(async (tx) => {
    const user = await insertUser(tx, { ...input, email }, hash);
    await tx.query(
      `INSERT INTO audit_log (tenant_id, actor_kind, action, target_type, target_id, details) VALUES (NULL, 'cli', 'user.create', 'user', $1, $2)`,
      [user.id, JSON.stringify({ email: user.email, platformAdmin: user.isPlatformAdmin })],
    );
    return user;
  });
}

/**
 * Password verification for login (argon2id). Unknown e-mail addresses are checked against a
 * dummy hash so the response time does not reveal whether an account exists.
 */
import argon2 from 'argon2';

let dummyHash: Promise<string> | undefined;

/** True when `password` matches `hash`; false (never throws) for a malformed stored hash. */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  if (hash === undefined) {
    dummyHash ??= argon2.hash('agent-chatbot-dummy-password', { type: argon2.argon2id });
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * Whole-archive encryption for backups: AES-256-GCM with a key derived from a passphrase
 * (scrypt, per-file random salt). Layout: `ACBK1` magic, salt (16), IV (12), ciphertext, tag (16).
 * Streamed, so archives larger than memory work; the tag is checked before anything is used.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { createReadStream, createWriteStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '@agent-chatbot/core';

const MAGIC = Buffer.from('ACBK1');
const SALT = 16;
const IV = 12;
const TAG = 16;

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** True when `file` starts with the encrypted-archive magic. */
export function isEncryptedArchive(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    return readSync(fd, head, 0, MAGIC.length, 0) === MAGIC.length && head.equals(MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** Encrypts `input` into `output`. */
export async function encryptFile(input: string, output: string, passphrase: string): Promise<void> {
  const salt = randomBytes(SALT);
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(passphrase, salt), iv);
  const out = createWriteStream(output, { mode: 0o600 });
  out.write(Buffer.concat([MAGIC, salt, iv]));
  await pipeline(createReadStream(input), cipher, out, { end: false });
  out.end(cipher.getAuthTag());
  await new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
  });
}

/** Decrypts `input` into `output`; a wrong passphrase or a changed byte fails (400) and removes nothing. */
export async function decryptFile(input: string, output: string, passphrase: string): Promise<void> {
  const size = statSync(input).size;
  const header = MAGIC.length + SALT + IV;
  if (size < header + TAG) throw badArchive();
  const fd = openSync(input, 'r');
  const head = Buffer.alloc(header);
  const tag = Buffer.alloc(TAG);
  try {
    readSync(fd, head, 0, header, 0);
    readSync(fd, tag, 0, TAG, size - TAG);
  } finally {
    closeSync(fd);
  }
  const salt = head.subarray(MAGIC.length, MAGIC.length + SALT);
  const iv = head.subarray(MAGIC.length + SALT);
  const decipher = createDecipheriv('aes-256-gcm', await deriveKey(passphrase, salt), iv);
  decipher.setAuthTag(tag);
  try {
    await pipeline(createReadStream(input, { start: header, end: size - TAG - 1 }), decipher, createWriteStream(output, { mode: 0o600 }));
  } catch {
    throw badArchive();
  }
}

function badArchive(): ValidationError {
  return new ValidationError(
    'Cannot decrypt the backup: wrong CHATBOT_BACKUP_PASSPHRASE or a damaged file',
    'Không giải mã được bản sao lưu: sai CHATBOT_BACKUP_PASSPHRASE hoặc tệp bị hỏng',
  );
}

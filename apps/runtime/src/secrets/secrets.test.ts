import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecretKey } from '../config';
import type { Db } from '../db/types';
import { testDrivers } from '../../test/helpers/drivers';
import { seedTwoTenants, type TwoTenants } from '../../test/helpers/seed';
import { createLogger } from './logger';
import { rotateSecrets } from './rotate';
import { connectionSecretAad, createSecretBox, maskSecret, platformSettingAad, SecretDecryptionError } from './secret-box';
import { createTenantSecretStore } from './tenant-secret-store';

describe('secret box (AES-256-GCM envelopes)', () => {
  const k1 = generateSecretKey();
  const box = createSecretBox([k1]);

  it('round-trips Vietnamese text and names the key id in the envelope', () => {
    const sealed = box.encrypt('khoá bí mật sk-abc', 'ctx');
    expect(sealed).toMatch(new RegExp(`^v1:${k1.id}:[\\w-]{16}:[\\w-]{22}:[\\w-]+$`));
    expect(sealed).not.toContain('sk-abc');
    expect(box.decrypt(sealed, 'ctx')).toBe('khoá bí mật sk-abc');
    expect(box.encrypt('same', 'ctx')).not.toBe(box.encrypt('same', 'ctx'));
  });

  it('fails clearly on a wrong key, a tampered ciphertext, another context, an unknown key id or garbage', () => {
    const sealed = box.encrypt('secret', 'ctx');
    const wrong = createSecretBox([{ id: k1.id, key: generateSecretKey().key }]);
    expect(() => wrong.decrypt(sealed, 'ctx')).toThrow(/wrong key or tampered/);
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[4]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => box.decrypt(parts.join(':'), 'ctx')).toThrow(SecretDecryptionError);
    expect(() => box.decrypt(sealed, 'another tenant')).toThrow(/tampered/);
    const other = createSecretBox([generateSecretKey()]);
    expect(() => other.decrypt(sealed, 'ctx')).toThrow(/not in CHATBOT_SECRET_KEYS/);
    try {
      box.decrypt('not-an-envelope');
    } catch (error) {
      expect(error).toMatchObject({ code: 'secret_decryption_failed', messageVi: expect.stringContaining('định dạng') });
    }
  });

  it('opens old ciphertexts with an older key of the ring and seals with the first', () => {
    const k2 = generateSecretKey();
    const sealedOld = box.encrypt('old', 'c');
    const ring = createSecretBox([k2, k1]);
    expect(ring.decrypt(sealedOld, 'c')).toBe('old');
    expect(ring.keyIdOf(ring.encrypt('new', 'c'))).toBe(k2.id);
  });

  it('masks secrets as prefix…last4 and hides short ones entirely', () => {
    expect(maskSecret('sk-proj-1234567890abcd')).toBe('sk-…abcd');
    expect(maskSecret('AIzaSyA1234567890wxyz')).toBe('…wxyz');
    expect(maskSecret('short')).toBe('••••');
  });
});

describe('logger redaction', () => {
  it('keeps a canary secret out of every line, by field name and by value shape', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ destination, level: 'debug' });
    const canary = 'sk-canary0123456789ABCDEFxyz';
    logger.info({ apiKey: canary, body: { password: 'hunter2hunter2', nested: { token: 'tkn-canary-value' } } }, 'saving');
    logger.info(`user pasted ${canary} into chat`);
    logger.warn({ headers: { authorization: `Bearer ${canary}` } }, 'req');
    logger.error({ err: new Error(`provider said: bad key ${canary}`) }, 'failed');
    const all = lines.join('\n');
    expect(lines).toHaveLength(4);
    expect(all).not.toContain('canary0123');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('tkn-canary-value');
    expect(all).toContain('[REDACTED]');
    expect(all).toContain('user pasted');
  });
});

const drivers = await testDrivers();

describe.each(drivers)('tenant secrets and rotation on $name', (driver) => {
  describe.skipIf(driver.skip)('store', () => {
    let db: Db;
    let close: () => Promise<void>;
    let seed: TwoTenants;
    const k1 = generateSecretKey();
    beforeAll(async () => {
      ({ db, close } = await driver.open());
      seed = await seedTwoTenants(db);
    });
    afterAll(() => close?.());

    it('stores write-only: listing shows only the mask, and B cannot see A’s secret', async () => {
      const store = createTenantSecretStore(createSecretBox([k1]));
      const value = 'sk-live-SECRETVALUE-9f3a';
      const put = await db.tenant(seed.a.tenantId, (tx) => store.put(tx, seed.a.tenantId, 'llm.primary', value));
      expect(put).toMatchObject({ name: 'llm.primary', hint: 'sk-…9f3a', keyId: k1.id });
      const listed = await db.tenant(seed.a.tenantId, (tx) => store.list(tx));
      expect(JSON.stringify(listed)).not.toContain('SECRETVALUE');
      const stored = await db.platform(async (tx) =>
        (await tx.query<{ ciphertext: string }>('SELECT ciphertext FROM tenant_secrets WHERE tenant_id = $1', [seed.a.tenantId])).rows[0]!,
      );
      expect(stored.ciphertext).not.toContain('SECRETVALUE');
      expect(await db.tenant(seed.a.tenantId, (tx) => store.reveal(tx, seed.a.tenantId, 'llm.primary'))).toBe(value);
      expect(await db.tenant(seed.b.tenantId, (tx) => store.reveal(tx, seed.a.tenantId, 'llm.primary'))).toBeUndefined();
      await expect(db.tenant(seed.b.tenantId, (tx) => store.remove(tx, 'llm.primary'))).rejects.toMatchObject({ status: 404 });
      await expect(db.tenant(seed.a.tenantId, (tx) => store.put(tx, seed.a.tenantId, 'Bad Name', 'x'))).rejects.toMatchObject({
        status: 400,
      });
    });

    it('rotates every ciphertext to the current key in one transaction', async () => {
      // The seed's placeholder envelopes open under no key; this test rotates real ones only.
      await db.platform((tx) => tx.query(`DELETE FROM tenant_secrets WHERE key_id = 'seed'`));
      const old = createSecretBox([k1]);
      const connectionId = randomUUID();
      const creds = old.encrypt('{"token":"zalo-oa-token"}', connectionSecretAad(seed.b.tenantId, connectionId, 'credentials'));
      await db.platform((tx) =>
        tx.query(
          `INSERT INTO channel_connections (id, tenant_id, type, credentials_ciphertext, key_id) VALUES ($1, $2, 'zalo', $3, $4)`,
          [connectionId, seed.b.tenantId, creds, k1.id],
        ),
      );
      const platformSecret = old.encrypt('{"api_key":"sk-platform-rotate-me"}', platformSettingAad('llm'));
      await db.platform((tx) =>
        tx.query(`INSERT INTO platform_settings (name, value, ciphertext, key_id) VALUES ('llm', '{"provider":"openai"}', $1, $2)`, [platformSecret, k1.id]),
      );
      const k2 = generateSecretKey();
      const ring = createSecretBox([k2, k1]);
      const result = await rotateSecrets(db, ring);
      expect(result).toEqual({ keyId: k2.id, tenantSecrets: 1, channelConnections: 1, platformSettings: 1 });
      const onlyNew = createSecretBox([k2]);
      const store = createTenantSecretStore(onlyNew);
      expect(await db.tenant(seed.a.tenantId, (tx) => store.reveal(tx, seed.a.tenantId, 'llm.primary'))).toBe('sk-live-SECRETVALUE-9f3a');
      const row = await db.platform(async (tx) =>
        (await tx.query<{ credentials_ciphertext: string; key_id: string }>('SELECT credentials_ciphertext, key_id FROM channel_connections WHERE id = $1', [connectionId])).rows[0]!,
      );
      expect(row.key_id).toBe(k2.id);
      expect(onlyNew.decrypt(row.credentials_ciphertext, connectionSecretAad(seed.b.tenantId, connectionId, 'credentials'))).toContain('zalo-oa-token');
      const setting = await db.platform(async (tx) => (await tx.query<{ ciphertext: string; key_id: string }>(`SELECT ciphertext, key_id FROM platform_settings WHERE name = 'llm'`)).rows[0]!);
      expect(setting.key_id).toBe(k2.id);
      expect(onlyNew.decrypt(setting.ciphertext, platformSettingAad('llm'))).toContain('sk-platform-rotate-me');
      expect(await rotateSecrets(db, ring)).toMatchObject({ tenantSecrets: 0, platformSettings: 0 });
    });

    it('aborts the whole rotation when a ciphertext no key opens (nothing half-rotated)', async () => {
      const k3 = generateSecretKey();
      const stranger = createSecretBox([k3]);
      // Only k3 is in the ring: the k2 ciphertexts from the previous test cannot be opened.
      await expect(rotateSecrets(db, stranger)).rejects.toBeInstanceOf(SecretDecryptionError);
      const keyIds = await db.platform(async (tx) => (await tx.query<{ key_id: string }>('SELECT DISTINCT key_id FROM tenant_secrets')).rows);
      expect(keyIds.map((r) => r.key_id)).not.toContain(k3.id);
    });
  });
});

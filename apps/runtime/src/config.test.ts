import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatKeyring, generateSecretKey, loadConfig, parseKeyring } from './config';

const cwd = () => mkdtempSync(join(tmpdir(), 'acb-config-'));

describe('loadConfig', () => {
  it('defaults to the embedded setup and generates secrets once, mode 0600', () => {
    const dir = cwd();
    const config = loadConfig({}, dir);
    expect(config).toMatchObject({
      port: 8000, host: '127.0.0.1', dataDir: join(dir, '.chatbot'), databaseUrl: undefined, redisUrl: undefined,
      publicUrl: 'http://127.0.0.1:8000', secretsSource: 'generated', logLevel: 'info', production: false,
    });
    expect(config.secretKeys).toHaveLength(1);
    expect(config.secretKeys[0]!.key).toHaveLength(32);
    expect(statSync(config.secretsFile).mode & 0o777).toBe(0o600);
    const again = loadConfig({}, dir);
    expect(again.secretsSource).toBe('file');
    expect(again.jwtSecret).toBe(config.jwtSecret);
    expect(formatKeyring(again.secretKeys)).toBe(formatKeyring(config.secretKeys));
    expect(JSON.parse(readFileSync(config.secretsFile, 'utf8'))).toHaveProperty('secretKeys');
  });

  it('reads every variable and derives the public URL from PORT', () => {
    const key = generateSecretKey();
    const config = loadConfig(
      {
        PORT: '9001', HOST: '0.0.0.0', CHATBOT_DATA_DIR: '/var/lib/acb', DATABASE_URL: 'postgres://u@db/x', REDIS_URL: 'redis://r:6379',
        CHATBOT_JWT_SECRET: 's'.repeat(32), CHATBOT_SECRET_KEYS: formatKeyring([key]), SMTP_URL: 'smtp://mail:25', LOG_LEVEL: 'debug',
      },
      cwd(),
    );
    expect(config).toMatchObject({ port: 9001, host: '0.0.0.0', dataDir: '/var/lib/acb', publicUrl: 'http://127.0.0.1:9001', secretsSource: 'env', smtpUrl: 'smtp://mail:25' });
    expect(config.secretKeys[0]!.id).toBe(key.id);
  });

  it('parses TRUST_PROXY as false, true, a hop count or a list of addresses', () => {
    const dir = cwd();
    expect(loadConfig({}, dir).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }, dir).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }, dir).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }, dir).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('rejects invalid values with one bilingual message naming each variable', () => {
    const bad = () => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }, cwd());
    expect(bad).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*LOG_LEVEL/);
    try {
      bad();
    } catch (error) {
      expect(error).toMatchObject({ status: 400, messageVi: expect.stringContaining('Cấu hình không hợp lệ') });
    }
  });

  it('requires the JWT secret and keyring in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/x' }, cwd())).toThrow(
      /CHATBOT_JWT_SECRET, CHATBOT_SECRET_KEYS required in production/,
    );
  });
});

describe('parseKeyring', () => {
  it('parses several keys, first current, and rejects bad ones clearly', () => {
    const [a, b] = [generateSecretKey(), generateSecretKey()];
    expect(parseKeyring(formatKeyring([a, b])).map((k) => k.id)).toEqual([a.id, b.id]);
    expect(() => parseKeyring('k1:c2hvcnQ=')).toThrow(/must be 32 bytes/);
    expect(() => parseKeyring(`:${a.key.toString('base64')}`)).toThrow(/key id/);
    expect(() => parseKeyring(`${a.id}:${a.key.toString('base64')},${a.id}:${b.key.toString('base64')}`)).toThrow(/repeated/);
  });
});

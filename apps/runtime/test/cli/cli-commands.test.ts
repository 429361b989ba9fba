import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecretKey, loadConfig } from '../../src/config';
import type { CommandEnv } from '../../src/cli/command-table';
import { runCommand } from '../../src/cli/run-command';
import type { PgliteDb } from '../../src/db/pglite-db';
import { createSecretBox } from '../../src/secrets/secret-box';
import { createTestPglite } from '../helpers/pglite';

describe('agent-chatbot commands (in-process, PGlite)', () => {
  let db: PgliteDb;
  let env: CommandEnv;
  const run = (...argv: string[]) => runCommand(argv, async () => ({ env, close: async () => {} }));

  beforeAll(async () => {
    db = await createTestPglite();
    const key = generateSecretKey();
    const config = loadConfig({ CHATBOT_JWT_SECRET: 'x'.repeat(40), CHATBOT_SECRET_KEYS: `${key.id}:${key.key.toString('base64')}` });
    env = { config, db, secretBox: createSecretBox(config.secretKeys), inServer: false };
  });
  afterAll(() => db?.close());

  it('prints bilingual help for the CLI and for each command, exit 0', async () => {
    const general = await run('--help');
    expect(general.exitCode).toBe(0);
    expect(general.stdout).toMatch(/tenant create.*Tạo cửa hàng/);
    const one = await run('apikey', 'create', '--help');
    expect(one).toMatchObject({ exitCode: 0 });
    expect(one.stdout).toContain('--tenant ID|SLUG');
  });

  it('creates a tenant (slug folded from the Vietnamese name) and lists it as JSON', async () => {
    const created = await run('tenant', 'create', '--name', 'Tiệm Trà Đá Hồ Gươm', '--admin-email', 'tra@example.vn', '--admin-password', 'tra-da-ho-guom-1', '--json');
    expect(created.exitCode).toBe(0);
    const tenant = JSON.parse(created.stdout) as { id: string; slug: string };
    expect(tenant).toMatchObject({ slug: 'tiem-tra-da-ho-guom', id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const list = JSON.parse((await run('tenant', 'list', '--json')).stdout) as Array<{ id: string; memberCount: number }>;
    expect(list).toEqual([expect.objectContaining({ id: tenant.id, memberCount: 1 })]);
    const key = await run('apikey', 'create', '--tenant', tenant.id, '--name', 'web', '--json');
    expect(JSON.parse(key.stdout)).toMatchObject({ key: expect.stringMatching(/^acb_/), tenantId: tenant.id, name: 'web' });
    const suspended = await run('tenant', 'suspend', 'tiem-tra-da-ho-guom', '--json');
    expect(JSON.parse(suspended.stdout)).toMatchObject({ status: 'suspended' });
    expect(JSON.parse((await run('tenant', 'resume', tenant.id, '--json')).stdout)).toMatchObject({ status: 'active' });
    const admin = await run('user', 'create', '--platform-admin', '--email', 'ops@example.vn', '--password', 'van-hanh-an-toan', '--json');
    expect(JSON.parse(admin.stdout)).toMatchObject({ email: 'ops@example.vn', isPlatformAdmin: true });
    const rotated = await run('secrets', 'rotate', '--json');
    expect(JSON.parse(rotated.stdout)).toEqual({ keyId: env.config.secretKeys[0]!.id, tenantSecrets: 0, channelConnections: 0, platformSettings: 0 });
  });

  it('exits non-zero with a clear bilingual message on every kind of bad input', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['tenant', 'create', '--name', 'A', '--slug', 'tiem-tra-da-ho-guom', '--admin-email', 'a@example.vn', '--admin-password', 'mot-mat-khau-dai'], 1, /Slug "tiem-tra-da-ho-guom" đã có[\s\S]*already taken/],
      [['tenant', 'create', '--name', 'A', '--admin-email', 'b@example.vn', '--admin-password', 'password'], 2, /Mật khẩu yếu[\s\S]*Weak password/],
      [['tenant', 'create', '--name', 'A', '--admin-email', 'c@example.vn', '--admin-password', 'password1234'.slice(0, 8)], 2, /Weak password/],
      [['tenant', 'create', '--name', 'A', '--admin-email', 'tra@example.vn', '--admin-password', 'mot-mat-khau-dai'], 1, /đã được đăng ký[\s\S]*already registered/],
      [['tenant', 'create', '--admin-email', 'd@example.vn', '--admin-password', 'mot-mat-khau-dai'], 2, /Thiếu tham số --name[\s\S]*Missing --name/],
      [['tenant', 'create', '--name', 'A', '--colour', 'red'], 2, /Không có tuỳ chọn --colour[\s\S]*Unknown option --colour/],
      [['tenant', 'suspend', 'khong-ton-tai'], 1, /Không tìm thấy cửa hàng[\s\S]*Tenant not found/],
      [['tenant', 'suspend'], 2, /Thiếu ID[\s\S]*Missing ID/],
      [['apikey', 'create', '--tenant', '00000000-0000-4000-8000-000000000000'], 1, /Tenant not found/],
      [['tenant', 'list', '--status', 'sleeping'], 2, /--status/],
      [['frobnicate'], 2, /Không có lệnh "frobnicate"[\s\S]*Unknown command/],
      [['user', 'create', '--email', 'not-an-email', '--password', 'mot-mat-khau-dai'], 2, /email không hợp lệ[\s\S]*Invalid e-mail/],
    ];
    for (const [argv, code, message] of cases) {
      const out = await run(...argv);
      expect(out.exitCode, argv.join(' ')).toBe(code);
      expect(out.stdout, argv.join(' ')).toBe('');
      expect(out.stderr, argv.join(' ')).toMatch(message);
    }
    const json = await run('tenant', 'suspend', 'khong-ton-tai', '--json');
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'not_found', message_vi: expect.stringContaining('Không tìm thấy') } });
  });
});

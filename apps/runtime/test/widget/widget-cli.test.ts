/**
 * `agent-chatbot widget snippet` in-process on PGlite: the snippet with `--json` (public key,
 * snippet, allowed domains), repeated `--allowed-domain` added to the widget's list (never
 * duplicated, the key stays), the Vietnamese-first text output, and bilingual errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecretKey, loadConfig } from '../../src/config';
import type { CommandEnv } from '../../src/cli/command-table';
import { runCommand } from '../../src/cli/run-command';
import type { PgliteDb } from '../../src/db/pglite-db';
import { createSecretBox } from '../../src/secrets/secret-box';
import { findWidget } from '../../src/widget/widget-store';
import { createTestPglite } from '../helpers/pglite';

describe('agent-chatbot widget snippet (PGlite)', () => {
  let db: PgliteDb;
  let env: CommandEnv;
  let tenantId: string;
  const run = (...argv: string[]) => runCommand(argv, async () => ({ env, close: async () => {} }));

  beforeAll(async () => {
    db = await createTestPglite();
    const key = generateSecretKey();
    const config = loadConfig({
      CHATBOT_JWT_SECRET: 'x'.repeat(40),
      CHATBOT_SECRET_KEYS: `${key.id}:${key.key.toString('base64')}`,
      CHATBOT_PUBLIC_URL: 'https://chat.example.vn',
    });
    env = { config, db, secretBox: createSecretBox(config.secretKeys), inServer: false };
    const created = await run('tenant', 'create', '--name', 'Tiệm Hoa Hồng', '--admin-email', 'hoa@example.vn', '--admin-password', 'hoa-hong-dep-lam-1', '--json');
    tenantId = (JSON.parse(created.stdout) as { id: string }).id;
  }, 60_000);
  afterAll(() => db?.close());

  it('prints the snippet as JSON and adds the allowed domains', async () => {
    const first = await run('widget', 'snippet', '--tenant', 'tiem-hoa-hong', '--allowed-domain', 'Hoa.vn', '--allowed-domain', 'https://www.hoa.vn/', '--json');
    expect(first.exitCode, first.stderr).toBe(0);
    const out = JSON.parse(first.stdout) as { public_key: string; snippet: string; allowed_domains: string[]; tenant_id: string };
    expect(out.public_key).toMatch(/^pk_[A-Za-z0-9_-]{24}$/);
    expect(out.snippet).toBe(`<script src="https://chat.example.vn/widget.js" data-key="${out.public_key}" async></script>`);
    expect(out.allowed_domains).toEqual(['hoa.vn', 'https://www.hoa.vn']);
    expect(out.tenant_id).toBe(tenantId);

    const second = JSON.parse((await run('widget', 'snippet', '--tenant', tenantId, '--allowed-domain', 'hoa.vn', '--allowed-domain', '*.hoa.vn', '--json')).stdout) as typeof out;
    expect(second.public_key).toBe(out.public_key);
    expect(second.allowed_domains).toEqual(['hoa.vn', 'https://www.hoa.vn', '*.hoa.vn']);
    const stored = await db.tenant(tenantId, (tx) => findWidget(tx, env.secretBox));
    expect(stored?.settings.allowed_origins).toEqual(['hoa.vn', 'https://www.hoa.vn', '*.hoa.vn']);
    expect(stored?.publicKey).toBe(out.public_key);
  });

  it('prints Vietnamese first in text mode, with an English snippet on request', async () => {
    const text = await run('widget', 'snippet', '--tenant', tenantId, '--lang', 'en');
    expect(text.exitCode).toBe(0);
    expect(text.stdout.indexOf('Dán đoạn mã')).toBeLessThan(text.stdout.indexOf('Paste this'));
    expect(text.stdout).toMatch(/<script src="https:\/\/chat\.example\.vn\/widget\.js" data-key="pk_[^"]+" data-lang="en" async><\/script>/);
    const help = await run('widget', 'snippet', '--help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--allowed-domain');
    expect((await run('--help')).stdout).toMatch(/widget snippet.*In đoạn mã nhúng/);
  });

  it('refuses bad input with a bilingual message', async () => {
    const bad = await run('widget', 'snippet', '--tenant', tenantId, '--allowed-domain', 'javascript:alert(1)');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/Không phải tên miền hợp lệ[\s\S]*Not a domain/);
    const missing = await run('widget', 'snippet');
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toMatch(/Thiếu tham số --tenant[\s\S]*Missing --tenant/);
    const unknown = await run('widget', 'snippet', '--tenant', 'khong-co-cua-hang-nay');
    expect(unknown.stderr).toMatch(/Không tìm thấy cửa hàng/);
  });
});

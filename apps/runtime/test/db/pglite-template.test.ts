import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '@agent-chatbot/core';
import { loadMigrations, migrate } from '../../src/db/migrate';
import { createPgliteDb } from '../../src/db/pglite-db';
import { buildPgliteTemplate } from '../../src/db/pglite-template-build';
import {
  extractTarGz,
  prestagePgliteTemplate,
  restorePgliteTemplate,
  TEMPLATE_FILE,
  TEMPLATE_MANIFEST,
  type TemplateManifest,
} from '../../src/db/pglite-template';
import { discardPrestagedTemplate, prestageForCommand, takePrestagedTemplate } from '../../src/db/pglite-template-extract';
import { seedTwoTenants } from '../helpers/seed';

const root = mkdtempSync(join(tmpdir(), 'acb-pglite-template-'));
const built = join(root, 'built');
const template = join(built, TEMPLATE_FILE);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the built template whose manifest and/or tarball `edit` changed. */
function variant(name: string, edit: (files: { manifest: TemplateManifest; tarball: Buffer }) => { manifest: TemplateManifest; tarball: Buffer }): string {
  const dir = join(root, name);
  mkdirSync(dir);
  const edited = edit({ manifest: JSON.parse(readFileSync(join(built, TEMPLATE_MANIFEST), 'utf8')), tarball: readFileSync(template) });
  writeFileSync(join(dir, TEMPLATE_FILE), edited.tarball);
  writeFileSync(join(dir, TEMPLATE_MANIFEST), JSON.stringify(edited.manifest));
  return join(dir, TEMPLATE_FILE);
}

const leftovers = (parent: string) => readdirSync(parent).filter((f) => f.includes('.template-'));

beforeAll(async () => {
  mkdirSync(built);
  await buildPgliteTemplate(built);
}, 120_000);

describe('PGlite data-folder template', () => {
  it('records the PGlite and pg-boss versions, every migration and the tarball hash', () => {
    const manifest = JSON.parse(readFileSync(join(built, TEMPLATE_MANIFEST), 'utf8')) as TemplateManifest;
    expect(manifest.format).toBe(1);
    expect(manifest.pglite).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.pgBoss).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.migrations).toEqual(loadMigrations().map(({ version, checksum }) => ({ version, checksum })));
    expect(manifest.bytes).toBe(readFileSync(template).length);
  });

  it('starts an empty folder from the template: migrated, pg-boss schema present, RLS enforced, lock held', async () => {
    const parent = join(root, 'fresh');
    const dir = join(parent, 'pglite');
    const db = await createPgliteDb(dir, { template, vacuumCheckMs: 0 });
    try {
      expect(db.origin.from).toBe('template');
      expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
      expect(leftovers(parent)).toEqual([]);
      // Lock file logic unchanged: ours while open, a second open is refused.
      expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
      await expect(createPgliteDb(dir, { template })).rejects.toBeInstanceOf(ConflictError);

      const result = await migrate(db);
      expect(result.applied).toEqual([]);
      expect(result.changed).toEqual([]);
      expect(result.versions).toEqual(loadMigrations().map((m) => m.version));
      const boss = await db.pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'pgboss'`);
      expect(boss.rows[0]!.n).toBeGreaterThan(0);

      const { a, b } = await seedTwoTenants(db);
      const seen = await db.tenant(a.tenantId, async (tx) => (await tx.query<{ id: string }>('SELECT id FROM tenants')).rows.map((r) => r.id));
      expect(seen).toEqual([a.tenantId]);
      expect(seen).not.toContain(b.tenantId);
      const anonymous = await db.anonymous(async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations')).rows[0]!.n);
      expect(anonymous).toBe(0);
    } finally {
      await db.close();
    }
    expect(existsSync(`${dir}.lock`)).toBe(false);

    // Reopened, it is an existing folder with the data kept.
    const again = await createPgliteDb(dir, { template, vacuumCheckMs: 0 });
    try {
      expect(again.origin).toEqual({ from: 'existing' });
      const n = await again.platform(async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants')).rows[0]!.n);
      expect(n).toBe(2);
    } finally {
      await again.close();
    }
  }, 60_000);

  it('loads the template into a memory database when asked (tests), which is then migrated already', async () => {
    const db = await createPgliteDb('memory', { template, vacuumCheckMs: 0 });
    try {
      expect(db.origin).toEqual({ from: 'memory', template: true });
      expect((await migrate(db)).applied).toEqual([]);
      const { a } = await seedTwoTenants(db);
      const seen = await db.tenant(a.tenantId, async (tx) => (await tx.query<{ id: string }>('SELECT id FROM tenants')).rows.map((r) => r.id));
      expect(seen).toEqual([a.tenantId]);
    } finally {
      await db.close();
    }
    // Without one a memory database starts empty, as before.
    const plain = await createPgliteDb('memory', { vacuumCheckMs: 0 });
    try {
      expect(plain.origin).toEqual({ from: 'memory' });
      const tables = await plain.pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables.rows[0]!.n).toBe(0);
    } finally {
      await plain.close();
    }
  }, 60_000);

  it('restores into an existing empty folder, and leaves a non-empty one alone', async () => {
    const empty = join(root, 'empty-dir');
    mkdirSync(empty);
    expect(await restorePgliteTemplate(empty, template)).toMatchObject({ restored: true });
    expect(existsSync(join(empty, 'PG_VERSION'))).toBe(true);

    const busy = join(root, 'busy-dir');
    mkdirSync(busy);
    writeFileSync(join(busy, 'keep.txt'), 'x');
    expect(await restorePgliteTemplate(busy, template)).toEqual({ restored: false, reason: 'the folder is not empty' });
    expect(readdirSync(busy)).toEqual(['keep.txt']);
  });

  it('refuses a template made by another PGlite, pg-boss or migration set', async () => {
    const cases = {
      pglite: variant('other-pglite', ({ manifest, tarball }) => ({ manifest: { ...manifest, pglite: '0.0.1' }, tarball })),
      pgBoss: variant('other-boss', ({ manifest, tarball }) => ({ manifest: { ...manifest, pgBoss: '1.0.0' }, tarball })),
      migration: variant('other-migration', ({ manifest, tarball }) => ({
        manifest: { ...manifest, migrations: manifest.migrations.map((m, i) => (i === 1 ? { ...m, checksum: 'f'.repeat(64) } : m)) },
        tarball,
      })),
      extra: variant('extra-migration', ({ manifest, tarball }) => ({
        manifest: { ...manifest, migrations: [...manifest.migrations, { version: '9999_future', checksum: 'a'.repeat(64) }] },
        tarball,
      })),
    };
    for (const [name, file] of Object.entries(cases)) {
      const parent = join(root, `mismatch-${name}`);
      mkdirSync(parent);
      const result = await restorePgliteTemplate(join(parent, 'pglite'), file);
      expect(result.restored, name).toBe(false);
      expect(!result.restored && result.reason, name).toMatch(/^template does not match/);
      expect(readdirSync(parent), name).toEqual([]);
    }
    // A template with fewer migrations (an older build) is fine: the normal run applies the rest.
    const older = variant('older', ({ manifest, tarball }) => ({ manifest: { ...manifest, migrations: manifest.migrations.slice(0, -1) }, tarball }));
    const parent = join(root, 'older-ok');
    mkdirSync(parent);
    expect(await restorePgliteTemplate(join(parent, 'pglite'), older)).toMatchObject({ restored: true });
  });

  it('never leaves a half-restored folder from a corrupt template', async () => {
    const flipped = variant('flipped', ({ manifest, tarball }) => {
      const bad = Buffer.from(tarball);
      bad[Math.floor(bad.length / 2)]! ^= 0xff;
      return { manifest, tarball: bad };
    });
    const parent = join(root, 'corrupt');
    mkdirSync(parent);
    const hashed = await restorePgliteTemplate(join(parent, 'pglite'), flipped);
    expect(hashed).toEqual({ restored: false, reason: 'template corrupt: its hash differs from the manifest' });

    // A corrupt archive whose manifest agrees (say, rebuilt by hand): extraction fails, the staging folder goes.
    const truncated = variant('truncated', ({ manifest, tarball }) => {
      const bad = tarball.subarray(0, Math.floor(tarball.length / 2));
      return { manifest: { ...manifest, bytes: bad.length, sha256: createHash('sha256').update(bad).digest('hex') }, tarball: bad };
    });
    const result = await restorePgliteTemplate(join(parent, 'pglite'), truncated);
    expect(result.restored).toBe(false);
    expect(!result.restored && result.reason).toMatch(/^template restore failed/);
    expect(readdirSync(parent)).toEqual([]);

    // A staging folder a crashed restore left behind is cleared by the next one.
    mkdirSync(join(parent, '.pglite.template-crashed'));
    writeFileSync(join(parent, '.pglite.template-crashed', 'PG_VERSION'), '17');
    expect(await restorePgliteTemplate(join(parent, 'pglite'), template)).toMatchObject({ restored: true });
    expect(readdirSync(parent)).toEqual(['pglite']);
    rmSync(join(parent, 'pglite'), { recursive: true });

    const unreadable = variant('bad-manifest', ({ tarball }) => ({ manifest: { format: 99 } as unknown as TemplateManifest, tarball }));
    expect(await restorePgliteTemplate(join(parent, 'pglite'), unreadable)).toMatchObject({ restored: false, reason: expect.stringMatching(/^template unreadable/) });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('rejects archive entries it does not expect (links, paths outside the folder)', () => {
    const header = (name: string, type: string, size = 0) => {
      const h = Buffer.alloc(512);
      h.write(name, 0);
      h.write(size.toString(8).padStart(11, '0'), 124);
      h.write(type, 156);
      h.write('ustar\u000000', 257);
      return h;
    };
    const out = mkdtempSync(join(root, 'tar-'));
    expect(() => extractTarGz(gzipSync(Buffer.concat([header('../evil', '0'), Buffer.alloc(1024)])), out)).toThrow(/unsafe path/);
    expect(() => extractTarGz(gzipSync(Buffer.concat([header('link', '2'), Buffer.alloc(1024)])), out)).toThrow(/unsupported entry type/);
    expect(() => extractTarGz(gzipSync(header('short', '0', 4096)), out)).toThrow(/truncated/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('falls back to initdb (in a child process) when the template is missing', async () => {
    const dir = join(root, 'missing', 'pglite');
    const db = await createPgliteDb(dir, { template: join(root, 'nowhere', TEMPLATE_FILE), vacuumCheckMs: 0 });
    try {
      expect(db.origin).toMatchObject({ from: 'initdb', templateSkipped: expect.stringMatching(/^template unreadable/) });
      const result = await migrate(db);
      expect(result.applied).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await db.close();
    }
  }, 120_000);

  it('restores the mostly-zero WAL segment at its full size (its zeros left as a hole)', async () => {
    const dir = join(root, 'wal');
    expect(await restorePgliteTemplate(dir, template)).toMatchObject({ restored: true });
    const wal = readdirSync(join(dir, 'pg_wal')).filter((f) => /^[0-9A-F]{24}$/.test(f));
    expect(wal.length).toBeGreaterThan(0);
    for (const segment of wal) expect(statSync(join(dir, 'pg_wal', segment)).size).toBe(16 * 1024 * 1024);
  });

  describe('extraction started early on a worker thread (first `serve`)', () => {
    it('is used by the restore that opens the folder: same checks, no second extraction, nothing left beside it', async () => {
      const parent = join(root, 'early');
      const dir = join(parent, 'pglite');
      expect(prestagePgliteTemplate(dir, template)).toBe(true);
      // One extraction per folder at a time.
      expect(prestagePgliteTemplate(dir, template)).toBe(false);
      const db = await createPgliteDb(dir, { template, vacuumCheckMs: 0 });
      try {
        expect(db.origin).toMatchObject({ from: 'template', background: true });
        expect(leftovers(parent)).toEqual([]);
        expect((await migrate(db)).applied).toEqual([]);
        const { a } = await seedTwoTenants(db);
        const seen = await db.tenant(a.tenantId, async (tx) => (await tx.query<{ id: string }>('SELECT id FROM tenants')).rows.map((r) => r.id));
        expect(seen).toEqual([a.tenantId]);
        // The folder now holds a database (and is locked): nothing more to extract for it.
        expect(prestagePgliteTemplate(dir, template)).toBe(false);
      } finally {
        await db.close();
      }
      expect(prestagePgliteTemplate(dir, template)).toBe(false);
    }, 60_000);

    it("removes what an ended process's early extraction left behind, not a running one's", async () => {
      const parent = join(root, 'early-abandoned');
      mkdirSync(parent);
      const dir = join(parent, 'pglite');
      const ended = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid whose process has exited
      mkdirSync(join(parent, `.pglite.template-${ended}-AbCdEf`));
      mkdirSync(join(parent, `.pglite.template-${process.ppid}-GhIjKl`));
      expect(prestagePgliteTemplate(dir, template)).toBe(true);
      expect(existsSync(join(parent, `.pglite.template-${ended}-AbCdEf`))).toBe(false);
      expect(existsSync(join(parent, `.pglite.template-${process.ppid}-GhIjKl`))).toBe(true);
      // The restore (holding the lock) then clears every other staging folder and uses its own.
      expect(await restorePgliteTemplate(dir, template)).toMatchObject({ restored: true, background: true });
      expect(readdirSync(parent)).toEqual(['pglite']);
    });

    it('is not started for a folder a live process has locked', () => {
      const parent = join(root, 'early-locked');
      mkdirSync(parent);
      const dir = join(parent, 'pglite');
      writeFileSync(`${dir}.lock`, String(process.ppid));
      expect(prestagePgliteTemplate(dir, template)).toBe(false);
      expect(leftovers(parent)).toEqual([]);
    });

    it('is removed, not used, when another process holds the folder by the time it opens', async () => {
      const parent = join(root, 'early-lost');
      mkdirSync(parent);
      const dir = join(parent, 'pglite');
      expect(prestagePgliteTemplate(dir, template)).toBe(true);
      writeFileSync(`${dir}.lock`, String(process.ppid)); // another live process took the folder meanwhile
      await expect(createPgliteDb(dir, { template, vacuumCheckMs: 0 })).rejects.toMatchObject({ code: 'data_dir_locked' });
      // The refused open waited for the extraction and removed it: none is pending, none on disk.
      expect(takePrestagedTemplate(dir)).toBeUndefined();
      expect(leftovers(parent)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    });

    it('is removed, not used, when its archive differs from the manifest (then the restore reports it as before)', async () => {
      const flipped = variant('early-flipped', ({ manifest, tarball }) => {
        const bad = Buffer.from(tarball);
        bad[bad.length - 20]! ^= 0xff; // the gzip trailer: the archive still extracts, its hash differs
        return { manifest, tarball: bad };
      });
      const parent = join(root, 'early-corrupt');
      const dir = join(parent, 'pglite');
      expect(prestagePgliteTemplate(dir, flipped)).toBe(true);
      expect(await restorePgliteTemplate(dir, flipped)).toEqual({ restored: false, reason: 'template corrupt: its hash differs from the manifest' });
      expect(readdirSync(parent)).toEqual([]);
    });

    it('is started by the CLI entry for `serve` on the embedded database only', async () => {
      const dataDir = join(root, 'early-cli');
      const dir = join(dataDir, 'pglite');
      expect(prestageForCommand(['chat', 'xin chào'], { CHATBOT_DATA_DIR: dataDir })).toBe(false);
      expect(prestageForCommand(['serve', '--help'], { CHATBOT_DATA_DIR: dataDir })).toBe(false);
      expect(prestageForCommand(['serve'], { CHATBOT_DATA_DIR: dataDir, DATABASE_URL: 'postgres://127.0.0.1/x' })).toBe(false);
      expect(existsSync(dataDir)).toBe(false);
      // `CHATBOT_DATA_DIR` relative to the working folder, as the configuration reads it.
      expect(prestageForCommand(['serve', '--no-worker'], { CHATBOT_DATA_DIR: 'early-cli' }, root)).toBe(true);
      await discardPrestagedTemplate(dir);
      expect(leftovers(dataDir)).toEqual([]);
    });
  });
});

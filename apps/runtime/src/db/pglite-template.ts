import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { loadMigrations, type Migration } from './migrate';

/**
 * A PGlite data folder prepared at build time (initdb done, every migration and pg-boss's schema
 * applied), shipped as `dist/pglite-template.tar.gz` with a manifest `dist/pglite-template.json`.
 * The first start on an empty folder restores it instead of running initdb (see ADR 0009).
 */
export const TEMPLATE_FILE = 'pglite-template.tar.gz';
/** The manifest beside {@link TEMPLATE_FILE}. */
export const TEMPLATE_MANIFEST = 'pglite-template.json';
/** Bumped when the template's layout or the meaning of the manifest changes. */
export const TEMPLATE_FORMAT = 1;

const manifestSchema = z.object({
  format: z.literal(TEMPLATE_FORMAT),
  pglite: z.string().min(1),
  pgBoss: z.string().min(1),
  migrations: z.array(z.object({ version: z.string(), checksum: z.string() })),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  createdAt: z.string(),
});

/** What a template holds and was made with (`pglite-template.json`). */
export type TemplateManifest = z.infer<typeof manifestSchema>;

/** Outcome of {@link restorePgliteTemplate}: restored, or why not (the caller then runs initdb). */
export type TemplateRestore = { readonly restored: true; readonly ms: number } | { readonly restored: false; readonly reason: string };

/** True when `dir` holds a Postgres data folder (its `PG_VERSION` file), not an empty or missing one. */
export function holdsPgliteDatabase(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

/**
 * The template next to the built runtime: `dist/` when this code is bundled there, or the
 * package's `dist/` when it runs from source (tests). Undefined when no build produced one.
 */
export function defaultTemplatePath(): string | undefined {
  const candidates = [`./${TEMPLATE_FILE}`, `../../dist/${TEMPLATE_FILE}`].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((file) => existsSync(file));
}

/** The version of an installed dependency, as the runtime resolves it (walks up to its package.json). */
export function installedVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json of ${name} not found`);
    dir = parent;
  }
}

/** The manifest of a template about to be built from these migrations with the installed PGlite/pg-boss. */
export function templateManifest(migrations: readonly Migration[], tarball: Buffer): TemplateManifest {
  return {
    format: TEMPLATE_FORMAT,
    pglite: installedVersion('@electric-sql/pglite'),
    pgBoss: installedVersion('pg-boss'),
    migrations: migrations.map(({ version, checksum }) => ({ version, checksum })),
    sha256: createHash('sha256').update(tarball).digest('hex'),
    bytes: tarball.length,
    createdAt: new Date().toISOString(),
  };
}

/**
 * Why a template made as `manifest` must not be used here, or undefined when it fits: same PGlite
 * and pg-boss versions, and its migrations are the first ones of `migrations` with the same
 * checksums (any later ones are applied by the normal migration run).
 */
export function templateMismatch(manifest: TemplateManifest, migrations: readonly Migration[]): string | undefined {
  const pglite = installedVersion('@electric-sql/pglite');
  if (manifest.pglite !== pglite) return `made with PGlite ${manifest.pglite}, installed ${pglite}`;
  const pgBoss = installedVersion('pg-boss');
  if (manifest.pgBoss !== pgBoss) return `made with pg-boss ${manifest.pgBoss}, installed ${pgBoss}`;
  if (manifest.migrations.length > migrations.length) return 'it has migrations this runtime does not know';
  for (const [i, m] of manifest.migrations.entries()) {
    const current = migrations[i]!;
    if (current.version !== m.version || current.checksum !== m.checksum) return `migration ${m.version} differs from ${current.version}`;
  }
  return undefined;
}

/**
 * Reads a template and checks it against this runtime: the manifest parses and matches
 * ({@link templateMismatch}), and the tarball has the manifest's size and sha256. Returns the
 * gzip'd tarball, or why it must not be used.
 */
export function readPgliteTemplate(
  template: string,
  migrations: () => readonly Migration[] = loadMigrations,
): { readonly tarball: Buffer } | { readonly reason: string } {
  const manifestFile = join(dirname(template), TEMPLATE_MANIFEST);
  let manifest: TemplateManifest;
  let tarball: Buffer;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestFile, 'utf8')));
    tarball = readFileSync(template);
  } catch (error) {
    return { reason: `template unreadable: ${(error as Error).message}` };
  }
  let mismatch: string | undefined;
  try {
    mismatch = templateMismatch(manifest, migrations());
  } catch (error) {
    mismatch = (error as Error).message;
  }
  if (mismatch) return { reason: `template does not match: ${mismatch}` };
  if (tarball.length !== manifest.bytes || createHash('sha256').update(tarball).digest('hex') !== manifest.sha256) {
    return { reason: 'template corrupt: its hash differs from the manifest' };
  }
  return { tarball };
}

/**
 * Restores the template into `path` (absent or an empty folder): checks the manifest and the
 * tarball's hash, extracts into a temporary sibling and renames it into place, so `path` is either
 * untouched or a complete data folder (a sibling left by a crash is removed on the next try). The
 * caller must hold the folder's lock. Any problem returns `{ restored: false, reason }`.
 */
export async function restorePgliteTemplate(
  path: string,
  template: string,
  migrations: () => readonly Migration[] = loadMigrations,
): Promise<TemplateRestore> {
  const started = performance.now();
  try {
    if (existsSync(path) && readdirSync(path).length > 0) return { restored: false, reason: 'the folder is not empty' };
  } catch (error) {
    return { restored: false, reason: `the folder is unusable: ${(error as Error).message}` };
  }
  const read = readPgliteTemplate(template, migrations);
  if ('reason' in read) return { restored: false, reason: read.reason };
  const { tarball } = read;

  // The caller holds the folder's lock: a staging folder left here is from a restore that crashed.
  const stagingPrefix = `.${basename(path)}.template-`;
  let staging: string | undefined;
  try {
    for (const entry of readdirSync(dirname(path))) {
      if (entry.startsWith(stagingPrefix)) rmSync(join(dirname(path), entry), { recursive: true, force: true });
    }
    staging = mkdtempSync(join(dirname(path), stagingPrefix));
    extractTarGz(tarball, staging);
    if (!holdsPgliteDatabase(staging)) throw new Error('no PG_VERSION in the template');
    if (existsSync(path)) rmdirSync(path); // empty (checked above); rename replaces only a missing path portably
    renameSync(staging, path);
  } catch (error) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    return { restored: false, reason: `template restore failed: ${(error as Error).message}` };
  }
  return { restored: true, ms: Math.round(performance.now() - started) };
}

/**
 * Extracts a gzip'd ustar archive (regular files and folders only, as the build writes it) into
 * `cwd`. Synchronous and in one piece: node-tar's streams take ~3× longer for the template's
 * ~1,300 small files. A file's trailing zeros are not written but left as a hole (the WAL segment
 * is mostly zeros). Anything unexpected (links, paths leaving `cwd`, a short archive) throws.
 */
export function extractTarGz(gz: Buffer, cwd: string): number {
  const tar = gunzipSync(gz);
  let header = tar.subarray(0, 512);
  const text = (start: number, length: number) => {
    const raw = header.subarray(start, start + length);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? length : end).toString('utf8');
  };
  let offset = 0;
  let files = 0;
  for (;;) {
    if (offset + 512 > tar.length) throw new Error('truncated archive');
    header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return files; // end-of-archive marker
    if (text(257, 6) !== 'ustar') throw new Error(`not a ustar header at byte ${offset}`);
    const prefix = text(345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(0, 100);
    const size = Number.parseInt(text(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const relative = normalize(name).replace(/\/+$/, '');
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`bad size for ${name}`);
    if (relative.startsWith('..') || relative.startsWith(sep) || relative.includes(`${sep}..${sep}`)) throw new Error(`unsafe path ${name}`);
    const target = join(cwd, relative);
    const body = offset + 512;
    if (body + size > tar.length) throw new Error(`truncated archive at ${name}`);
    if (type === '5') mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      let end = body + size;
      while (end > body && tar[end - 1] === 0) end -= 1;
      const fd = openSync(target, 'wx', 0o600);
      try {
        if (end > body) writeSync(fd, tar, body, end - body);
        if (end - body < size) ftruncateSync(fd, size);
      } finally {
        closeSync(fd);
      }
      files += 1;
    } else throw new Error(`unsupported entry type "${type}" for ${name}`);
    offset = body + Math.ceil(size / 512) * 512;
  }
}

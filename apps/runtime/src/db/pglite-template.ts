import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { loadMigrations, type Migration } from './migrate';
import { extractTarGz, holdsPgliteDatabase, stagingPrefix, takePrestagedTemplate, TEMPLATE_MANIFEST } from './pglite-template-extract';

export {
  defaultTemplatePath,
  extractTarGz,
  holdsPgliteDatabase,
  prestagePgliteTemplate,
  TEMPLATE_FILE,
  TEMPLATE_MANIFEST,
} from './pglite-template-extract';

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
export type TemplateRestore =
  | {
      readonly restored: true;
      /** Milliseconds this call took (with an early extraction: the wait for it and the rename). */
      readonly ms: number;
      /** The extraction was started early on a worker thread ({@link prestagePgliteTemplate}). */
      readonly background?: true;
    }
  | { readonly restored: false; readonly reason: string };

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
 * Reads a template's manifest and checks it against this runtime ({@link templateMismatch}).
 * Returns the manifest, or why the template must not be used.
 */
function checkTemplateManifest(
  template: string,
  migrations: () => readonly Migration[],
): { readonly manifest: TemplateManifest } | { readonly reason: string } {
  let manifest: TemplateManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(join(dirname(template), TEMPLATE_MANIFEST), 'utf8')));
  } catch (error) {
    return { reason: `template unreadable: ${(error as Error).message}` };
  }
  let mismatch: string | undefined;
  try {
    mismatch = templateMismatch(manifest, migrations());
  } catch (error) {
    mismatch = (error as Error).message;
  }
  return mismatch ? { reason: `template does not match: ${mismatch}` } : { manifest };
}

const corrupt = 'template corrupt: its hash differs from the manifest';
/** True when `tarball` has the size and sha256 the manifest records. */
const matchesManifest = (tarball: Buffer, manifest: TemplateManifest): boolean =>
  tarball.length === manifest.bytes && createHash('sha256').update(tarball).digest('hex') === manifest.sha256;

/**
 * Reads a template and checks it against this runtime: the manifest parses and matches
 * ({@link templateMismatch}), and the tarball has the manifest's size and sha256. Returns the
 * gzip'd tarball, or why it must not be used.
 */
export function readPgliteTemplate(
  template: string,
  migrations: () => readonly Migration[] = loadMigrations,
): { readonly tarball: Buffer } | { readonly reason: string } {
  const checked = checkTemplateManifest(template, migrations);
  if ('reason' in checked) return checked;
  let tarball: Buffer;
  try {
    tarball = readFileSync(template);
  } catch (error) {
    return { reason: `template unreadable: ${(error as Error).message}` };
  }
  if (!matchesManifest(tarball, checked.manifest)) return { reason: corrupt };
  return { tarball };
}

/**
 * Restores the template into `path` (absent or an empty folder): checks the manifest and the
 * tarball's hash, extracts into a temporary sibling and renames it into place, so `path` is either
 * untouched or a complete data folder (a sibling left by a crash is removed on the next try). The
 * caller must hold the folder's lock. Any problem returns `{ restored: false, reason }`.
 *
 * When {@link prestagePgliteTemplate} already extracted this template for `path` on a worker
 * thread, that staging folder is used instead of extracting again — after the same checks (the
 * archive it read has the manifest's size and sha256) — and the result says `background: true`.
 */
export async function restorePgliteTemplate(
  path: string,
  template: string,
  migrations: () => readonly Migration[] = loadMigrations,
): Promise<TemplateRestore> {
  const started = performance.now();
  const early = await takePrestagedTemplate(path);
  let staging = early && 'staging' in early ? early.staging : undefined;
  const discard = () => {
    if (staging) rmSync(staging, { recursive: true, force: true });
    staging = undefined;
  };
  try {
    if (existsSync(path) && readdirSync(path).length > 0) {
      discard();
      return { restored: false, reason: 'the folder is not empty' };
    }
  } catch (error) {
    discard();
    return { restored: false, reason: `the folder is unusable: ${(error as Error).message}` };
  }
  const checked = checkTemplateManifest(template, migrations);
  if ('reason' in checked) {
    discard();
    return { restored: false, reason: checked.reason };
  }
  const { manifest } = checked;
  const background = early !== undefined && 'staging' in early && early.template === template && early.bytes === manifest.bytes && early.sha256 === manifest.sha256;
  try {
    // The caller holds the folder's lock: any other staging folder here is from a restore that crashed.
    const prefix = stagingPrefix(path);
    for (const entry of readdirSync(dirname(path))) {
      const sibling = join(dirname(path), entry);
      if (entry.startsWith(prefix) && sibling !== staging) rmSync(sibling, { recursive: true, force: true });
    }
    if (!background) {
      discard();
      const tarball = readFileSync(template);
      if (!matchesManifest(tarball, manifest)) return { restored: false, reason: corrupt };
      staging = mkdtempSync(join(dirname(path), prefix));
      extractTarGz(tarball, staging);
    }
    if (!staging || !holdsPgliteDatabase(staging)) throw new Error('no PG_VERSION in the template');
    if (existsSync(path)) rmdirSync(path); // empty (checked above); rename replaces only a missing path portably
    renameSync(staging, path);
    staging = undefined;
  } catch (error) {
    discard();
    return { restored: false, reason: `template restore failed: ${(error as Error).message}` };
  }
  return { restored: true, ms: Math.round(performance.now() - started), ...(background ? { background: true as const } : {}) };
}

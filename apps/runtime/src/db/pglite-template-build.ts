/**
 * Build step (`pnpm run build` runs `node dist/pglite-template-build.js` after tsup): makes the
 * PGlite data-folder template an empty data folder starts from (ADR 0009). It uses this build's own
 * migration code and files and its pg-boss, so the template never drifts from the dist that ships it:
 * initdb, every migration, pg-boss's schema, then a gzip tarball + manifest beside this file.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { c as createTar } from 'tar';
import { createJobQueue } from '../jobs/job-queue';
import { loadMigrations, migrate } from './migrate';
import { createPgliteDb } from './pglite-db';
import { extractTarGz, TEMPLATE_FILE, TEMPLATE_MANIFEST, templateManifest } from './pglite-template';

/** Builds the template into `outDir`; returns the files written and the tarball's size. */
export async function buildPgliteTemplate(outDir: string): Promise<{ tarball: string; manifest: string; bytes: number; ms: number }> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'acb-pglite-template-'));
  try {
    const dir = join(work, 'pglite');
    const migrations = loadMigrations();
    const db = await createPgliteDb(dir, { template: null, vacuumCheckMs: 0 });
    try {
      await migrate(db, migrations);
      // pg-boss creates its schema on start; the queues themselves are declared by the runtime at start.
      const jobs = createJobQueue(db, { schedule: false });
      await jobs.start();
      await jobs.stop();
      // The runtime uses the `postgres` database only; template0 and template1 are half of the
      // folder's ~1,250 files, and creating files is most of what a restore costs. Without them
      // CREATE DATABASE would fail, which the embedded runtime never does.
      for (const name of ['template0', 'template1']) {
        await db.pglite.exec(`ALTER DATABASE ${name} IS_TEMPLATE false`);
        await db.pglite.exec(`DROP DATABASE ${name}`);
      }
      // No ANALYZE (nor VACUUM): statistics of empty tables would tell the planner they stay empty,
      // and the answering path's prepared statements would keep sequential-scan plans that get
      // slower with every row until the first periodic ANALYZE (measured: 6.8 → 11.7 ms of CPU per
      // answer over 2,000 answers). Never-analysed tables, as after initdb, plan with index scans.
    } finally {
      await db.close();
    }
    const staged = join(work, TEMPLATE_FILE);
    await createTar({ gzip: { level: 6 }, file: staged, cwd: dir, portable: true }, readdirSync(dir).sort());
    const tarball = readFileSync(staged);
    // The runtime's own extractor must read it back whole (it takes only plain ustar files and
    // folders): fail the build here rather than have every first start fall back to initdb.
    const check = join(work, 'check');
    const files = extractTarGz(tarball, check);
    const expected = countFiles(dir);
    if (files !== expected) throw new Error(`the template archive holds ${files} files, the folder ${expected}`);
    const manifest = templateManifest(migrations, tarball);
    const tarballFile = join(outDir, TEMPLATE_FILE);
    const manifestFile = join(outDir, TEMPLATE_MANIFEST);
    // Manifest last: a template without a matching manifest is never used.
    rmSync(manifestFile, { force: true });
    copyFileSync(staged, `${tarballFile}.tmp`); // tmpdir may be another file system: copy, then rename
    renameSync(`${tarballFile}.tmp`, tarballFile);
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    return { tarball: tarballFile, manifest: manifestFile, bytes: tarball.length, ms: Math.round(performance.now() - started) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0);
}

// Run as a script: `node dist/pglite-template-build.js [outDir]` (default: the folder of this file).
const self = fileURLToPath(import.meta.url);
if (process.argv[1] && resolve(process.argv[1]) === self) {
  const outDir = process.argv[2] ?? dirname(self);
  buildPgliteTemplate(outDir).then(
    ({ tarball, bytes, ms }) => console.log(`[pglite-template] ${tarball} (${(bytes / 1e6).toFixed(1)} MB) in ${ms} ms`),
    (error: unknown) => {
      console.error('[pglite-template] failed:', error);
      process.exitCode = 1;
    },
  );
}

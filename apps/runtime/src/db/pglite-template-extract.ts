/**
 * The template's files and the parts of a restore that need nothing but Node: finding the
 * template, extracting it, and starting that extraction early on a worker thread (the "prestage").
 * Kept apart from `pglite-template.ts` (zod, migrations) so the CLI's entry can import it before
 * the rest of the runtime loads.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { embeddedDbDir, resolveDataDir } from '../data-dir';

/**
 * A PGlite data folder prepared at build time (initdb done, every migration and pg-boss's schema
 * applied), shipped as `dist/pglite-template.tar.gz` with a manifest `dist/pglite-template.json`.
 * The first start on an empty folder restores it instead of running initdb (see ADR 0009).
 */
export const TEMPLATE_FILE = 'pglite-template.tar.gz';
/** The manifest beside {@link TEMPLATE_FILE}. */
export const TEMPLATE_MANIFEST = 'pglite-template.json';

/** True when `dir` holds a Postgres data folder (its `PG_VERSION` file), not an empty or missing one. */
export function holdsPgliteDatabase(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

/**
 * A file the build puts in `dist/`: next to this code when it is bundled there, or in the
 * package's `dist/` when it runs from source (tests). Undefined when no build produced it.
 */
function builtFile(name: string): string | undefined {
  const candidates = [`./${name}`, `../../dist/${name}`].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((file) => existsSync(file));
}

/** The template the build made (see {@link builtFile}); undefined without a build. */
export function defaultTemplatePath(): string | undefined {
  return builtFile(TEMPLATE_FILE);
}

/** The prefix of the temporary sibling a restore extracts into: `.<folder name>.template-`. */
export function stagingPrefix(path: string): string {
  return `.${basename(path)}.template-`;
}

/** What a worker extracted: the staging folder and the hash and size of the archive it read. */
export type PrestagedTemplate =
  | { readonly staging: string; readonly sha256: string; readonly bytes: number; readonly template: string }
  | { readonly reason: string };

/** The worker's answer (see `pglite-template-worker.ts`). */
export type PrestageMessage = { readonly ok: true; readonly staging: string; readonly sha256: string; readonly bytes: number } | { readonly ok: false; readonly reason: string };

/** What the worker is given. */
export interface PrestageJob {
  readonly template: string;
  readonly parent: string;
  readonly prefix: string;
}

/** Extractions started by {@link prestagePgliteTemplate}, by data folder, until a restore takes them. */
const prestaged = new Map<string, { readonly worker: Worker; readonly result: Promise<PrestagedTemplate> }>();

/** Reads `template` and extracts it into a new staging folder in `parent` (what the worker does). */
export function extractIntoStaging({ template, parent, prefix }: PrestageJob): PrestageMessage {
  let staging: string | undefined;
  try {
    const gz = readFileSync(template);
    mkdirSync(parent, { recursive: true });
    staging = mkdtempSync(join(parent, prefix));
    extractTarGz(gz, staging);
    return { ok: true, staging, sha256: createHash('sha256').update(gz).digest('hex'), bytes: gz.length };
  } catch (error) {
    if (staging) rmSync(staging, { recursive: true, force: true });
    return { ok: false, reason: `template extraction failed: ${(error as Error).message}` };
  }
}

/**
 * Starts extracting the template for the empty data folder `path` on a worker thread, so a first
 * start's ~0.2–0.5 s of gunzip and file creation overlaps the loading of the runtime's modules
 * instead of following it. The extraction goes into a staging sibling of its own; the restore that
 * later holds the folder's lock checks it against the manifest and renames it into place
 * ({@link takePrestagedTemplate}), or removes it. Does nothing when `path` already holds a
 * database, is not empty, is locked by a live process, or when no built template or worker exists.
 * Returns whether it started one.
 */
export function prestagePgliteTemplate(path: string, template = defaultTemplatePath()): boolean {
  const folder = resolve(path);
  if (!template || prestaged.has(folder)) return false;
  try {
    if (existsSync(folder) && readdirSync(folder).length > 0) return false;
    if (livePidOf(`${folder}.lock`) !== undefined) return false;
  } catch {
    return false;
  }
  const file = builtFile('pglite-template-worker.js');
  if (!file) return false;
  const parent = dirname(folder);
  const prefix = stagingPrefix(folder);
  // Ours carry our pid: what a process that has ended left (a start that failed on its
  // configuration, over and over under a supervisor) is removed here, not only by the next restore.
  removeAbandonedStaging(parent, prefix);
  const job: PrestageJob = { template, parent, prefix: `${prefix}${process.pid}-` };
  const worker = new Worker(file, { workerData: job, stdout: false, stderr: false });
  // Until a restore waits for it, the process may exit without it (an error in its configuration).
  worker.unref();
  const result = new Promise<PrestagedTemplate>((done) => {
    worker.once('message', (message: PrestageMessage) => done(message.ok ? { staging: message.staging, sha256: message.sha256, bytes: message.bytes, template } : { reason: message.reason }));
    worker.once('error', (error) => done({ reason: `template extraction failed: ${error.message}` }));
    worker.once('exit', (code) => done({ reason: `template extraction worker exited with code ${code}` }));
  });
  prestaged.set(folder, { worker, result });
  return true;
}

/**
 * Called by the CLI's entry before the runtime's modules load: for `serve` on the embedded
 * database (no `DATABASE_URL`), starts extracting the template for `<data dir>/pglite` when that
 * folder is empty ({@link prestagePgliteTemplate}). Returns whether it started one.
 */
export function prestageForCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): boolean {
  if (argv[0] !== 'serve' || argv.includes('--help') || argv.includes('-h') || env.DATABASE_URL?.trim()) return false;
  return prestagePgliteTemplate(embeddedDbDir(resolveDataDir(env.CHATBOT_DATA_DIR, cwd)));
}

/** The extraction {@link prestagePgliteTemplate} started for `path`, handed over once (undefined when none). */
export function takePrestagedTemplate(path: string): Promise<PrestagedTemplate> | undefined {
  const folder = resolve(path);
  const found = prestaged.get(folder);
  if (!found) return undefined;
  prestaged.delete(folder);
  found.worker.ref(); // waited for now: it keeps the process alive until it answers
  return found.result;
}

/** Waits for the extraction started for `path`, if any, and removes what it made (the folder was not ours to restore). */
export async function discardPrestagedTemplate(path: string): Promise<void> {
  const staged = await takePrestagedTemplate(path);
  if (staged && 'staging' in staged) rmSync(staged.staging, { recursive: true, force: true });
}

/** The pid a `<folder>.lock` file names when that process is alive (this one included), else undefined. */
export function livePidOf(lockFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
  } catch {
    return undefined; // no lock file
  }
  return Number.isInteger(pid) && processAlive(pid) ? pid : undefined;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the early extractions (`<prefix><pid>-XXXXXX`) of processes that are no longer running. */
function removeAbandonedStaging(parent: string, prefix: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return; // no data folder yet
  }
  for (const entry of entries) {
    const pid = entry.startsWith(prefix) ? /^(\d+)-/.exec(entry.slice(prefix.length))?.[1] : undefined;
    if (pid !== undefined && !processAlive(Number(pid))) rmSync(join(parent, entry), { recursive: true, force: true });
  }
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

/**
 * The shared set-up of the dashboard's browser tests: a private build of the dashboard (vite only,
 * so other builds of apps/dashboard/dist running at the same time cannot disturb it), a real
 * runtime (`startServer`, every feature, embedded PGlite, in-process workers) serving it, and a
 * headless Debian Chromium driven by playwright-core. Screenshots go to
 * apps/dashboard/test-artifacts/ (gitignored). Texts come from the dashboard's vi.json, so the tests
 * follow the pages' wording.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/cli/serve';
import { formatKeyring, generateSecretKey, loadConfig } from '../../src/config';

/** The Chromium the tests drive (Debian's, never a download). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** The dashboard app folder. */
export const DASHBOARD = fileURLToPath(new URL('../../../dashboard/', import.meta.url));
/** Where screenshots are saved. */
export const ARTIFACTS = join(DASHBOARD, 'test-artifacts');

/** Why the browser tests cannot run here (printed once), or undefined. Use with `describe.skipIf`. */
export function chromiumSkip(what: string): string | undefined {
  const reason = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (apt-get install -y chromium); skipping ${what}`;
  if (reason) console.warn(reason);
  return reason;
}

type Tree = { [key: string]: string | Tree };
let vi: Tree | undefined;

/**
 * The Vietnamese text of `key` with `{{name}}` filled from `values`, or undefined when vi.json has
 * no such key. Placeholders without a value are kept (`keep`) or dropped (`empty`).
 */
export function viText(key: string, values: Record<string, string | number> = {}, missing: 'keep' | 'empty' = 'keep'): string | undefined {
  vi ??= JSON.parse(readFileSync(join(DASHBOARD, 'src/locales/vi.json'), 'utf8')) as Tree;
  let node: string | Tree | undefined = vi;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => (name in values ? String(values[name]) : missing === 'keep' ? `{{${name}}}` : '')) : undefined;
}

/** Like {@link viText}, but throws when vi.json has no such key. */
export function mustVi(key: string, values: Record<string, string | number> = {}, missing: 'keep' | 'empty' = 'keep'): string {
  const value = viText(key, values, missing);
  if (value === undefined) throw new Error(`vi.json has no ${key}`);
  return value;
}

/** A running runtime with the freshly built dashboard and a Chromium context. */
export interface BrowserRig {
  readonly server: RunningServer;
  readonly context: BrowserContext;
  readonly dataDir: string;
  /** Saves a full-page screenshot as `<label>-<name>.png` in {@link ARTIFACTS}. */
  shot(page: Page, name: string): Promise<void>;
  /** Closes the browser and the runtime and removes the temporary folders. */
  close(): Promise<void>;
}

/** Options of {@link startBrowserRig}. */
export interface BrowserRigOptions {
  /** Prefix of temporary folders and screenshots, e.g. `billing`. */
  readonly label: string;
  /** Runtime settings on top of the defaults (data folder, loopback, keys, silent logs). */
  readonly env?: Record<string, string>;
  /** Lets pages download files (CSV exports). */
  readonly acceptDownloads?: boolean;
}

/** Builds the dashboard, starts the runtime on PGlite with `env`, and launches headless Chromium. */
export async function startBrowserRig(options: BrowserRigOptions): Promise<BrowserRig> {
  const dirs: string[] = [];
  const temp = (kind: string) => {
    const dir = mkdtempSync(join(tmpdir(), `acb-${options.label}-${kind}-`));
    dirs.push(dir);
    return dir;
  };
  const distDir = temp('dist');
  execFileSync('pnpm', ['exec', 'vite', 'build', '--outDir', distDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: DASHBOARD, stdio: 'pipe' });
  process.env['DASHBOARD_DIST'] = distDir;
  const dataDir = temp('data');
  const config = loadConfig(
    {
      CHATBOT_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CHATBOT_JWT_SECRET: `${options.label}-e2e-jwt-secret-0123456789-0123456789-abcdef`,
      CHATBOT_SECRET_KEYS: formatKeyring([generateSecretKey()]),
      ...options.env,
    },
    dataDir,
  );
  let server: RunningServer | undefined;
  try {
    server = await startServer(config, { print: () => undefined });
    mkdirSync(ARTIFACTS, { recursive: true });
    const context = await chromium.launchPersistentContext(temp('chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      ...(options.acceptDownloads ? { acceptDownloads: true } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
    });
    context.setDefaultTimeout(30_000);
    const running = server;
    return {
      server: running,
      context,
      dataDir,
      shot: async (page, name) => {
        await page.screenshot({ path: join(ARTIFACTS, `${options.label}-${name}.png`), fullPage: true });
      },
      close: async () => {
        await context.close().catch(() => undefined);
        await running.stop();
        delete process.env['DASHBOARD_DIST'];
        for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    delete process.env['DASHBOARD_DIST'];
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

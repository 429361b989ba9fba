// Renders deploy/helm/agent-chatbot for several value sets and checks the manifests: Kubernetes
// schemas (kubernetes-models), cross-references (selectors, Services, HPA targets) and the
// security baseline. Uses the real `helm` too when it is on PATH.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { HelmTemplateEngine, TemplateError } from './helm-template.mjs';
import { commandExists, run } from './util.mjs';

const MODELS = {
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/PersistentVolumeClaim': 'kubernetes-models/v1/PersistentVolumeClaim',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/Ingress': 'kubernetes-models/networking.k8s.io/v1/Ingress',
  'monitoring.coreos.com/v1/PodMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor',
};

const secrets = { databaseUrl: 'postgres://app:pw@pg:5432/chatbot', redisUrl: 'redis://redis:6379', jwtSecret: 'j', secretKeys: 'k1:AAAA' };
/** Value sets rendered; `expectError` ones must fail with that message (like `helm template`). */
export const VALUE_SETS = [
  { name: 'defaults (no secrets)', values: {}, expectError: 'secrets.databaseUrl (or secrets.existingSecret) is required' },
  { name: 'inline secrets', values: { secrets } },
  {
    name: 'existingSecret, fixed replicas, no persistence, PodMonitor, worker without HTTP',
    values: {
      secrets: { existingSecret: 'chatbot-env' },
      api: { autoscaling: { enabled: false } },
      worker: { autoscaling: { enabled: false }, http: { enabled: false } },
      persistence: { enabled: false },
      metrics: { podMonitor: { enabled: true } },
      ingress: { enabled: false },
      config: { extraEnv: { CHATBOT_ZALO_API_BASE: 'https://proxy.example/zalo' }, s3: { endpoint: 'http://minio:9000', bucket: 'b' } },
    },
  },
];

function merge(base, over) {
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base?.[k], v);
  return out;
}

/** Renders every template of the chart; returns { manifests: [{file, doc}], notes }. */
export function renderChart(chartDir, overrides, release = { Name: 'chatbot', Namespace: 'chatbot' }) {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
  const values = merge(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')), overrides);
  const engine = new HelmTemplateEngine();
  const dir = join(chartDir, 'templates');
  const files = readdirSync(dir).sort();
  for (const f of files) engine.addFile(f, readFileSync(join(dir, f), 'utf8'));
  const root = {
    Values: values,
    Release: { ...release, Service: 'Helm', IsInstall: true, IsUpgrade: false },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
    Template: { BasePath: `${chart.name}/templates` },
  };
  const manifests = [];
  let notes = '';
  for (const f of files.filter((x) => !x.startsWith('_'))) {
    const text = engine.render(f, root);
    if (f === 'NOTES.txt') { notes = text; continue; }
    for (const d of parseAllDocuments(text)) {
      if (d.errors.length) throw new Error(`${f}: rendered YAML invalid: ${d.errors[0].message}\n${text}`);
      const doc = d.toJS();
      if (doc) manifests.push({ file: f, doc });
    }
  }
  return { manifests, notes };
}

function podLabels(doc) { return doc.spec?.template?.metadata?.labels ?? {}; }
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/** Cross-reference and baseline checks on one rendered set; returns a list of problems. */
export function checkManifests(manifests) {
  const problems = [];
  const byKind = (kind) => manifests.filter((m) => m.doc.kind === kind).map((m) => m.doc);
  const deployments = byKind('Deployment');
  const workloads = [...deployments, ...byKind('Job')];
  for (const w of workloads) {
    const pod = w.spec.template.spec;
    const name = `${w.kind}/${w.metadata.name}`;
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${name}: runAsNonRoot is not true`);
    for (const c of pod.containers) {
      if (!c.resources?.requests) problems.push(`${name}/${c.name}: no resource requests`);
      if (c.securityContext?.readOnlyRootFilesystem !== true) problems.push(`${name}/${c.name}: root filesystem is writable`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${name}/${c.name}: privilege escalation allowed`);
      const mounts = new Set((c.volumeMounts ?? []).map((v) => v.name));
      const vols = new Set((pod.volumes ?? []).map((v) => v.name));
      for (const m of mounts) if (!vols.has(m)) problems.push(`${name}/${c.name}: mounts undefined volume ${m}`);
      for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
        const port = p?.httpGet?.port;
        if (typeof port === 'string' && !(c.ports ?? []).some((x) => x.name === port)) problems.push(`${name}/${c.name}: probe uses unknown port ${port}`);
      }
    }
    if (w.kind === 'Deployment' && !matches(w.spec.selector.matchLabels, podLabels(w))) problems.push(`${name}: selector does not match pod labels`);
  }
  const api = deployments.find((d) => d.metadata.name.endsWith('-api'));
  if (!api?.spec.template.spec.containers[0].readinessProbe) problems.push('api Deployment has no readiness probe');
  for (const s of byKind('Service')) {
    const target = deployments.find((d) => matches(s.spec.selector, podLabels(d)));
    if (!target) problems.push(`Service/${s.metadata.name}: selector matches no Deployment`);
    else for (const p of s.spec.ports) {
      if (typeof p.targetPort === 'string' && !target.spec.template.spec.containers.some((c) => (c.ports ?? []).some((x) => x.name === p.targetPort))) problems.push(`Service/${s.metadata.name}: targetPort ${p.targetPort} not exposed`);
    }
  }
  for (const h of byKind('HorizontalPodAutoscaler')) {
    const t = deployments.find((d) => d.metadata.name === h.spec.scaleTargetRef.name);
    if (!t) problems.push(`HPA/${h.metadata.name}: target Deployment missing`);
    else if (t.spec.replicas !== undefined) problems.push(`HPA/${h.metadata.name}: Deployment also sets replicas (HPA and Helm would fight)`);
  }
  for (const p of byKind('PodDisruptionBudget')) {
    if (!deployments.some((d) => matches(p.spec.selector.matchLabels, podLabels(d)))) problems.push(`PDB/${p.metadata.name}: selector matches no Deployment`);
  }
  for (const i of byKind('Ingress')) {
    for (const r of i.spec.rules) for (const path of r.http.paths) {
      const svc = byKind('Service').find((s) => s.metadata.name === path.backend.service.name);
      if (!svc) problems.push(`Ingress/${i.metadata.name}: backend Service ${path.backend.service.name} missing`);
      else if (!svc.spec.ports.some((p) => p.name === path.backend.service.port.name)) problems.push(`Ingress/${i.metadata.name}: port ${path.backend.service.port.name} missing`);
    }
    if (!i.metadata.annotations?.['cert-manager.io/cluster-issuer'] && !i.metadata.annotations?.['cert-manager.io/issuer']) problems.push(`Ingress/${i.metadata.name}: no cert-manager issuer annotation`);
  }
  for (const j of byKind('Job')) {
    const hook = j.metadata.annotations?.['helm.sh/hook'] ?? '';
    if (!hook.includes('pre-install') || !hook.includes('pre-upgrade')) problems.push(`Job/${j.metadata.name}: not a pre-install/pre-upgrade hook`);
  }
  for (const kind of ['ConfigMap', 'Secret']) {
    for (const r of byKind(kind)) {
      if (Number(r.metadata.annotations?.['helm.sh/hook-weight']) >= 0) problems.push(`${kind}/${r.metadata.name}: must be a hook weighted before the migration Job`);
    }
  }
  return problems;
}

async function schemaProblems(manifests) {
  const problems = [];
  for (const { file, doc } of manifests) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    const mod = MODELS[key];
    if (!mod) { problems.push(`${file}: no schema for ${key}`); continue; }
    const Model = (await import(mod))[doc.kind];
    try { new Model(doc).validate(); } catch (e) { problems.push(`${file} ${key} ${doc.metadata?.name}: ${e.message}`); }
  }
  return problems;
}

/** Runs every Helm check; returns results [{ validator, ok, detail }]. */
export async function checkHelm(root) {
  const chartDir = join(root, 'deploy/helm/agent-chatbot');
  const results = [];
  for (const set of VALUE_SETS) {
    const validator = `helm render (built-in renderer) + kubernetes-models schemas: ${set.name}`;
    try {
      const { manifests, notes } = renderChart(chartDir, set.values);
      if (set.expectError) { results.push({ validator, ok: false, detail: `expected failure "${set.expectError}" but it rendered` }); continue; }
      const problems = [...(await schemaProblems(manifests)), ...checkManifests(manifests)];
      if (!notes.includes('kubectl')) problems.push('NOTES.txt rendered empty');
      const kinds = manifests.map((m) => m.doc.kind).join(', ');
      results.push({ validator, ok: problems.length === 0, detail: problems.length ? problems.join('\n') : `${manifests.length} manifests (${kinds})` });
    } catch (e) {
      const expected = set.expectError && e instanceof TemplateError && e.message.includes(set.expectError);
      results.push({ validator, ok: Boolean(expected), detail: expected ? `fails as helm would: ${e.message}` : e.stack });
    }
  }
  if (commandExists('helm')) {
    const lint = run('helm', ['lint', chartDir, '--set', 'secrets.existingSecret=x']);
    results.push({ validator: 'helm lint', ok: lint.status === 0, detail: lint.output.trim().split('\n').slice(-3).join('\n') });
    const tpl = run('helm', ['template', 'chatbot', chartDir, '--set', 'secrets.existingSecret=x']);
    results.push({ validator: 'helm template', ok: tpl.status === 0, detail: tpl.status === 0 ? 'rendered' : tpl.output });
  } else {
    results.push({ validator: 'helm lint / helm template', skipped: 'helm not installed (no Debian or npm package; GitHub CI runs it)' });
  }
  if (!existsSync(join(chartDir, 'README.md'))) results.push({ validator: 'chart README', ok: false, detail: 'missing' });
  return results;
}

// Checks alerts, scrape config, uptime probes and the Grafana dashboard: promtool (syntax, PromQL,
// rule unit tests) and blackbox exporter's own config check when installed, plus metric names
// against the list the runtime emits and runbook links against docs/playbooks/.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { commandExists, run } from './util.mjs';

/** Metric names the runtime exports (issue 9), plus exporter and recording-rule series. */
export const KNOWN_METRICS = new Set([
  'http_requests_total', 'http_request_duration_seconds_bucket', 'webhook_ack_duration_seconds_bucket',
  'jobs_queue_depth', 'jobs_dead_letters_total', 'job_duration_seconds_bucket', 'llm_requests_total',
  'llm_request_duration_seconds_bucket', 'llm_tokens_total', 'answer_cache_hits_total',
  'answer_cache_requests_total', 'retrieval_duration_seconds_bucket', 'tenant_spend_vnd_total',
  'channel_token_expiry_seconds', 'up', 'probe_success', 'probe_ssl_earliest_cert_expiry',
  'tenant:spend_vnd:increase1h',
]);
const NOT_METRICS = new Set(['histogram_quantile', 'clamp_min', 'clamp_max', 'label_values', 'max_over_time', 'min_over_time', 'avg_over_time', 'count_over_time', 'sum_over_time', 'humanize', 'humanizeDuration', 'humanizePercentage']);

/** Metric names referenced by a PromQL expression (labels, strings and grouping removed). */
export function metricNames(expr) {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  return [...bare.matchAll(/(?<![\w:.])([a-z_][a-z0-9_:]*)(?![\w(])/gi)].map((m) => m[1]).filter((n) => (n.includes('_') || n === 'up') && !NOT_METRICS.has(n) && !/^\d/.test(n));
}

function dashboardExprs(dash) {
  const out = [];
  const walk = (panels) => { for (const p of panels ?? []) { for (const t of p.targets ?? []) out.push({ panel: p.title, expr: t.expr }); walk(p.panels); } };
  walk(dash.panels);
  return out;
}

/** Runs the monitoring checks; returns results. */
export async function checkMonitoring(root) {
  const results = [];
  const alertsFile = join(root, 'deploy/prometheus/alerts.yml');
  const alerts = parse(readFileSync(alertsFile, 'utf8'));
  const problems = [];
  for (const g of alerts.groups) for (const r of g.rules) {
    const id = r.alert ?? r.record;
    for (const m of metricNames(r.expr)) if (!KNOWN_METRICS.has(m)) problems.push(`${id}: unknown metric ${m}`);
    if (r.alert) {
      if (!r.labels?.severity) problems.push(`${id}: no severity`);
      if (!r.annotations?.summary) problems.push(`${id}: no summary`);
      if (!r.annotations?.runbook_url || !existsSync(join(root, r.annotations.runbook_url))) problems.push(`${id}: runbook ${r.annotations?.runbook_url} missing`);
    }
  }
  const dash = JSON.parse(readFileSync(join(root, 'deploy/grafana/agent-chatbot.json'), 'utf8'));
  const exprs = dashboardExprs(dash);
  for (const { panel, expr } of exprs) for (const m of metricNames(expr)) if (!KNOWN_METRICS.has(m)) problems.push(`dashboard "${panel}": unknown metric ${m}`);
  const ids = new Set();
  const walk = (panels) => { for (const p of panels ?? []) { if (ids.has(p.id)) problems.push(`dashboard: duplicate panel id ${p.id}`); ids.add(p.id); if (!p.gridPos) problems.push(`dashboard "${p.title}": no gridPos`); walk(p.panels); } };
  walk(dash.panels);
  if (!dash.uid || !dash.title || !dash.schemaVersion) problems.push('dashboard: uid, title and schemaVersion are required');
  results.push({ validator: 'alerts + dashboard: metric names, severities, runbook links, panel ids', ok: problems.length === 0, detail: problems.join('\n') || `${exprs.length} dashboard queries, ${alerts.groups.flatMap((g) => g.rules).length} rules` });

  if (!commandExists('promtool')) {
    results.push({ validator: 'promtool', skipped: 'not installed (apt-get install prometheus)' });
  } else {
    const rules = run('promtool', ['check', 'rules', alertsFile]);
    results.push({ validator: 'promtool check rules alerts.yml', ok: rules.status === 0, detail: rules.output.trim() });
    const tests = run('promtool', ['test', 'rules', join(root, 'deploy/prometheus/alerts.test.yml')]);
    results.push({ validator: 'promtool test rules alerts.test.yml', ok: tests.status === 0, detail: tests.output.trim() });
    // Dashboard PromQL parsed by promtool as recording rules ($job → a literal).
    const dir = mkdtempSync(join(tmpdir(), 'promql-'));
    const recs = exprs.map((e, k) => ({ record: `dashboard:q${k}`, expr: e.expr.replaceAll('$job', 'agent-chatbot') }));
    writeFileSync(join(dir, 'dash.rules.yml'), stringify({ groups: [{ name: 'dashboard', rules: recs }] }));
    const dq = run('promtool', ['check', 'rules', join(dir, 'dash.rules.yml')]);
    results.push({ validator: 'promtool: dashboard PromQL syntax', ok: dq.status === 0, detail: dq.output.trim() });
    // Debian's promtool is built without Kubernetes service discovery: check the rest if so.
    const cfgFile = join(root, 'deploy/prometheus/prometheus.yml');
    let cfg = run('promtool', ['check', 'config', '--syntax-only', cfgFile]);
    let note = '';
    if (cfg.status !== 0 && cfg.output.includes('kubernetes_sd_configs not found')) {
      const c = parse(readFileSync(cfgFile, 'utf8'));
      c.scrape_configs = c.scrape_configs.filter((s) => !s.kubernetes_sd_configs);
      writeFileSync(join(dir, 'prometheus.yml'), stringify(c));
      cfg = run('promtool', ['check', 'config', '--syntax-only', join(dir, 'prometheus.yml')]);
      note = ' (this promtool lacks kubernetes_sd: checked without the agent-chatbot-pods job)';
    }
    results.push({ validator: `promtool check config prometheus.yml${note}`, ok: cfg.status === 0, detail: cfg.output.trim() });
  }
  const bb = ['prometheus-blackbox-exporter', 'blackbox_exporter'].find(commandExists);
  if (bb) {
    const r = run(bb, ['--config.check', '--config.file', join(root, 'deploy/uptime/blackbox.yml')]);
    results.push({ validator: 'blackbox exporter --config.check', ok: r.status === 0, detail: r.output.includes('Config file is ok') ? 'Config file is ok' : r.output.trim() });
  } else results.push({ validator: 'blackbox exporter --config.check', skipped: 'not installed (apt-get install prometheus-blackbox-exporter)' });
  const targets = parse(readFileSync(join(root, 'deploy/uptime/uptime-targets.yml'), 'utf8'));
  const modules = Object.keys(parse(readFileSync(join(root, 'deploy/uptime/blackbox.yml'), 'utf8')).modules);
  const bad = targets.filter((t) => !modules.includes(t.labels?.__param_module));
  results.push({ validator: 'uptime targets use defined blackbox modules', ok: bad.length === 0, detail: bad.length ? JSON.stringify(bad) : `${targets.length} target groups` });
  return results;
}

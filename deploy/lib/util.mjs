// Small helpers shared by the deploy validators.
import { spawnSync } from 'node:child_process';

/** True when `name` is an executable on PATH. */
export function commandExists(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Runs a command; returns its exit status and stdout+stderr. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...options.env }, cwd: options.cwd, input: options.input, timeout: 120_000 });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/** Helpers of the knowledge CLI commands: the service for a command, progress output, paths. */
import { isAbsolute, resolve } from 'node:path';
import type { CommandEnv } from '../cli/command-table';
import { createTenantSecretStore } from '../secrets/tenant-secret-store';
import { existingKnowledgeService, KnowledgeService } from './service';

/**
 * The knowledge service a command uses: inside `serve` the server's own (same LanceDB handles,
 * same pub/sub, so the dashboard sees CLI progress), otherwise one opened for the command.
 */
export async function withService<T>(env: CommandEnv, fn: (service: KnowledgeService) => Promise<T>): Promise<T> {
  const shared = env.inServer ? existingKnowledgeService(env.db) : undefined;
  const service = shared ?? new KnowledgeService({ config: env.config, db: env.db, secrets: createTenantSecretStore(env.secretBox) });
  try {
    return await fn(service);
  } finally {
    if (!shared) await service.close();
  }
}

/**
 * Progress for `kb add`: a redrawn bar on a terminal, one plain line per stage otherwise, nothing
 * inside the server (the CLI process prints the final summary it gets back) or with `--json`.
 */
export function progressPrinter(env: CommandEnv, options: { json?: boolean; stream?: NodeJS.WriteStream } = {}) {
  const stream = options.stream ?? process.stderr;
  // With --json, stderr carries only the error JSON (scripts parse it).
  if (env.inServer || options.json) return { update: () => undefined, done: () => undefined };
  const tty = stream.isTTY === true;
  let lastLine = '';
  return {
    update(name: string, stage: string, percent: number): void {
      if (tty) {
        const width = 24;
        const filled = Math.round((percent / 100) * width);
        stream.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${name.slice(0, 40)} (${stage})\u001b[K`);
        return;
      }
      const line = `${name}: ${stage}`;
      if (line !== lastLine) stream.write(`${line}\n`);
      lastLine = line;
    },
    done(): void {
      if (tty) stream.write('\r\u001b[K');
    },
  };
}

/** Resolves file arguments against the CLI's working folder before they go to the server. */
export function absolutePath(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** Rewrites `--name value` / `--name=value` options and (optionally) positionals to absolute paths. */
export function absolutizeArgv(argv: readonly string[], cwd: string, options: readonly string[], positionalsFrom?: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? (eq > 0 ? arg.slice(2, eq) : arg.slice(2)) : undefined;
    if (name !== undefined && options.includes(name)) {
      if (eq > 0) out.push(`--${name}=${absolutePath(arg.slice(eq + 1), cwd)}`);
      else {
        out.push(arg);
        if (i + 1 < argv.length) out.push(absolutePath(argv[++i]!, cwd));
      }
    } else if (name !== undefined) {
      out.push(arg);
      // Options with a value keep it (the value is not a positional).
      if (eq < 0 && i + 1 < argv.length && !argv[i + 1]!.startsWith('--') && !['json', 'help'].includes(name)) out.push(argv[++i]!);
    } else {
      out.push(positionalsFrom !== undefined && i >= positionalsFrom ? absolutePath(arg, cwd) : arg);
    }
  }
  return out;
}

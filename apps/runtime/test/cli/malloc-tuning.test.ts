import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MALLOC_TUNABLES, mallocTuningEnv } from '../../src/cli/malloc-tuning';

describe('glibc malloc settings for serve and worker', () => {
  it('applies to the long-running commands on Linux only', () => {
    expect(mallocTuningEnv(['serve'], { PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', GLIBC_TUNABLES: MALLOC_TUNABLES });
    expect(mallocTuningEnv(['worker'], {}, 'linux')?.GLIBC_TUNABLES).toBe(MALLOC_TUNABLES);
    expect(mallocTuningEnv(['serve', '--no-worker'], {}, 'linux')?.GLIBC_TUNABLES).toBe(MALLOC_TUNABLES);
    for (const argv of [['chat', '--tenant', 'x', 'serve'], ['tenant', 'list'], [], ['--help', 'serve']]) expect(mallocTuningEnv(argv, {}, 'linux')).toBeUndefined();
    expect(mallocTuningEnv(['serve'], {}, 'darwin')).toBeUndefined();
    expect(mallocTuningEnv(['serve'], {}, 'win32')).toBeUndefined();
  });

  it("keeps the operator's own GLIBC_TUNABLES, an empty one included (the way to turn it off)", () => {
    expect(mallocTuningEnv(['serve'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux')).toBeUndefined();
    expect(mallocTuningEnv(['serve'], { GLIBC_TUNABLES: '' }, 'linux')).toBeUndefined();
  });

  it('re-executes a process in place with the variable set, its Node flags and arguments kept', () => {
    // A stand-in entry point: the same function the CLI calls, then prints what the new image sees.
    const entry = fileURLToPath(new URL('../../src/cli/malloc-tuning.ts', import.meta.url));
    const script = `import { applyMallocTuning } from ${JSON.stringify(entry)};
      applyMallocTuning();
      console.log(JSON.stringify({ tunables: process.env.GLIBC_TUNABLES ?? null, pid: process.pid, argv: process.argv.slice(2), flags: process.execArgv.includes('--no-warnings') }));`;
    const dir = mkdtempSync(join(tmpdir(), 'acb-malloc-'));
    const file = join(dir, 'entry.mts');
    writeFileSync(file, script);
    const run = (env: NodeJS.ProcessEnv, ...args: string[]) => {
      const out = spawnSync(process.execPath, ['--no-warnings', '--import', 'tsx', file, ...args], { env, encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as { tunables: string | null; argv: string[]; flags: boolean };
    };
    const { GLIBC_TUNABLES: _unset, ...env } = process.env;
    expect(run(env, 'serve', '--port', '0')).toMatchObject({ tunables: MALLOC_TUNABLES, argv: ['serve', '--port', '0'], flags: true });
    expect(run(env, 'tenant', 'list')).toMatchObject({ tunables: null, argv: ['tenant', 'list'] });
    expect(run({ ...env, GLIBC_TUNABLES: '' }, 'serve')).toMatchObject({ tunables: '' });
    rmSync(dir, { recursive: true, force: true });
  });
});

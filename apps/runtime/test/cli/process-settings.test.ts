import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ASYNC_CONTEXT_FRAME_FLAG, MALLOC_TUNABLES, processSettings } from '../../src/cli/process-settings';

const FLAG = ASYNC_CONTEXT_FRAME_FLAG;

describe('start-time process settings for serve and worker', () => {
  it('apply to the long-running commands only: malloc settings on Linux, the AsyncContextFrame flag where Node has it', () => {
    expect(processSettings(['serve'], { PATH: '/bin' }, [], 'linux', true)).toEqual({ env: { PATH: '/bin', GLIBC_TUNABLES: MALLOC_TUNABLES }, execArgv: [FLAG] });
    expect(processSettings(['worker'], {}, ['--no-warnings'], 'linux', true)).toEqual({ env: { GLIBC_TUNABLES: MALLOC_TUNABLES }, execArgv: [FLAG, '--no-warnings'] });
    expect(processSettings(['serve', '--no-worker'], {}, [], 'linux', true)?.env.GLIBC_TUNABLES).toBe(MALLOC_TUNABLES);
    for (const argv of [['chat', '--tenant', 'x', 'serve'], ['tenant', 'list'], [], ['--help', 'serve']]) expect(processSettings(argv, {}, [], 'linux', true)).toBeUndefined();
    // No glibc elsewhere: the flag alone.
    expect(processSettings(['serve'], {}, [], 'darwin', true)).toEqual({ env: {}, execArgv: [FLAG] });
    // A Node without the flag (it is the default from Node 24): the malloc settings alone, or nothing.
    expect(processSettings(['serve'], {}, [], 'linux', false)).toEqual({ env: { GLIBC_TUNABLES: MALLOC_TUNABLES }, execArgv: [] });
    expect(processSettings(['serve'], {}, [], 'darwin', false)).toBeUndefined();
  });

  it("keeps the operator's own choices: GLIBC_TUNABLES (an empty one turns it off) and any async-context-frame flag", () => {
    expect(processSettings(['serve'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, [], 'linux', true)).toEqual({ env: { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, execArgv: [FLAG] });
    expect(processSettings(['serve'], { GLIBC_TUNABLES: '' }, [FLAG], 'linux', true)).toBeUndefined();
    expect(processSettings(['serve'], { GLIBC_TUNABLES: '' }, ['--no-experimental-async-context-frame'], 'linux', true)).toBeUndefined();
    expect(processSettings(['serve'], { GLIBC_TUNABLES: '', NODE_OPTIONS: '--max-old-space-size=512 --no-experimental-async-context-frame' }, [], 'linux', true)).toBeUndefined();
    // Once applied, the re-executed process finds everything set and runs as it is.
    const applied = processSettings(['serve'], {}, [], 'linux', true)!;
    expect(processSettings(['serve'], applied.env, applied.execArgv, 'linux', true)).toBeUndefined();
  });

  it('re-executes a process in place with both set, its Node flags and arguments kept', () => {
    // A stand-in entry point: the same function the CLI calls, then prints what the new image sees.
    const entry = fileURLToPath(new URL('../../src/cli/process-settings.ts', import.meta.url));
    const script = `import { applyProcessSettings } from ${JSON.stringify(entry)};
      applyProcessSettings();
      console.log(JSON.stringify({ tunables: process.env.GLIBC_TUNABLES ?? null, argv: process.argv.slice(2), warnings: process.execArgv.includes('--no-warnings'), frame: process.execArgv.includes(${JSON.stringify(FLAG)}) }));`;
    const dir = mkdtempSync(join(tmpdir(), 'acb-settings-'));
    const file = join(dir, 'entry.mts');
    writeFileSync(file, script);
    const run = (env: NodeJS.ProcessEnv, ...args: string[]) => {
      const out = spawnSync(process.execPath, ['--no-warnings', '--import', 'tsx', file, ...args], { env, encoding: 'utf8' });
      expect(out.status, out.stderr).toBe(0);
      return JSON.parse(out.stdout) as { tunables: string | null; argv: string[]; warnings: boolean; frame: boolean };
    };
    const { GLIBC_TUNABLES: _unset, NODE_OPTIONS: _options, ...env } = process.env;
    expect(run(env, 'serve', '--port', '0')).toEqual({ tunables: MALLOC_TUNABLES, argv: ['serve', '--port', '0'], warnings: true, frame: true });
    expect(run(env, 'tenant', 'list')).toEqual({ tunables: null, argv: ['tenant', 'list'], warnings: true, frame: false });
    expect(run({ ...env, GLIBC_TUNABLES: '' }, 'serve')).toMatchObject({ tunables: '', frame: true });
    rmSync(dir, { recursive: true, force: true });
  });
});

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { controlSocketPath } from '../../src/cli/control-socket';
import { ASYNC_CONTEXT_FRAME_FLAG, MALLOC_TUNABLES } from '../../src/cli/process-settings';
import { startServer, stopOnSignal } from '../../src/cli/serve';
import { createTenantWithAdmin } from '../../src/tenants/tenant-service';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const runtimeDir = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = join(mkdtempSync(join(tmpdir(), 'acb-cli-')), 'data');
const childEnv = { ...process.env, CHATBOT_DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent', PORT: '0' };

function runCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: runtimeDir, env: childEnv }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

describe('agent-chatbot as a process on the embedded default (PGlite)', { timeout: 90_000 }, () => {
  let firstId = '';

  it('runs a command itself when no server holds the data folder', async () => {
    const created = await runCli('tenant', 'create', '--name', 'Nhà sách Cá Chép', '--admin-email', 'sach@example.vn', '--admin-password', 'doc-sach-moi-ngay', '--json');
    expect(created.code, created.stderr).toBe(0);
    const tenant = JSON.parse(created.stdout) as { id: string; slug: string };
    expect(tenant.slug).toBe('nha-sach-ca-chep');
    firstId = tenant.id;
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const bad = await runCli('tenant', 'create', '--name', 'B', '--colour', 'red');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Không có tuỳ chọn --colour[\s\S]*Unknown option --colour/);
  });

  it('sends the command to a running serve over its control socket (mode 0600)', async () => {
    const config = loadConfig(childEnv);
    const printed: string[] = [];
    const running = await startServer(config, { print: (t) => printed.push(t) });
    try {
      const socket = controlSocketPath(dataDir);
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      // Created inside the server process after it started: only the server's connection can see it.
      const { tenant } = await createTenantWithAdmin(running.runtime.db, { name: 'Tiệm Hoa Lan', adminEmail: 'lan@example.vn', adminPassword: 'hoa-lan-tim-dep' });
      const listed = await runCli('tenant', 'list', '--json');
      expect(listed.code, listed.stderr).toBe(0);
      const ids = (JSON.parse(listed.stdout) as Array<{ id: string }>).map((t) => t.id);
      expect(ids.sort()).toEqual([firstId, tenant.id].sort());
      const dup = await runCli('tenant', 'create', '--name', 'X', '--slug', 'tiem-hoa-lan', '--admin-email', 'x@example.vn', '--admin-password', 'hoa-lan-tim-dep', '--json');
      expect(dup.code).toBe(1);
      expect(JSON.parse(dup.stderr)).toMatchObject({ error: { code: 'slug_taken' } });
      const worker = await runCli('worker');
      expect(worker.code).toBe(2);
      expect(worker.stderr).toMatch(/serve/);
      const health = await fetch(`${running.url}/healthz`);
      expect(health.status).toBe(200);
    } finally {
      await running.stop();
    }
    expect(existsSync(controlSocketPath(dataDir))).toBe(false);
    const after = await runCli('tenant', 'list', '--json');
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toHaveLength(2);
  });

  it('serve starts its workers and schedules after the first response, not before', async () => {
    const freshDir = join(dataDir, '..', 'deferred');
    const config = loadConfig({ ...childEnv, CHATBOT_DATA_DIR: freshDir });
    const scheduled = async (db: Awaited<ReturnType<typeof startServer>>['runtime']['db']) =>
      db.platform(async (tx) => (await tx.query<{ name: string }>('SELECT name FROM pgboss.schedule ORDER BY name')).rows.map((r) => r.name));
    // A long fallback delay: only the response can start them here.
    const running = await startServer(config, { print: () => undefined, workersStartMaxDelayMs: 60_000 });
    try {
      let ready = false;
      void running.ready.then(() => (ready = true));
      expect(await scheduled(running.runtime.db)).toEqual([]);
      expect(ready).toBe(false);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      await running.ready;
      expect(await scheduled(running.runtime.db)).toContain('maintenance.purge-expired');
    } finally {
      await running.stop();
    }

    // Workers that cannot start: the server still answered, `ready` says why, and the CLI's
    // stopOnSignal stops the server and returns exit code 1.
    const failing = await startServer(config, { print: () => undefined, workersStartMaxDelayMs: 60_000 });
    failing.runtime.jobs.start = () => Promise.reject(new Error('pg-boss không khởi động được / pg-boss failed'));
    const exitCode = stopOnSignal(failing.stop, { failed: failing.ready });
    expect((await fetch(`${failing.url}/healthz`)).status).toBe(200);
    await expect(failing.ready).rejects.toThrow(/pg-boss failed/);
    expect(await exitCode).toBe(1);
    expect(existsSync(controlSocketPath(freshDir))).toBe(false);
    expect(existsSync(join(freshDir, 'pglite.lock'))).toBe(false);

    // Stopped before any response: the deferred start is skipped and `ready` resolves.
    const early = await startServer(config, { print: () => undefined, workersStartMaxDelayMs: 60_000 });
    let started = false;
    const start = early.runtime.jobs.start.bind(early.runtime.jobs);
    early.runtime.jobs.start = (options) => ((started = true), start(options));
    await early.stop();
    await early.ready;
    expect(started).toBe(false);
  });

  it('serve prints the first-start logins once (its database restored from the template extracted early) and shuts down gracefully on SIGTERM', async () => {
    const freshDir = join(dataDir, '..', 'fresh');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve'], {
      cwd: runtimeDir,
      env: { ...childEnv, CHATBOT_DATA_DIR: freshDir, LOG_LEVEL: 'info' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!/listening on (http:\/\/\S+)/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      expect(url, stdout).toBeDefined();
      expect(stdout).toMatch(/demo@agent-chatbot\.local[\s\S]*mật khẩu \/ password: \S{16}/);
      // The empty folder's template was extracted on a worker thread while the modules loaded.
      expect(stdout).toMatch(/"background":true,"msg":"Tạo thư mục dữ liệu PGlite từ mẫu dựng sẵn/);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      // Idle connections are kept 65 s (Node's default is 5 s), so proxies and clients close first.
      expect(health.headers.get('keep-alive')).toBe('timeout=65');
      // The printed passwords were hashed while the new database opened: each logs in as printed.
      for (const email of ['demo@agent-chatbot.local', 'admin@agent-chatbot.local']) {
        const password = new RegExp(`${email.replaceAll('.', '\\.')}\\s+mật khẩu / password: (\\S+)`).exec(stdout)?.[1];
        const login = await fetch(`${url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
        expect(login.status, `${email}: ${await login.clone().text()}`).toBe(200);
        const wrong = await fetch(`${url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: `${password}x` }) });
        expect(wrong.status).toBe(401);
      }
      // `serve` re-executed itself in place with the malloc settings (same PID: the spawned child)…
      // glibc terminates each tunable in place while parsing, so /proc shows the first one only.
      const environ = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');
      const [firstTunable] = MALLOC_TUNABLES.split(':');
      expect(environ.filter((entry) => entry.startsWith('GLIBC_TUNABLES='))).toEqual([`GLIBC_TUNABLES=${firstTunable}`]);
      // …and with AsyncLocalStorage over AsyncContextFrame (a Node flag, so on its command line).
      expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')).toContain(ASYNC_CONTEXT_FRAME_FLAG);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      // A failed expectation above must not leave the server running after the test.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    expect(existsSync(controlSocketPath(freshDir))).toBe(false);
    expect(existsSync(join(freshDir, 'pglite.lock'))).toBe(false);
  });
});

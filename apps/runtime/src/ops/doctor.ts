/**
 * `agent-chatbot doctor`: checks what a deployment needs and says, in Vietnamese and English,
 * what is wrong and how to fix it. A failed required check makes the command exit non-zero.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeConfig } from '../config';
import { loadMigrations } from '../db/migrate';
import type { Db, Tx } from '../db/types';
import type { SecretBox } from '../secrets/secret-box';
import { lancedbDir } from './data-layout';

/** One check's outcome. `fail` on a required check makes doctor exit 1. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  required: boolean;
  vi: string;
  en: string;
  fixVi?: string;
  fixEn?: string;
}

/** The whole report. */
export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

type Found = Omit<DoctorCheck, 'name' | 'required'>;
const ok = (vi: string, en: string): Found => ({ status: 'ok', vi, en });
const fail = (vi: string, en: string, fixVi: string, fixEn: string): Found => ({ status: 'fail', vi, en, fixVi, fixEn });
const warn = (vi: string, en: string, fixVi: string, fixEn: string): Found => ({ status: 'warn', vi, en, fixVi, fixEn });
const skip = (vi: string, en: string): Found => ({ status: 'skip', vi, en });

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** The tenant tables (with a `tenant_id` column) whose row-level security is off or not forced. */
export async function tablesWithoutForcedRls(tx: Tx): Promise<string[]> {
  const { rows } = await tx.query<{ name: string }>(
    `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgboss') AND c.relkind IN ('r', 'p')
       AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
       AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
     ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** Runs every check. Never throws: a broken dependency is a failed check. */
export async function runDoctor(config: RuntimeConfig, db: Db, secretBox: SecretBox): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const check = async (name: string, required: boolean, fn: () => Promise<Found>) => {
    try {
      checks.push({ name, required, ...(await fn()) });
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      checks.push({ name, required, status: 'fail', vi: `Lỗi: ${message}`, en: `Error: ${message}`, fixVi: 'Xem thông báo lỗi ở trên', fixEn: 'See the error above' });
    }
  };

  await check('config', true, async () => {
    if (config.production && !config.metricsToken) {
      return warn('Cấu hình hợp lệ, nhưng /metrics không có mã bảo vệ', 'Configuration valid, but /metrics is unprotected',
        'Đặt CHATBOT_METRICS_TOKEN, hoặc đừng để /metrics ra Internet', 'Set CHATBOT_METRICS_TOKEN, or keep /metrics off the public ingress');
    }
    return ok(`Cấu hình hợp lệ (${config.production ? 'production' : config.nodeEnv})`, `Configuration valid (${config.production ? 'production' : config.nodeEnv})`);
  });

  let dbUp = false;
  await check('database', true, async () => {
    await withTimeout(db.anonymous((tx) => tx.query('SELECT 1')), 5000, 'The database');
    dbUp = true;
    return ok(`Cơ sở dữ liệu trả lời (${db.kind})`, `Database answers (${db.kind})`);
  });
  if (!dbUp) {
    const last = checks.at(-1)!;
    last.fixVi = config.databaseUrl ? 'Kiểm tra DATABASE_URL, mạng và Postgres đang chạy' : 'Kiểm tra CHATBOT_DATA_DIR; chỉ một tiến trình được mở PGlite';
    last.fixEn = config.databaseUrl ? 'Check DATABASE_URL, the network, and that Postgres runs' : 'Check CHATBOT_DATA_DIR; only one process may open PGlite';
  }

  await check('migrations', true, async () => {
    if (!dbUp) return skip('Bỏ qua: cơ sở dữ liệu không trả lời', 'Skipped: database not answering');
    const applied = await db.platform(async (tx) => {
      const { rows } = await tx.query<{ ok: boolean }>(`SELECT to_regclass('app.schema_migrations') IS NOT NULL AS ok`);
      if (!rows[0]?.ok) return new Map<string, string>();
      return new Map((await tx.query<{ version: string; checksum: string }>('SELECT version, checksum FROM app.schema_migrations')).rows.map((r) => [r.version, r.checksum]));
    });
    const files = loadMigrations();
    const pending = files.filter((m) => !applied.has(m.version)).map((m) => m.version);
    const changed = files.filter((m) => applied.has(m.version) && applied.get(m.version) !== m.checksum).map((m) => m.version);
    if (pending.length) return fail(`Còn migration chưa áp dụng: ${pending.join(', ')}`, `Pending migrations: ${pending.join(', ')}`, 'Chạy: agent-chatbot migrate', 'Run: agent-chatbot migrate');
    if (changed.length) return warn(`Tệp migration đã sửa sau khi áp dụng: ${changed.join(', ')}`, `Migration files changed after being applied: ${changed.join(', ')}`, 'Khôi phục tệp gốc; thay đổi phải là migration mới', 'Restore the original files; changes belong in a new migration');
    return ok(`Đã áp dụng đủ ${files.length} migration`, `All ${files.length} migrations applied`);
  });

  await check('rls', true, async () => {
    if (!dbUp) return skip('Bỏ qua: cơ sở dữ liệu không trả lời', 'Skipped: database not answering');
    const loose = await db.platform(tablesWithoutForcedRls);
    if (loose.length) {
      return fail(`Bảng của cửa hàng chưa bật FORCE ROW LEVEL SECURITY: ${loose.join(', ')}`, `Tenant tables without forced row-level security: ${loose.join(', ')}`,
        'Thêm migration gọi app.enable_tenant_rls(<bảng>) rồi chạy agent-chatbot migrate', 'Add a migration calling app.enable_tenant_rls(<table>), then run agent-chatbot migrate');
    }
    return ok('Mọi bảng của cửa hàng đều bật RLS (FORCE)', 'Row-level security forced on every tenant table');
  });

  await check('jobs', false, async () => {
    if (!dbUp) return skip('Bỏ qua: cơ sở dữ liệu không trả lời', 'Skipped: database not answering');
    const { rows } = await db.platform((tx) => tx.query<{ ok: boolean }>(`SELECT to_regclass('pgboss.job') IS NOT NULL AS ok`));
    return rows[0]?.ok
      ? ok('Hàng đợi job (pg-boss) đã cài', 'Job queue (pg-boss) installed')
      : warn('Chưa cài schema hàng đợi job', 'Job queue schema not installed', 'Chạy: agent-chatbot migrate (hoặc khởi động serve/worker)', 'Run: agent-chatbot migrate (or start serve/worker)');
  });

  await check('redis', true, async () => {
    if (!config.redisUrl) return skip('Không cấu hình REDIS_URL: dùng bộ nhớ trong (chỉ hợp với 1 tiến trình)', 'REDIS_URL not set: in-memory cache (single process only)');
    const { Redis } = await import('ioredis');
    const client = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3000, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await withTimeout(client.connect().then(() => client.ping()), 4000, 'Redis');
      return ok('Redis trả lời', 'Redis answers');
    } catch (error) {
      return fail(`Redis không trả lời: ${(error as Error).message}`, `Redis not answering: ${(error as Error).message}`, 'Kiểm tra REDIS_URL và Redis đang chạy', 'Check REDIS_URL and that Redis runs');
    } finally {
      client.disconnect();
    }
  });

  await check('data-dir', true, async () => {
    mkdirSync(config.dataDir, { recursive: true });
    const probe = join(config.dataDir, `.doctor-${randomBytes(4).toString('hex')}`);
    try {
      writeFileSync(probe, 'ok');
    } catch (error) {
      return fail(`Không ghi được thư mục dữ liệu ${config.dataDir}: ${(error as Error).message}`, `Data folder ${config.dataDir} not writable: ${(error as Error).message}`,
        'Cấp quyền ghi cho người dùng chạy dịch vụ (chown), hoặc đổi CHATBOT_DATA_DIR', 'Give the service user write access (chown), or change CHATBOT_DATA_DIR');
    } finally {
      rmSync(probe, { force: true });
    }
    return ok(`Ghi được thư mục dữ liệu ${config.dataDir}`, `Data folder ${config.dataDir} writable`);
  });

  await check('lancedb', true, async () => {
    const uri = lancedbDir(config);
    const connection = await withTimeout(import('@lancedb/lancedb').then(({ connect }) => connect(uri)), 10_000, 'LanceDB');
    try {
      const tables = await connection.tableNames();
      return ok(`Mở được LanceDB (${tables.length} bảng)`, `LanceDB opens (${tables.length} tables)`);
    } finally {
      connection.close();
    }
  });

  await check('smtp', false, async () => {
    if (!config.smtpUrl) return warn('Chưa cấu hình SMTP_URL: thư mời/đặt lại mật khẩu chỉ ghi vào log', 'SMTP_URL not set: invitation and reset e-mails only go to the log', 'Đặt SMTP_URL=smtp(s)://user:pass@host:port', 'Set SMTP_URL=smtp(s)://user:pass@host:port');
    // Loaded here, not at start: only this check needs it.
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport(config.smtpUrl);
    try {
      await withTimeout(transport.verify(), 8000, 'SMTP');
      return ok('Máy chủ SMTP chấp nhận kết nối', 'SMTP server accepts the connection');
    } catch (error) {
      return fail(`SMTP lỗi: ${(error as Error).message}`, `SMTP error: ${(error as Error).message}`, 'Kiểm tra SMTP_URL (máy chủ, cổng, mật khẩu)', 'Check SMTP_URL (host, port, password)');
    } finally {
      transport.close();
    }
  });

  // Migration 0026 may not be applied yet (doctor opens the database without migrating).
  const hasPlatformSettings =
    dbUp && (await db.platform((tx) => tx.query<{ ok: boolean }>(`SELECT to_regclass('public.platform_settings') IS NOT NULL AS ok`)).catch(() => undefined))?.rows[0]?.ok === true;

  await check('providers', false, async () => {
    // A platform admin's saved setting (System page) wins over CHATBOT_PLATFORM_LLM_*.
    const saved = hasPlatformSettings
      ? (await db.platform((tx) => tx.query<{ value: { provider?: string; cheap_model?: string; premium_model?: string } }>("SELECT value FROM platform_settings WHERE name = 'llm'"))).rows[0]
      : undefined;
    if (saved) {
      const v = saved.value;
      const models = `${v.cheap_model ?? 'mặc định/default'} / ${v.premium_model ?? 'mặc định/default'}`;
      return ok(`Mô hình nền tảng (đã lưu trong bảng điều khiển): ${v.provider ?? '?'} (${models})`, `Platform model (saved in the console): ${v.provider ?? '?'} (${models})`);
    }
    const llm = config.platformLlm;
    if (!llm) {
      return warn('Chưa có khoá mô hình của nền tảng: cửa hàng phải tự nhập khoá (BYOK) mới trả lời được', 'No platform model key: tenants must bring their own key (BYOK) to get answers',
        'Đặt khoá nhà cung cấp của nền tảng (xem README, phần mô hình)', "Set the platform provider's key (see the README's model section)");
    }
    return ok(`Mô hình nền tảng: ${llm.provider} (${llm.cheapModel} / ${llm.premiumModel})`, `Platform model: ${llm.provider} (${llm.cheapModel} / ${llm.premiumModel})`);
  });

  await check('secrets', true, async () => {
    const probe = secretBox.encrypt('doctor-probe');
    if (secretBox.decrypt(probe) !== 'doctor-probe') throw new Error('keyring round trip failed');
    if (!dbUp) return ok('Khoá bí mật hoạt động', 'Keyring works');
    const known = new Set(config.secretKeys.map((k) => k.id));
    const used = await db.platform(async (tx) =>
      (await tx.query<{ key_id: string; n: string }>(
        `SELECT key_id, count(*)::text AS n FROM (SELECT key_id FROM tenant_secrets UNION ALL SELECT key_id FROM channel_connections WHERE key_id IS NOT NULL${
          hasPlatformSettings ? ' UNION ALL SELECT key_id FROM platform_settings WHERE key_id IS NOT NULL' : ''
        }) k GROUP BY key_id`,
      )).rows,
    );
    const missing = used.filter((u) => !known.has(u.key_id)).map((u) => `${u.key_id} (${u.n})`);
    if (missing.length) {
      return fail(`Có bí mật mã hoá bằng khoá không còn trong CHATBOT_SECRET_KEYS: ${missing.join(', ')}`, `Secrets encrypted under keys missing from CHATBOT_SECRET_KEYS: ${missing.join(', ')}`,
        'Thêm lại khoá cũ vào cuối CHATBOT_SECRET_KEYS, rồi chạy agent-chatbot secrets rotate', 'Add the old key back at the end of CHATBOT_SECRET_KEYS, then run agent-chatbot secrets rotate');
    }
    const old = used.filter((u) => u.key_id !== config.secretKeys[0]!.id).map((u) => `${u.key_id} (${u.n})`);
    if (old.length) return warn(`Một số bí mật còn dùng khoá cũ: ${old.join(', ')}`, `Some secrets still use older keys: ${old.join(', ')}`, 'Chạy: agent-chatbot secrets rotate', 'Run: agent-chatbot secrets rotate');
    return ok(`Khoá bí mật hoạt động (khoá hiện tại ${config.secretKeys[0]!.id})`, `Keyring works (current key ${config.secretKeys[0]!.id})`);
  });

  return { ok: !checks.some((c) => c.required && c.status === 'fail'), checks };
}

/** The report as text: one line per check, then how to fix each problem. */
export function formatDoctorReport(report: DoctorReport): string {
  const mark = { ok: '✓', warn: '!', fail: '✗', skip: '-' } as const;
  const lines = report.checks.map((c) => `${mark[c.status]} ${c.name.padEnd(10)} ${c.vi}\n  ${' '.repeat(10)} ${c.en}${c.fixVi ? `\n  ${' '.repeat(10)} → ${c.fixVi}\n  ${' '.repeat(10)} → ${c.fixEn}` : ''}`);
  const summary = report.ok ? 'Mọi kiểm tra bắt buộc đều đạt / All required checks pass' : 'Có kiểm tra bắt buộc không đạt / Some required checks failed';
  return `${lines.join('\n')}\n\n${summary}`;
}

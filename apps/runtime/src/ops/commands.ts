/**
 * The operations commands of the `agent-chatbot` CLI: backup, restore, doctor and the tenant
 * lifecycle (export, delete, reindex). Listed in `src/cli/command-table.ts`.
 */
import { AgentChatbotError, ValidationError } from '@agent-chatbot/core';
import type { CommandDef } from '../cli/command-table';
import { createBackup, restoreBackup } from './backup';
import { formatDoctorReport, runDoctor } from './doctor';
import { deleteTenant, exportTenant, reindexTenant } from './tenant-lifecycle';

type Values = Record<string, string | boolean | undefined>;

const required = (values: Values, name: string): string => {
  const v = values[name];
  if (typeof v === 'string' && v.trim() !== '') return v;
  throw new ValidationError(`Missing --${name}`, `Thiếu tham số --${name}`, { details: { usage: true } });
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** backup, restore, doctor, tenant export/delete/reindex. */
export const opsCommands: readonly CommandDef[] = [
  {
    name: 'backup',
    summaryVi: 'Sao lưu cơ sở dữ liệu, LanceDB và tệp vào một tệp .tar.gz',
    summaryEn: 'Back up the database, LanceDB and files into one .tar.gz',
    usage: 'agent-chatbot backup --output PATH|FOLDER [--encrypt] [--keep N] [--json]   (--encrypt dùng / uses CHATBOT_BACKUP_PASSPHRASE)',
    options: { output: { type: 'string' }, encrypt: { type: 'boolean' }, keep: { type: 'string' } },
    async run(env, v) {
      const keepRaw = typeof v['keep'] === 'string' ? v['keep'] : undefined;
      const keep = keepRaw === undefined ? undefined : Number(keepRaw);
      if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) {
        throw new ValidationError('--keep must be a whole number ≥ 1', '--keep phải là số nguyên ≥ 1', { details: { usage: true } });
      }
      const r = await createBackup(env.config, env.db, { output: required(v, 'output'), encrypt: v['encrypt'] === true, keep });
      const rows = r.manifest.tables.reduce((n, t) => n + t.rows, 0);
      return {
        json: { path: r.path, bytes: r.bytes, encrypted: r.encrypted, pruned: r.pruned, manifest: r.manifest },
        text: [
          `Đã sao lưu / Backed up: ${r.path} (${mb(r.bytes)}${r.encrypted ? ', mã hoá / encrypted' : ''})`,
          `  ${r.manifest.tables.length} bảng / tables, ${rows} dòng / rows; dữ liệu / data: ${r.manifest.data.map((d) => `${d.name} (${d.files})`).join(', ') || '-'}`,
          ...(r.pruned.length ? [`  Đã xoá bản cũ / pruned: ${r.pruned.join(', ')}`] : []),
        ].join('\n'),
      };
    },
  },
  {
    name: 'restore',
    summaryVi: 'Khôi phục bản sao lưu vào cơ sở dữ liệu trống đang cấu hình',
    summaryEn: 'Restore a backup into the configured, empty database',
    usage: 'agent-chatbot restore PATH [--json]   (dừng serve trước / stop serve first)',
    options: {},
    positionals: ['PATH'],
    async run(env, _v, [path]) {
      if (env.inServer) {
        throw new ValidationError('Stop `serve` before restoring: restore needs the data folder to itself', 'Hãy dừng `serve` trước khi khôi phục: restore cần dùng riêng thư mục dữ liệu');
      }
      const r = await restoreBackup(env.config, env.db, path!);
      const rows = Object.values(r.rows).reduce((n, c) => n + c, 0);
      return {
        json: {
          createdAt: r.manifest.createdAt, rows: r.rows, dataEntries: r.dataEntries, migrations: r.manifest.migrations,
          objectsRestored: r.objectsRestored, reindexNeeded: r.reindexNeeded,
        },
        text: [
          `Đã khôi phục / Restored backup of ${r.manifest.createdAt}: ${rows} dòng / rows in ${Object.keys(r.rows).length} bảng / tables; dữ liệu / data: ${r.dataEntries.join(', ') || '-'}`,
          ...(r.objectsRestored ? [`  Tệp đã đưa vào kho lưu trữ / files put into storage: ${r.objectsRestored}`] : []),
          ...(r.reindexNeeded
            ? ['  LanceDB nằm trên object storage, không có trong bản sao lưu: chạy `agent-chatbot tenant reindex <ID>` cho từng cửa hàng / LanceDB was on object storage and is not in the archive: run `agent-chatbot tenant reindex <ID>` per tenant']
            : []),
          'Hãy chạy / now run: agent-chatbot doctor',
        ].join('\n'),
      };
    },
  },
  {
    name: 'doctor',
    summaryVi: 'Kiểm tra cấu hình, cơ sở dữ liệu, RLS, Redis, lưu trữ, LanceDB, SMTP, khoá bí mật',
    summaryEn: 'Check settings, database, RLS, Redis, storage, LanceDB, SMTP and the keyring',
    usage: 'agent-chatbot doctor [--json]',
    options: {},
    async run(env) {
      const report = await runDoctor(env.config, env.db, env.secretBox);
      const text = formatDoctorReport(report);
      if (!report.ok) {
        // Thrown so the CLI exits non-zero; the whole report travels in the message and details.
        throw new AgentChatbotError({
          code: 'doctor_failed',
          status: 503,
          message: 'Some required checks failed (see the report above)',
          messageVi: `\n${text}`,
          details: { report },
        });
      }
      return { json: report, text };
    },
  },
  {
    name: 'tenant export',
    summaryVi: 'Xuất toàn bộ dữ liệu và tệp của một cửa hàng (JSON + LanceDB + tệp)',
    summaryEn: "Export all of a tenant's data and files (JSON + LanceDB + files)",
    usage: 'agent-chatbot tenant export <ID|SLUG> --output PATH|FOLDER [--json]',
    options: { output: { type: 'string' } },
    positionals: ['ID'],
    async run(env, v, [id]) {
      const r = await exportTenant(env.config, env.db, id!, required(v, 'output'));
      const rows = r.tables.reduce((n, t) => n + t.rows, 0);
      return {
        json: { tenantId: r.tenant.id, slug: r.tenant.slug, path: r.path, bytes: r.bytes, rows, tables: r.tables.map((t) => ({ name: t.name, rows: t.rows })), lanceTables: r.lanceTables, files: r.files },
        text: `Đã xuất / Exported ${r.tenant.slug}: ${r.path} (${mb(r.bytes)}, ${rows} dòng / rows, ${r.lanceTables.length} bảng LanceDB / LanceDB tables${r.files ? ', kèm tệp / with files' : ''})`,
      };
    },
  },
  {
    name: 'tenant delete',
    summaryVi: 'Xoá vĩnh viễn một cửa hàng (dữ liệu, LanceDB, tệp) — cần --confirm SLUG',
    summaryEn: 'Erase a tenant for good (rows, LanceDB, files) — needs --confirm SLUG',
    usage: 'agent-chatbot tenant delete <ID|SLUG> --confirm SLUG [--json]',
    options: { confirm: { type: 'string' } },
    positionals: ['ID'],
    async run(env, v, [id]) {
      const r = await deleteTenant(env.config, env.db, id!, typeof v['confirm'] === 'string' ? v['confirm'] : undefined);
      return {
        json: { tenantId: r.tenant.id, slug: r.tenant.slug, lanceTablesDropped: r.lanceTablesDropped, filesRemoved: r.filesRemoved },
        text: `Đã xoá vĩnh viễn / Erased ${r.tenant.slug} (${r.tenant.id}); LanceDB: ${r.lanceTablesDropped.length} bảng / tables; tệp / files: ${r.filesRemoved}\nLưu ý: dữ liệu còn trong các bản sao lưu cũ tới khi hết hạn lưu giữ / Note: old backups keep it until they expire`,
      };
    },
  },
  {
    name: 'tenant reindex',
    summaryVi: 'Lập chỉ mục lại tri thức của một cửa hàng (job knowledge.reindex)',
    summaryEn: "Rebuild a tenant's knowledge index (knowledge.reindex job)",
    usage: 'agent-chatbot tenant reindex <ID|SLUG> [--json]',
    options: {},
    positionals: ['ID'],
    async run(env, _v, [id]) {
      const r = await reindexTenant(env.db, id!, env.jobs);
      return {
        json: { tenantId: r.tenant.id, slug: r.tenant.slug, jobId: r.jobId, queued: r.jobId !== null },
        text: r.jobId
          ? `Đã xếp hàng lập chỉ mục lại / Reindex queued for ${r.tenant.slug} (job ${r.jobId})`
          : `Đã có lệnh lập chỉ mục lại đang chờ / A reindex is already queued for ${r.tenant.slug}`,
      };
    },
  },
];

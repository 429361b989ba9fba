/**
 * CLI: `agent-chatbot widget snippet --tenant ID|SLUG [--allowed-domain D]... [--lang en] [--json]`
 * prints the one-line embedding snippet (creating the tenant's widget on first use) and adds the
 * given domains to the widget's allowed domains.
 */
import { widgetSnippet } from '@agent-chatbot/channel-web';
import { ValidationError } from '@agent-chatbot/core';
import type { CommandDef } from '../cli/command-table';
import { getTenant } from '../tenants/tenant-service';
import { updateWidget } from './widget-service';
import { allowedDomainSchema, ensureWidget } from './widget-store';

/** The `widget snippet` command. */
export const widgetCommands: readonly CommandDef[] = [
  {
    name: 'widget snippet',
    summaryVi: 'In đoạn mã nhúng khung chat vào website (thêm tên miền được phép với --allowed-domain)',
    summaryEn: 'Print the website widget snippet (add allowed domains with --allowed-domain)',
    usage: 'agent-chatbot widget snippet --tenant ID|SLUG [--allowed-domain DOMAIN]... [--lang vi|en] [--json]',
    options: { tenant: { type: 'string' }, 'allowed-domain': { type: 'string', multiple: true }, lang: { type: 'string' } },
    async run(env, values) {
      const tenantArg = values.tenant;
      if (typeof tenantArg !== 'string' || tenantArg.trim() === '') throw new ValidationError('Missing --tenant', 'Thiếu tham số --tenant');
      const lang = values.lang;
      if (lang !== undefined && lang !== 'vi' && lang !== 'en') throw new ValidationError('--lang must be vi or en', '--lang phải là vi hoặc en');
      const raw = (values as Record<string, unknown>)['allowed-domain'];
      const requested = (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : []).map((domain) => {
        const parsed = allowedDomainSchema.safeParse(String(domain));
        if (!parsed.success) {
          throw new ValidationError(`Not a domain or origin: ${String(domain)} (e.g. shop.vn, *.shop.vn, https://shop.vn)`, `Không phải tên miền hợp lệ: ${String(domain)} (ví dụ shop.vn, *.shop.vn, https://shop.vn)`);
        }
        return parsed.data;
      });
      const tenant = await getTenant(env.db, tenantArg);
      const widget = await env.db.tenant(tenant.id, async (tx) => {
        const current = await ensureWidget(tx, env.secretBox, tenant.id);
        const missing = requested.filter((domain) => !current.settings.allowed_origins.includes(domain));
        if (missing.length === 0) return current;
        return (await updateWidget(tx, env.secretBox, tenant.id, { allowed_domains: [...current.settings.allowed_origins, ...missing] })).after;
      });
      const host = env.config.publicUrl;
      const snippet = widgetSnippet({ host, publicKey: widget.publicKey, ...(lang === 'en' ? { lang: 'en' as const } : {}) });
      const allowed = widget.settings.allowed_origins;
      const json = {
        tenant_id: tenant.id,
        public_key: widget.publicKey,
        snippet,
        loader_url: `${host}/widget.js`,
        allowed_domains: allowed,
        enabled: widget.enabled,
      };
      const lines = [
        'Dán đoạn mã này trước </body> của website / Paste this before </body> on your website:',
        '',
        snippet,
        '',
        `Mã công khai / Public key: ${widget.publicKey}`,
        allowed.length
          ? `Tên miền được phép / Allowed domains: ${allowed.join(', ')}`
          : 'Chưa có tên miền nào được phép: khung chat sẽ không chạy — thêm bằng --allowed-domain / No allowed domain yet: the widget will not run — add one with --allowed-domain',
        ...(widget.enabled ? [] : ['Khung chat đang tắt / The widget is disabled']),
      ];
      return { json, text: lines.join('\n') };
    },
  },
];

/**
 * Widget settings API: `GET /v1/tenant/widget` (any member; the widget is created on first read
 * with a fresh public key and no allowed domain) and `PUT /v1/tenant/widget` (tenant admins):
 * allowed domains, branding, suggested questions, identity verification, enable/disable.
 */
import { recordAudit } from '../http/audit';
import { defineRoute, type Route } from '../http/route';
import type { WidgetContext } from './widget-context';
import { updateWidget, widgetJson, widgetJsonSchema, widgetUpdateSchema } from './widget-service';
import { ensureWidget } from './widget-store';

const tags = ['widget'] as const;

/** The widget settings routes. */
export function widgetRoutes(context: WidgetContext): Route[] {
  const { runtime } = context;
  return [
    defineRoute({
      method: 'get',
      path: '/v1/tenant/widget',
      summary: 'Xem cấu hình khung chat website · Get the website widget settings',
      description: 'Tạo khung chat (mã công khai mới) ở lần đọc đầu · Creates the widget (a new public key) on first read.',
      tags,
      access: 'tenant-member',
      responses: { 200: { description: 'OK', schema: widgetJsonSchema } },
      handler: async ({ caller }) => {
        const widget = await runtime.db.tenant(caller.tenantId, (tx) => ensureWidget(tx, runtime.secretBox, caller.tenantId));
        return { status: 200, body: widgetJson(runtime.config.publicUrl, widget) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/tenant/widget',
      summary: 'Sửa cấu hình khung chat website · Update the website widget settings',
      description:
        'Tên miền được phép, giao diện, câu hỏi gợi ý, xác minh danh tính, bật/tắt. Khoá xác minh chỉ hiện đầy đủ trong câu trả lời đã tạo nó · ' +
        'Allowed domains, branding, suggested questions, identity verification, on/off. The identity secret is shown in full only in the answer that generated it.',
      tags,
      access: 'tenant-admin',
      body: widgetUpdateSchema,
      responses: { 200: { description: 'OK', schema: widgetJsonSchema } },
      handler: async ({ caller, body, req }) => {
        const result = await runtime.db.tenant(caller.tenantId, async (tx) => {
          const updated = await updateWidget(tx, runtime.secretBox, caller.tenantId, body);
          await recordAudit(tx, {
            tenantId: caller.tenantId,
            caller,
            action: 'widget.update',
            targetType: 'channel_connection',
            targetId: updated.after.id,
            details: { fields: Object.keys(body), secret_generated: updated.secretGenerated },
            ip: req.ip,
          });
          return updated;
        });
        context.evict(result.before.publicKey);
        context.evict(result.after.publicKey);
        return { status: 200, body: widgetJson(runtime.config.publicUrl, result.after, result.secretGenerated) };
      },
    }),
  ];
}

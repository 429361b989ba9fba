/**
 * Widget settings for the API and the CLI: the JSON shape responses use, the update body, and
 * the snippet. The identity secret is write-only like other secrets: shown in full once, in the
 * answer that generated it, then only masked.
 */
import { widgetSnippet } from '@agent-chatbot/channel-web';
import { z } from 'zod';
import type { Tx } from '../db/types';
import { maskSecret, type SecretBox } from '../secrets/secret-box';
import { allowedDomainSchema, ensureWidget, newIdentitySecret, newPublicKey, saveWidget, type StoredWidgetSettings, type WidgetRow } from './widget-store';

const text = (max: number) => z.string().trim().min(1).max(max);

/** Body of `PUT /v1/tenant/widget`: every field optional; absent fields keep their value. */
export const widgetUpdateSchema = z
  .object({
    enabled: z.boolean().optional(),
    allowed_domains: z.array(allowedDomainSchema).max(100).optional(),
    bot_name: text(60).optional(),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #0b6bcb').optional(),
    logo_url: z.url({ protocol: /^https?$/ }).max(1000).nullable().optional(),
    position: z.enum(['left', 'right']).optional(),
    greeting: z.object({ vi: text(500).nullable().optional(), en: text(500).nullable().optional() }).strict().optional(),
    suggested_questions: z.object({ vi: z.array(text(200)).max(6).optional(), en: z.array(text(200)).max(6).optional() }).strict().optional(),
    identity: z
      .object({
        enabled: z.boolean().optional(),
        required: z.boolean().optional(),
        rotate_secret: z.boolean().optional().meta({ description: 'Tạo khoá mới (khoá cũ hết hiệu lực) · Generate a new secret (the old one stops working)' }),
      })
      .strict()
      .optional(),
    rotate_public_key: z.boolean().optional().meta({ description: 'Đổi mã công khai (phải dán lại đoạn mã) · New public key (the snippet must be replaced)' }),
  })
  .strict();

/** A parsed {@link widgetUpdateSchema}. */
export type WidgetUpdate = z.output<typeof widgetUpdateSchema>;

/** The widget JSON every response uses. */
export const widgetJsonSchema = z.object({
  id: z.string(),
  enabled: z.boolean(),
  public_key: z.string().meta({ example: 'pk_3kq9…' }),
  snippet: z.string().meta({ example: '<script src="https://bot.example.vn/widget.js" data-key="pk_3kq9…" async></script>' }),
  loader_url: z.string(),
  allowed_domains: z.array(z.string()),
  bot_name: z.string(),
  color: z.string(),
  logo_url: z.string().nullable(),
  position: z.enum(['left', 'right']),
  greeting: z.object({ vi: z.string().nullable(), en: z.string().nullable() }),
  suggested_questions: z.object({ vi: z.array(z.string()), en: z.array(z.string()) }),
  identity: z.object({
    enabled: z.boolean(),
    required: z.boolean(),
    secret_mask: z.string().nullable(),
    secret: z.string().optional().meta({ description: 'Chỉ có trong câu trả lời đã tạo khoá · Only in the answer that generated it' }),
  }),
  created_at: z.string(),
  updated_at: z.string(),
});

/** The JSON of one widget. */
export type WidgetJson = z.output<typeof widgetJsonSchema>;

/** The JSON of a widget; `revealSecret` adds the identity secret (the answer that generated it). */
export function widgetJson(publicUrl: string, widget: WidgetRow, revealSecret = false): WidgetJson {
  const s = widget.settings;
  return {
    id: widget.id,
    enabled: widget.enabled,
    public_key: widget.publicKey,
    snippet: widgetSnippet({ host: publicUrl, publicKey: widget.publicKey }),
    loader_url: `${publicUrl}/widget.js`,
    allowed_domains: s.allowed_origins,
    bot_name: s.bot_name,
    color: s.color,
    logo_url: s.logo_url,
    position: s.position,
    greeting: { vi: s.greeting_vi, en: s.greeting_en },
    suggested_questions: { vi: s.suggested_questions_vi, en: s.suggested_questions_en },
    identity: {
      enabled: widget.identitySecret !== undefined,
      required: widget.identitySecret !== undefined && s.identity_required,
      secret_mask: widget.identitySecret ? maskSecret(widget.identitySecret) : null,
      ...(revealSecret && widget.identitySecret ? { secret: widget.identitySecret } : {}),
    },
    created_at: widget.createdAt.toISOString(),
    updated_at: widget.updatedAt.toISOString(),
  };
}

/** Applies an update inside the caller's tenant transaction; returns the row and whether a secret was generated. */
export async function updateWidget(
  tx: Tx,
  secretBox: SecretBox,
  tenantId: string,
  update: WidgetUpdate,
): Promise<{ before: WidgetRow; after: WidgetRow; secretGenerated: boolean }> {
  const before = await ensureWidget(tx, secretBox, tenantId);
  const s = before.settings;
  const settings: StoredWidgetSettings = {
    ...s,
    ...(update.allowed_domains ? { allowed_origins: [...new Set(update.allowed_domains)] } : {}),
    ...(update.bot_name !== undefined ? { bot_name: update.bot_name } : {}),
    ...(update.color !== undefined ? { color: update.color.toLowerCase() } : {}),
    ...(update.logo_url !== undefined ? { logo_url: update.logo_url } : {}),
    ...(update.position !== undefined ? { position: update.position } : {}),
    ...(update.greeting?.vi !== undefined ? { greeting_vi: update.greeting.vi } : {}),
    ...(update.greeting?.en !== undefined ? { greeting_en: update.greeting.en } : {}),
    ...(update.suggested_questions?.vi !== undefined ? { suggested_questions_vi: update.suggested_questions.vi } : {}),
    ...(update.suggested_questions?.en !== undefined ? { suggested_questions_en: update.suggested_questions.en } : {}),
    ...(update.identity?.required !== undefined ? { identity_required: update.identity.required } : {}),
  };
  const identityOn = update.identity?.enabled ?? (update.identity?.rotate_secret ? true : before.identitySecret !== undefined);
  let identitySecret: string | null | undefined;
  if (!identityOn) identitySecret = before.identitySecret !== undefined ? null : undefined;
  else if (before.identitySecret === undefined || update.identity?.rotate_secret) identitySecret = newIdentitySecret();
  if (!identityOn) settings.identity_required = false;
  const after = await saveWidget(tx, secretBox, before, {
    settings,
    ...(update.enabled !== undefined ? { enabled: update.enabled } : {}),
    ...(identitySecret !== undefined ? { identitySecret } : {}),
    ...(update.rotate_public_key ? { publicKey: newPublicKey() } : {}),
  });
  return { before, after, secretGenerated: typeof identitySecret === 'string' };
}

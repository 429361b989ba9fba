/**
 * The tenant's inbox settings, stored in `tenants.settings.inbox` (idle time before a conversation
 * returns to the bot, notification channels), plus the handoff keywords, which live in the bot
 * persona (`settings.persona.handoffKeywords`) because the engine reads them from there.
 */
import { personaSchema } from '@agent-chatbot/core';
import { z } from 'zod';
import type { Tx } from '../db/types';

/** Default idle time (minutes) before a human-mode conversation with no agent activity returns to the bot. */
export const DEFAULT_IDLE_MINUTES = 30;

/** `settings.inbox` as stored. */
export const storedInboxSettingsSchema = z.object({
  idle_minutes: z.number().int().min(1).max(10_080).optional(),
  notify_email: z.boolean().optional(),
  /** The owner's Telegram chat id (from @userinfobot or the shop bot's `/start`). */
  telegram_chat_id: z.string().trim().regex(/^-?\d{1,20}$/).optional(),
  /** Which Telegram connection's bot sends the notification (default: the first active one). */
  telegram_connection_id: z.uuid().optional(),
});

/** The settings as the API returns them (defaults applied). */
export const inboxSettingsSchema = z.object({
  idle_minutes: z.number().int().meta({ description: 'Phút không có nhân viên trước khi trả lại bot · idle minutes before the bot takes back' }),
  notify_email: z.boolean(),
  telegram_chat_id: z.string().nullable(),
  telegram_connection_id: z.string().nullable(),
  handoff_keywords: z.array(z.string()).meta({ description: 'Cụm từ khách dùng để gặp người thật · phrases that ask for a person' }),
});

/** Body of `PUT /v1/tenant/inbox/settings` (every field optional; null clears). */
export const inboxSettingsPatchSchema = z
  .object({
    idle_minutes: z.number().int().min(1).max(10_080).optional(),
    notify_email: z.boolean().optional(),
    telegram_chat_id: z.string().trim().regex(/^-?\d{1,20}$/).nullable().optional(),
    telegram_connection_id: z.uuid().nullable().optional(),
    handoff_keywords: z.array(z.string().trim().min(2).max(80)).max(50).optional(),
  })
  .strict();

/** The inbox settings with defaults applied. */
export type InboxSettings = z.infer<typeof inboxSettingsSchema>;

function objectAt(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Reads the settings leniently (a damaged field falls back to its default). */
export function inboxSettingsOf(settings: Record<string, unknown>): InboxSettings {
  const raw = objectAt(settings['inbox']);
  const field = <K extends keyof z.infer<typeof storedInboxSettingsSchema>>(key: K) => {
    const parsed = storedInboxSettingsSchema.shape[key].safeParse(raw[key]);
    return parsed.success ? parsed.data : undefined;
  };
  const persona = objectAt(settings['persona']);
  const keywords = personaSchema.shape.handoffKeywords.safeParse(persona['handoffKeywords']);
  return {
    idle_minutes: (field('idle_minutes') as number | undefined) ?? DEFAULT_IDLE_MINUTES,
    notify_email: (field('notify_email') as boolean | undefined) ?? true,
    telegram_chat_id: (field('telegram_chat_id') as string | undefined) ?? null,
    telegram_connection_id: (field('telegram_connection_id') as string | undefined) ?? null,
    handoff_keywords: keywords.success ? keywords.data : personaSchema.shape.handoffKeywords.parse(undefined),
  };
}

/** Loads the caller's tenant settings in `tx`. */
export async function loadInboxSettings(tx: Tx, tenantId: string): Promise<InboxSettings> {
  const { rows } = await tx.query<{ settings: Record<string, unknown> }>('SELECT settings FROM tenants WHERE id = $1', [tenantId]);
  return inboxSettingsOf(rows[0]?.settings ?? {});
}

/**
 * Applies a patch: inbox fields merge into `settings.inbox`, keywords replace
 * `settings.persona.handoffKeywords`; `config_version` is bumped so the bots pick the keywords up.
 */
export async function saveInboxSettings(tx: Tx, tenantId: string, patch: z.infer<typeof inboxSettingsPatchSchema>): Promise<InboxSettings> {
  const inbox: Record<string, unknown> = {};
  for (const key of ['idle_minutes', 'notify_email', 'telegram_chat_id', 'telegram_connection_id'] as const) {
    if (patch[key] !== undefined) inbox[key] = patch[key];
  }
  const { rows } = await tx.query<{ settings: Record<string, unknown> }>(
    `UPDATE tenants SET
       settings = jsonb_set(
         jsonb_set(settings, '{inbox}', jsonb_strip_nulls(coalesce(settings->'inbox', '{}'::jsonb) || $2::jsonb)),
         '{persona}',
         CASE WHEN $3::jsonb IS NULL THEN coalesce(settings->'persona', '{}'::jsonb)
              ELSE coalesce(settings->'persona', '{}'::jsonb) || jsonb_build_object('handoffKeywords', $3::jsonb) END),
       config_version = config_version + 1, updated_at = now()
     WHERE id = $1 RETURNING settings`,
    [tenantId, JSON.stringify(inbox), patch.handoff_keywords === undefined ? null : JSON.stringify(patch.handoff_keywords)],
  );
  return inboxSettingsOf(rows[0]?.settings ?? {});
}

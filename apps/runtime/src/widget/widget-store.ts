/**
 * A tenant's website widget is its `channel_connections` row of type `web` (one per tenant):
 * `public_key` is the snippet's `data-key`, `settings` holds the allowed domains and branding,
 * `credentials_ciphertext` the identity-verification secret (encrypted with the keyring, bound to
 * tenant + connection by the AAD, like provider credentials), `status` enables/disables it.
 */
import { randomBytes } from 'node:crypto';
import type { WidgetSettingsInput } from '@agent-chatbot/channel-web';
import { z } from 'zod';
import type { Db, Tx } from '../db/types';
import { connectionSecretAad, type SecretBox } from '../secrets/secret-box';

/** An allowed-domain pattern: `https://shop.vn`, `shop.vn`, `*.shop.vn`, `http://localhost:3000`, `*`. */
export const allowedDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => value.replace(/\/+$/, ''))
  .pipe(
    z
      .string()
      .max(300)
      .regex(/^(\*|(https?:\/\/)?(\*\.)?[a-z0-9.-]+(:\d{1,5})?)$/, 'a domain or origin: shop.vn, *.shop.vn, https://shop.vn, http://localhost:3000'),
  );

/** What `settings` (jsonb) of the web connection holds. */
export const storedWidgetSettingsSchema = z.object({
  allowed_origins: z.array(z.string()).default([]),
  bot_name: z.string().min(1).max(60).default('Trợ lý ảo'),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/).default('#0b6bcb'),
  logo_url: z.string().nullable().default(null),
  position: z.enum(['left', 'right']).default('right'),
  greeting_vi: z.string().max(500).nullable().default(null),
  greeting_en: z.string().max(500).nullable().default(null),
  suggested_questions_vi: z.array(z.string().max(200)).max(6).default([]),
  suggested_questions_en: z.array(z.string().max(200)).max(6).default([]),
  identity_required: z.boolean().default(false),
});

/** Parsed `settings` of a web connection. */
export type StoredWidgetSettings = z.output<typeof storedWidgetSettingsSchema>;

/** A tenant's widget row, decrypted. */
export interface WidgetRow {
  id: string;
  tenantId: string;
  publicKey: string;
  enabled: boolean;
  settings: StoredWidgetSettings;
  /** The identity-verification secret; undefined when identity verification is off. */
  identitySecret: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

interface DbRow {
  id: string;
  tenant_id: string;
  public_key: string;
  status: string;
  settings: unknown;
  credentials_ciphertext: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'id, tenant_id, public_key, status, settings, credentials_ciphertext, created_at, updated_at';

/** A new public key (`pk_` + 24 URL-safe characters). */
export const newPublicKey = (): string => `pk_${randomBytes(18).toString('base64url')}`;
/** A new identity-verification secret (43 URL-safe characters). */
export const newIdentitySecret = (): string => randomBytes(32).toString('base64url');

/** Stored settings, field by field: a value that no longer validates falls back to its default. */
function parseSettings(raw: unknown): StoredWidgetSettings {
  const value = (typeof raw === 'string' ? JSON.parse(raw) : raw) ?? {};
  const whole = storedWidgetSettingsSchema.safeParse(value);
  if (whole.success) return whole.data;
  const defaults = storedWidgetSettingsSchema.parse({});
  const kept = Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(([key, field]) => {
      const one = storedWidgetSettingsSchema.shape[key as keyof StoredWidgetSettings];
      return one !== undefined && one.safeParse(field).success;
    }),
  );
  return { ...defaults, ...storedWidgetSettingsSchema.partial().parse(kept) } as StoredWidgetSettings;
}

function toRow(secretBox: SecretBox, r: DbRow): WidgetRow {
  let identitySecret: string | undefined;
  if (r.credentials_ciphertext) {
    const parsed = JSON.parse(secretBox.decrypt(r.credentials_ciphertext, connectionSecretAad(r.tenant_id, r.id, 'credentials'))) as { identity_secret?: unknown };
    if (typeof parsed.identity_secret === 'string') identitySecret = parsed.identity_secret;
  }
  return {
    id: r.id,
    tenantId: r.tenant_id,
    publicKey: r.public_key,
    enabled: r.status !== 'disabled',
    settings: parseSettings(r.settings),
    identitySecret,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** The transaction tenant's widget, or undefined when it has none yet. */
export async function findWidget(tx: Tx, secretBox: SecretBox): Promise<WidgetRow | undefined> {
  const { rows } = await tx.query<DbRow>(`SELECT ${COLUMNS} FROM channel_connections WHERE type = 'web' ORDER BY created_at LIMIT 1`);
  return rows[0] ? toRow(secretBox, rows[0]) : undefined;
}

/**
 * The tenant's widget, created on first use (a fresh public key, no allowed domain: it runs
 * nowhere until the tenant lists its site). Serialised per tenant so two first reads make one row.
 */
export async function ensureWidget(tx: Tx, secretBox: SecretBox, tenantId: string, initial: Partial<StoredWidgetSettings> = {}): Promise<WidgetRow> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('acb-widget:' || $1::text))`, [tenantId]);
  const existing = await findWidget(tx, secretBox);
  if (existing) return existing;
  const settings = storedWidgetSettingsSchema.parse(initial);
  const { rows } = await tx.query<DbRow>(
    `INSERT INTO channel_connections (tenant_id, type, name, public_key, settings) VALUES ($1, 'web', 'Website widget', $2, $3) RETURNING ${COLUMNS}`,
    [tenantId, newPublicKey(), JSON.stringify(settings)],
  );
  return toRow(secretBox, rows[0]!);
}

/** What {@link saveWidget} may change. */
export interface WidgetChanges {
  enabled?: boolean;
  settings?: StoredWidgetSettings;
  /** `null` turns identity verification off (the secret is erased). */
  identitySecret?: string | null;
  publicKey?: string;
}

/** Saves changes to the tenant's widget row and returns it. */
export async function saveWidget(tx: Tx, secretBox: SecretBox, widget: WidgetRow, changes: WidgetChanges): Promise<WidgetRow> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [widget.id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (changes.enabled !== undefined) set('status', changes.enabled ? 'active' : 'disabled');
  if (changes.settings !== undefined) set('settings', JSON.stringify(changes.settings));
  if (changes.publicKey !== undefined) set('public_key', changes.publicKey);
  if (changes.identitySecret !== undefined) {
    if (changes.identitySecret === null) {
      sets.push('credentials_ciphertext = NULL');
    } else {
      set('credentials_ciphertext', secretBox.encrypt(JSON.stringify({ identity_secret: changes.identitySecret }), connectionSecretAad(widget.tenantId, widget.id, 'credentials')));
      set('key_id', secretBox.currentKeyId);
    }
  }
  const { rows } = await tx.query<DbRow>(`UPDATE channel_connections SET ${sets.join(', ')} WHERE id = $1 AND type = 'web' RETURNING ${COLUMNS}`, params);
  return toRow(secretBox, rows[0]!);
}

/** A widget found by its public key (the one-door lookup), with the settings the package expects. */
export interface ResolvedWidget {
  tenantId: string;
  connectionId: string;
  tenantStatus: string;
  widget: WidgetRow;
  /** For `createWidgetHandlers`' `resolveWidget`. */
  settings: WidgetSettingsInput;
}

/** The package's settings shape for a stored widget. */
export function toPackageSettings(widget: WidgetRow): WidgetSettingsInput {
  const s = widget.settings;
  return {
    publicKey: widget.publicKey,
    allowedOrigins: s.allowed_origins,
    botName: s.bot_name,
    color: s.color,
    ...(s.logo_url ? { logoUrl: s.logo_url } : {}),
    position: s.position,
    ...(s.greeting_vi ? { greeting: { vi: s.greeting_vi, ...(s.greeting_en ? { en: s.greeting_en } : {}) } } : {}),
    ...(s.suggested_questions_vi.length || s.suggested_questions_en.length
      ? { suggestedQuestions: { vi: s.suggested_questions_vi, ...(s.suggested_questions_en.length ? { en: s.suggested_questions_en } : {}) } }
      : {}),
    ...(widget.identitySecret ? { identitySecret: widget.identitySecret } : {}),
    identityRequired: widget.identitySecret !== undefined && s.identity_required,
  };
}

/**
 * Resolves an enabled widget of an active tenant by public key: the tenant comes from the key
 * through `app.tenant_for_public_key` (SECURITY DEFINER), then the row is read as that tenant.
 */
export async function resolveWidgetByKey(db: Db, secretBox: SecretBox, publicKey: string): Promise<ResolvedWidget | undefined> {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(publicKey)) return undefined;
  const found = await db.anonymous((tx) =>
    tx.query<{ tenant_id: string; connection_id: string; tenant_status: string }>('SELECT tenant_id, connection_id, tenant_status FROM app.tenant_for_public_key($1)', [publicKey]),
  );
  const owner = found.rows[0];
  if (!owner) return undefined;
  const widget = await db.tenant(owner.tenant_id, async (tx) => {
    const { rows } = await tx.query<DbRow>(`SELECT ${COLUMNS} FROM channel_connections WHERE id = $1 AND type = 'web' AND status <> 'disabled'`, [owner.connection_id]);
    return rows[0] ? toRow(secretBox, rows[0]) : undefined;
  });
  if (!widget) return undefined;
  return { tenantId: owner.tenant_id, connectionId: owner.connection_id, tenantStatus: owner.tenant_status, widget, settings: toPackageSettings(widget) };
}

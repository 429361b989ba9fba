import { ConflictError, NotFoundError, ValidationError } from '@agent-chatbot/core';
import { z } from 'zod';
import { hashNewPassword } from '../auth/accounts';
import { isUuid } from '../db/tenant-id';
import type { Db, Tx } from '../db/types';
import { emailTakenError, insertUser, isUniqueViolation, normalizeEmail, type UserSummary } from '../users/user-service';
import { assertSlug, slugify } from './slug';

/** A tenant as the services return it. */
export interface TenantSummary {
  id: string;
  name: string;
  slug: string;
  plan: string;
  status: 'active' | 'suspended' | 'deleted';
  createdAt: Date;
}

/** Who did it, for the audit log. */
export interface Actor {
  kind: 'user' | 'cli' | 'system' | 'api_key';
  userId?: string;
}

/** Input of {@link createTenantWithAdmin} (sign-up and `agent-chatbot tenant create`). */
export interface NewTenant {
  name: string;
  /** When absent, derived from the name (diacritics folded) and suffixed if taken. */
  slug?: string;
  adminEmail: string;
  adminPassword: string;
  adminName?: string;
  plan?: string;
}

const newTenantSchema = z.object({
  name: z.string().trim().min(1).max(200),
  slug: z.string().trim().toLowerCase().optional(),
  adminEmail: z.string(),
  adminPassword: z.string(),
  adminName: z.string().trim().max(200).optional(),
  plan: z.string().trim().min(1).max(50).optional(),
});

const TENANT_COLUMNS = 'id, name, slug, plan, status, created_at';
type TenantRow = { id: string; name: string; slug: string; plan: string; status: TenantSummary['status']; created_at: Date };
const summary = (r: TenantRow): TenantSummary => ({
  id: r.id, name: r.name, slug: r.slug, plan: r.plan, status: r.status, createdAt: r.created_at,
});

function slugTakenError(slug: string): ConflictError {
  return new ConflictError(`Slug "${slug}" is already taken`, `Slug "${slug}" đã có cửa hàng khác dùng`, {
    code: 'slug_taken',
    details: { field: 'slug' },
  });
}

/**
 * Creates a tenant and its first tenant-admin in one platform transaction, with an audit entry.
 * Errors: 400 (bad name/slug/e-mail, weak password), 409 `slug_taken` (an explicit slug in use),
 * 409 `email_taken`. The password is checked and hashed before the transaction opens, unless
 * `options.passwordHash` brings that work, already started: {@link hashNewPassword} of
 * `input.adminPassword`.
 *
 * @example const { tenant, admin } = await createTenantWithAdmin(db, { name: 'Cửa hàng Hoa', adminEmail, adminPassword });
 */
export async function createTenantWithAdmin(
  db: Db,
  input: NewTenant,
  actor: Actor = { kind: 'system' },
  options: { passwordHash?: Promise<string> } = {},
): Promise<{ tenant: TenantSummary; admin: UserSummary }> {
  const parsed = newTenantSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new ValidationError(`Invalid tenant: ${fields}`, `Thông tin cửa hàng không hợp lệ: ${fields}`, {
      details: { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    });
  }
  const data = parsed.data;
  const explicitSlug = data.slug ? assertSlug(data.slug) : undefined;
  const email = normalizeEmail(data.adminEmail);
  const passwordHash = await (options.passwordHash ?? hashNewPassword(data.adminPassword, email));

  return db.platform(async (tx) => {
    const tenant = await insertTenant(tx, data.name, explicitSlug ?? slugify(data.name), explicitSlug !== undefined, data.plan);
    let admin: UserSummary;
    try {
      admin = await insertUser(tx, { email, password: '', name: data.adminName }, passwordHash);
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw emailTakenError(email);
      throw error;
    }
    await tx.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'tenant-admin')`, [tenant.id, admin.id]);
    await audit(tx, tenant.id, actor, 'tenant.create', { slug: tenant.slug, adminEmail: admin.email });
    return { tenant, admin };
  });
}

async function insertTenant(tx: Tx, name: string, slug: string, explicit: boolean, plan?: string): Promise<TenantSummary> {
  for (let attempt = 1; attempt <= 50; attempt++) {
    const candidate = attempt === 1 ? slug : `${slug.slice(0, 56)}-${attempt}`;
    const { rows } = await tx.query<TenantRow>(
      `INSERT INTO tenants (name, slug, plan) VALUES ($1, $2, coalesce($3, 'free')) ON CONFLICT (slug) DO NOTHING RETURNING ${TENANT_COLUMNS}`,
      [name, candidate, plan ?? null],
    );
    if (rows[0]) return summary(rows[0]);
    if (explicit) throw slugTakenError(slug);
  }
  throw slugTakenError(slug);
}

async function audit(tx: Tx, tenantId: string | null, actor: Actor, action: string, details: Record<string, unknown>): Promise<void> {
  await tx.query(
    `INSERT INTO audit_log (tenant_id, actor_user_id, actor_kind, action, target_type, target_id, details)
     VALUES ($1::uuid, $2, $3, $4, 'tenant', $1::text, $5)`,
    [tenantId, actor.userId ?? null, actor.kind, action, JSON.stringify(details)],
  );
}

/** Every tenant, newest first, with its member count (platform scope). */
export async function listTenants(
  db: Db,
  options: { status?: TenantSummary['status']; limit?: number; offset?: number } = {},
): Promise<Array<TenantSummary & { memberCount: number }>> {
  return db.platform(async (tx) => {
    const { rows } = await tx.query<TenantRow & { member_count: number }>(
      `SELECT ${TENANT_COLUMNS.split(', ').map((c) => `t.${c}`).join(', ')},
              (SELECT count(*)::int FROM memberships m WHERE m.tenant_id = t.id) AS member_count
       FROM tenants t WHERE ($1::text IS NULL OR t.status = $1) ORDER BY t.created_at DESC, t.slug LIMIT $2 OFFSET $3`,
      [options.status ?? null, Math.min(Math.max(options.limit ?? 1000, 1), 10_000), Math.max(options.offset ?? 0, 0)],
    );
    return rows.map((r) => ({ ...summary(r), memberCount: r.member_count }));
  });
}

/** Finds a tenant by id or slug (platform scope); throws a bilingual 404 when there is none. */
export async function getTenant(db: Db, idOrSlug: string): Promise<TenantSummary> {
  const key = idOrSlug.trim();
  const rows = await db.platform(
    async (tx) =>
      (await tx.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE ${isUuid(key) ? 'id = $1::uuid' : 'slug = lower($1)'}`, [key])).rows,
  );
  if (!rows[0]) throw tenantNotFound(key);
  return summary(rows[0]);
}

function tenantNotFound(key: string): NotFoundError {
  return new NotFoundError(`Tenant not found: ${key.slice(0, 80)}`, `Không tìm thấy cửa hàng: ${key.slice(0, 80)}`, {
    details: { tenant: key.slice(0, 80) },
  });
}

/**
 * Suspends or resumes a tenant (by id or slug), with an audit entry. A suspended tenant's API keys,
 * widgets and logins stop working (the one-door functions return its status). 404 when unknown.
 */
export async function setTenantStatus(
  db: Db,
  idOrSlug: string,
  status: 'active' | 'suspended',
  actor: Actor = { kind: 'system' },
): Promise<TenantSummary> {
  const key = idOrSlug.trim();
  return db.platform(async (tx) => {
    const { rows } = await tx.query<TenantRow>(
      `UPDATE tenants SET status = $2, updated_at = now()
       WHERE ${isUuid(key) ? 'id = $1::uuid' : 'slug = lower($1)'} AND status <> 'deleted' RETURNING ${TENANT_COLUMNS}`,
      [key, status],
    );
    if (!rows[0]) throw tenantNotFound(key);
    await audit(tx, rows[0].id, actor, status === 'suspended' ? 'tenant.suspend' : 'tenant.resume', {});
    return summary(rows[0]);
  });
}

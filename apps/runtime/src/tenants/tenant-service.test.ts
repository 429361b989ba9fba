import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgliteDb } from '../db/pglite-db';
import { createTestPglite } from '../../test/helpers/pglite';
import { createUser } from '../users/user-service';
import { createApiKey, hashApiKey, resolveApiKey } from './api-key-service';
import { slugify } from './slug';
import { createTenantWithAdmin, getTenant, listTenants, setTenantStatus } from './tenant-service';

describe('slugify', () => {
  it('folds Vietnamese diacritics and đ', () => {
    expect(slugify('Cửa hàng Hoa Đào')).toBe('cua-hang-hoa-dao');
    expect(slugify('  Phở Bò — Hà Nội!! ')).toBe('pho-bo-ha-noi');
    expect(slugify('Ư')).toBe('shop-u');
    expect(slugify('???')).toBe('shop');
  });
});

describe('tenant, user and API key services (PGlite)', () => {
  let db: PgliteDb;
  beforeAll(async () => {
    db = await createTestPglite();
  });
  afterAll(() => db?.close());

  it('creates a tenant with its admin, deriving the slug, and suffixes a derived slug that is taken', async () => {
    const first = await createTenantWithAdmin(db, { name: 'Tiệm Bánh Mì Số 1', adminEmail: 'Chu@Example.com', adminPassword: 'banh-mi-ngon-2024' });
    expect(first.tenant).toMatchObject({ slug: 'tiem-banh-mi-so-1', status: 'active', plan: 'free' });
    expect(first.admin.email).toBe('chu@example.com');
    const second = await createTenantWithAdmin(db, { name: 'Tiệm bánh mì số 1', adminEmail: 'b@example.com', adminPassword: 'banh-mi-ngon-2024' });
    expect(second.tenant.slug).toBe('tiem-banh-mi-so-1-2');
    const members = await db.tenant(first.tenant.id, async (tx) => (await tx.query('SELECT role FROM memberships')).rows);
    expect(members).toEqual([{ role: 'tenant-admin' }]);
  });

  it('refuses an explicit duplicate slug, a taken e-mail and a weak password, bilingually', async () => {
    await expect(
      createTenantWithAdmin(db, { name: 'X', slug: 'tiem-banh-mi-so-1', adminEmail: 'c@example.com', adminPassword: 'banh-mi-ngon-2024' }),
    ).rejects.toMatchObject({ status: 409, code: 'slug_taken', messageVi: expect.stringContaining('Slug') });
    await expect(
      createTenantWithAdmin(db, { name: 'Y', adminEmail: 'chu@example.com', adminPassword: 'banh-mi-ngon-2024' }),
    ).rejects.toMatchObject({ status: 409, code: 'email_taken' });
    await expect(createTenantWithAdmin(db, { name: 'Z', adminEmail: 'z@example.com', adminPassword: 'short' })).rejects.toMatchObject({
      status: 400,
      messageVi: expect.stringContaining('Mật khẩu yếu'),
    });
    await expect(createTenantWithAdmin(db, { name: 'Z', slug: 'Bad Slug!', adminEmail: 'z@example.com', adminPassword: 'banh-mi-ngon-2024' })).rejects.toMatchObject({
      status: 400,
    });
    // Nothing half-created: the failed attempts left no tenant behind.
    expect((await listTenants(db)).map((t) => t.slug).sort()).toEqual(['tiem-banh-mi-so-1', 'tiem-banh-mi-so-1-2']);
  });

  it('suspends and resumes by id or slug; unknown tenants are 404', async () => {
    const t = await getTenant(db, 'tiem-banh-mi-so-1');
    expect((await setTenantStatus(db, t.id, 'suspended')).status).toBe('suspended');
    expect((await setTenantStatus(db, 'tiem-banh-mi-so-1', 'active')).status).toBe('active');
    await expect(setTenantStatus(db, '00000000-0000-4000-8000-000000000000', 'suspended')).rejects.toMatchObject({ status: 404 });
    await expect(getTenant(db, 'khong-co')).rejects.toMatchObject({ status: 404, messageVi: expect.stringContaining('Không tìm thấy') });
  });

  it('creates platform admins and API keys stored only as hashes', async () => {
    const admin = await createUser(db, { email: 'ops@example.com', password: 'van-hanh-an-toan', platformAdmin: true });
    expect(admin.isPlatformAdmin).toBe(true);
    const t = await getTenant(db, 'tiem-banh-mi-so-1');
    const created = await createApiKey(db, t.id, { name: 'website' });
    expect(created.key).toMatch(/^acb_[\w-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    const stored = await db.platform(async (tx) => (await tx.query<{ key_hash: string }>('SELECT key_hash FROM api_keys')).rows);
    expect(stored).toEqual([{ key_hash: hashApiKey(created.key) }]);
    expect(await resolveApiKey(db, created.key)).toEqual({ tenantId: t.id, apiKeyId: created.id, tenantStatus: 'active' });
    expect(await resolveApiKey(db, `${created.key}x`)).toBeUndefined();
    await expect(createApiKey(db, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });
});

import { randomBytes } from 'node:crypto';
import type { Db, Tx } from '../../src/db/types';

/** The ids one seeded tenant owns (one row in every tenant table). */
export interface SeededTenant {
  tenantId: string;
  slug: string;
  adminUserId: string;
  adminEmail: string;
  apiKeyId: string;
  connectionId: string;
  contactId: string;
  conversationId: string;
  messageId: string;
  documentId: string;
  faqId: string;
  productId: string;
  invitationId: string;
  trackedLinkId: string;
  /** A support ticket (migration 0025) with one message. */
  ticketId: string;
}

/** Two tenants with data in every tenant table: the cross-tenant fixture. */
export interface TwoTenants {
  a: SeededTenant;
  b: SeededTenant;
}

async function seedTenant(tx: Tx, label: string): Promise<SeededTenant> {
  const tag = `${label}-${randomBytes(3).toString('hex')}`;
  const one = async (sql: string, params: unknown[]): Promise<string> => {
    const { rows } = await tx.query<{ id: string }>(sql, params);
    return String(rows[0]!.id);
  };
  const tenantId = await one(`INSERT INTO tenants (name, slug) VALUES ($1, $2) RETURNING id`, [`Shop ${tag}`, `shop-${tag}`]);
  const adminEmail = `admin-${tag}@example.com`;
  const adminUserId = await one(`INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id`, [adminEmail]);
  await tx.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'tenant-admin')`, [tenantId, adminUserId]);
  const invitationId = await one(
    `INSERT INTO invitations (tenant_id, email, role, token_hash, expires_at) VALUES ($1, $2, 'tenant-agent', $3, now() + interval '1 day') RETURNING id`,
    [tenantId, `staff-${tag}@example.com`, `inv-${tag}`],
  );
  const apiKeyId = await one(
    `INSERT INTO api_keys (tenant_id, name, prefix, key_hash) VALUES ($1, 'seed', $2, $3) RETURNING id`,
    [tenantId, `acb_${tag}`.slice(0, 12), `hash-${tag}`],
  );
  await tx.query(`INSERT INTO tenant_secrets (tenant_id, name, ciphertext, key_id, hint) VALUES ($1, 'openai_api_key', 'v1:seed:x:y:z', 'seed', 'sk-…seed')`, [tenantId]);
  const connectionId = await one(
    `INSERT INTO channel_connections (tenant_id, type, name, external_account_id, public_key) VALUES ($1, 'web', 'Widget', $2, $3) RETURNING id`,
    [tenantId, `acct-${tag}`, `pk_${tag}`],
  );
  const contactId = await one(`INSERT INTO contacts (tenant_id, name) VALUES ($1, $2) RETURNING id`, [tenantId, `Khách ${tag}`]);
  await tx.query(
    `INSERT INTO contact_identities (tenant_id, contact_id, connection_id, channel, external_user_id) VALUES ($1, $2, $3, 'web', $4)`,
    [tenantId, contactId, connectionId, `visitor-${tag}`],
  );
  const conversationId = await one(
    `INSERT INTO conversations (tenant_id, contact_id, connection_id, channel, last_message_at) VALUES ($1, $2, $3, 'web', now()) RETURNING id`,
    [tenantId, contactId, connectionId],
  );
  const messageId = await one(
    `INSERT INTO messages (tenant_id, conversation_id, role, content) VALUES ($1, $2, 'customer', $3) RETURNING id`,
    [tenantId, conversationId, `Xin chào từ ${tag}`],
  );
  const documentId = await one(`INSERT INTO documents (tenant_id, name, status) VALUES ($1, 'faq.csv', 'ready') RETURNING id`, [tenantId]);
  const faqId = await one(
    `INSERT INTO faq_entries (tenant_id, document_id, question, answer) VALUES ($1, $2, 'Giờ mở cửa?', '8h-22h') RETURNING id`,
    [tenantId, documentId],
  );
  const productId = await one(
    `INSERT INTO products (tenant_id, document_id, sku, name, price_vnd) VALUES ($1, $2, 'SKU1', 'Áo thun', 150000) RETURNING id`,
    [tenantId, documentId],
  );
  await tx.query(`INSERT INTO usage_events (id, tenant_id, kind, tokens_in) VALUES ($1, $2, 'llm', 10)`, [`use-${tag}`, tenantId]);
  await tx.query(`INSERT INTO ledger_entries (tenant_id, kind, amount_vnd) VALUES ($1, 'topup', 100000)`, [tenantId]);
  // Billing tables (migration 0013); billing_wallets gets its row from the ledger trigger above.
  await tx.query(`INSERT INTO billing_accounts (tenant_id, monthly_cap_vnd) VALUES ($1, 500000)`, [tenantId]);
  await tx.query(`INSERT INTO billing_cycle_usage (tenant_id, cycle) VALUES ($1, '2026-11')`, [tenantId]);
  await tx.query(`INSERT INTO billing_reservations (tenant_id, cycle, idempotency_key, reserved_vnd) VALUES ($1, '2026-11', $2, 10)`, [tenantId, `res-${tag}`]);
  await tx.query(`INSERT INTO billing_alerts (tenant_id, kind, dedupe_key) VALUES ($1, 'budget', 'budget:2026-11:80')`, [tenantId]);
  await tx.query(
    `INSERT INTO billing_invoices (tenant_id, cycle, number, plan_id, total_vnd, lines, meters) VALUES ($1, '2026-10', $2, 'free', 0, '[]', '{}')`,
    [tenantId, `HD-${tag}`],
  );
  await tx.query(`INSERT INTO billing_payments (tenant_id, method, order_ref, amount_vnd) VALUES ($1, 'vietqr', $2, 50000)`, [tenantId, `NAP${tag}`]);
  await tx.query(`INSERT INTO external_events (tenant_id, source, external_id, payload) VALUES ($1, 'web', $2, '{}'::jsonb)`, [tenantId, `evt-${tag}`]);
  await tx.query(`INSERT INTO audit_log (tenant_id, action) VALUES ($1, 'seed')`, [tenantId]);
  // Support tickets (migration 0025).
  const ticketId = await one(`INSERT INTO support_tickets (tenant_id, subject) VALUES ($1, $2) RETURNING id`, [tenantId, `Hỗ trợ ${tag}`]);
  await tx.query(`INSERT INTO support_ticket_messages (tenant_id, ticket_id, author_kind, body) VALUES ($1, $2, 'tenant', 'Cần giúp đỡ')`, [tenantId, ticketId]);
  // Inbox tables (migration 0021).
  await tx.query(`INSERT INTO conversation_reads (tenant_id, conversation_id, user_id) VALUES ($1, $2, $3)`, [tenantId, conversationId, adminUserId]);
  await tx.query(`INSERT INTO inbox_events (tenant_id, conversation_id, type, payload) VALUES ($1, $2, 'note.created', '{}'::jsonb)`, [tenantId, conversationId]);
  // Analytics tables (migration 0022).
  const trackedLinkId = await one(
    `INSERT INTO tracked_links (tenant_id, code, name, target_url) VALUES ($1, $2, 'Đặt hàng', 'https://example.vn/dat-hang') RETURNING id`,
    [tenantId, `L${tag.replace(/[^A-Za-z0-9]/g, '')}`],
  );
  await tx.query(`INSERT INTO link_clicks (tenant_id, link_id, conversation_id) VALUES ($1, $2, $3)`, [tenantId, trackedLinkId, conversationId]);
  return {
    tenantId, slug: `shop-${tag}`, adminUserId, adminEmail, apiKeyId, connectionId, contactId, conversationId,
    messageId, documentId, faqId, productId, invitationId, trackedLinkId, ticketId,
  };
}

/**
 * Seeds two tenants, A and B, with one row in every tenant table each (in one platform
 * transaction). Tests then act as A and assert B's rows are invisible and untouchable. When a
 * migration adds a tenant table, add a row for it here: the RLS tests fail on an unseeded table.
 */
export async function seedTwoTenants(db: Db): Promise<TwoTenants> {
  return db.platform(async (tx) => ({ a: await seedTenant(tx, 'a'), b: await seedTenant(tx, 'b') }));
}

/** Every table (schema-qualified) that has a `tenant_id` column, from the catalog. */
export async function tenantTables(db: Db): Promise<string[]> {
  return db.platform(async (tx) => {
    const { rows } = await tx.query<{ table_name: string }>(
      `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'p')
         AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
       ORDER BY 1`,
    );
    return rows.map((r) => r.table_name);
  });
}

/**
 * The `channel_connections` rows of the provider channels: credentials encrypted with the
 * keyring, bound to tenant + connection by the AAD, decrypted only inside the runtime.
 */
import { NotFoundError } from '@agent-chatbot/core';
import type { Tx } from '../db/types';
import { connectionSecretAad, type SecretBox } from '../secrets/secret-box';
import type { ChannelType } from './channel-settings';

/** A connection's stored config with the provider's own key names (decrypted). */
export type ConnectionConfig = Record<string, unknown>;

/** A connection row without its ciphertexts. */
export interface ConnectionRow {
  id: string;
  tenantId: string;
  type: ChannelType;
  name: string;
  externalAccountId: string | null;
  verifyToken: string | null;
  status: 'active' | 'disabled' | 'error';
  lastEventAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  tokenExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A connection row with its decrypted config. */
export interface LoadedConnection extends ConnectionRow {
  config: ConnectionConfig;
}

interface DbRow {
  id: string;
  tenant_id: string;
  type: ChannelType;
  name: string;
  external_account_id: string | null;
  verify_token: string | null;
  status: ConnectionRow['status'];
  last_event_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  token_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  credentials_ciphertext: string | null;
}

const COLUMNS = `id, tenant_id, type, name, external_account_id, verify_token, status, last_event_at, last_error,
  last_error_at, token_expires_at, created_at, updated_at, credentials_ciphertext`;
const PROVIDER_TYPES = `type IN ('zalo', 'messenger', 'telegram', 'line')`;

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

function toRow(r: DbRow): ConnectionRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    type: r.type,
    name: r.name,
    externalAccountId: r.external_account_id,
    verifyToken: r.verify_token,
    status: r.status,
    lastEventAt: date(r.last_event_at),
    lastError: r.last_error,
    lastErrorAt: date(r.last_error_at),
    tokenExpiresAt: date(r.token_expires_at),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function decryptConfig(secretBox: SecretBox, r: DbRow): ConnectionConfig {
  if (!r.credentials_ciphertext) return {};
  return JSON.parse(secretBox.decrypt(r.credentials_ciphertext, connectionSecretAad(r.tenant_id, r.id, 'credentials'))) as ConnectionConfig;
}

const notFound = () => new NotFoundError('Channel connection not found', 'Không tìm thấy kết nối kênh');

/** Loads one connection of the transaction's tenant with its config; 404 when absent. */
export async function loadConnection(tx: Tx, secretBox: SecretBox, id: string, options: { forUpdate?: boolean } = {}): Promise<LoadedConnection> {
  const { rows } = await tx.query<DbRow>(
    `SELECT ${COLUMNS} FROM channel_connections WHERE id = $1 AND ${PROVIDER_TYPES}${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const row = rows[0];
  if (!row) throw notFound();
  return { ...toRow(row), config: decryptConfig(secretBox, row) };
}

/** A connection of any type the channel jobs deliver through: the provider channels or the web widget. */
export type AnyConnection = Omit<LoadedConnection, 'type'> & { type: ChannelType | 'web' };

/**
 * Loads one connection of the transaction's tenant, the web widget's included (delivery and
 * attachment jobs; the setup API sees provider connections only); 404 when absent.
 */
export async function loadAnyConnection(tx: Tx, secretBox: SecretBox, id: string): Promise<AnyConnection> {
  const { rows } = await tx.query<Omit<DbRow, 'type'> & { type: ChannelType | 'web' }>(`SELECT ${COLUMNS} FROM channel_connections WHERE id = $1`, [id]);
  const row = rows[0];
  if (!row) throw notFound();
  if (row.type === 'web') return { ...toRow({ ...row, type: 'zalo' }), type: 'web', config: {} };
  return { ...toRow({ ...row, type: row.type }), config: decryptConfig(secretBox, { ...row, type: row.type }) };
}

/** The tenant's provider connections, newest first (no config). */
export async function listConnections(tx: Tx): Promise<ConnectionRow[]> {
  const { rows } = await tx.query<DbRow>(`SELECT ${COLUMNS} FROM channel_connections WHERE ${PROVIDER_TYPES} ORDER BY created_at DESC`);
  return rows.map(toRow);
}

/** What {@link insertConnection} stores. */
export interface NewConnection {
  id: string;
  tenantId: string;
  type: ChannelType;
  name: string;
  config: ConnectionConfig;
  externalAccountId: string | null;
  verifyToken: string | null;
  tokenExpiresAt: Date | null;
}

/** Inserts a connection with its config encrypted (the id is generated first: it is in the AAD). */
export async function insertConnection(tx: Tx, secretBox: SecretBox, c: NewConnection): Promise<ConnectionRow> {
  const ciphertext = secretBox.encrypt(JSON.stringify(c.config), connectionSecretAad(c.tenantId, c.id, 'credentials'));
  const { rows } = await tx.query<DbRow>(
    `INSERT INTO channel_connections (id, tenant_id, type, name, external_account_id, credentials_ciphertext, key_id, verify_token, token_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [c.id, c.tenantId, c.type, c.name, c.externalAccountId, ciphertext, secretBox.currentKeyId, c.verifyToken, c.tokenExpiresAt],
  );
  return toRow(rows[0]!);
}

/** Fields {@link updateConnection} may change. */
export interface ConnectionChanges {
  name?: string;
  status?: ConnectionRow['status'];
  config?: ConnectionConfig;
  externalAccountId?: string | null;
  verifyToken?: string | null;
  tokenExpiresAt?: Date | null;
  /** Clears `last_error` (a successful test or token refresh). */
  clearError?: boolean;
  /** Leave `updated_at` alone (token rotation must not rebuild cached channels needlessly). */
  keepUpdatedAt?: boolean;
}

/** Updates a connection of the transaction's tenant; 404 when absent. */
export async function updateConnection(tx: Tx, secretBox: SecretBox, tenantId: string, id: string, changes: ConnectionChanges): Promise<ConnectionRow> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (changes.name !== undefined) set('name', changes.name);
  if (changes.status !== undefined) set('status', changes.status);
  if (changes.config !== undefined) {
    set('credentials_ciphertext', secretBox.encrypt(JSON.stringify(changes.config), connectionSecretAad(tenantId, id, 'credentials')));
    set('key_id', secretBox.currentKeyId);
  }
  if (changes.externalAccountId !== undefined) set('external_account_id', changes.externalAccountId);
  if (changes.verifyToken !== undefined) set('verify_token', changes.verifyToken);
  if (changes.tokenExpiresAt !== undefined) set('token_expires_at', changes.tokenExpiresAt);
  if (changes.clearError) sets.push('last_error = NULL', 'last_error_at = NULL');
  if (!changes.keepUpdatedAt) sets.push('updated_at = now()');
  if (sets.length === 0) sets.push('id = id');
  const { rows } = await tx.query<DbRow>(`UPDATE channel_connections SET ${sets.join(', ')} WHERE id = $1 AND ${PROVIDER_TYPES} RETURNING ${COLUMNS}`, params);
  if (!rows[0]) throw notFound();
  return toRow(rows[0]);
}

/** Deletes a connection; 404 when absent. Conversations keep their history (connection set null). */
export async function deleteConnection(tx: Tx, id: string): Promise<void> {
  const { rowCount } = await tx.query(`DELETE FROM channel_connections WHERE id = $1 AND ${PROVIDER_TYPES}`, [id]);
  if (rowCount === 0) throw notFound();
}

/**
 * Records a provider problem for the health view. `flag` also sets status `error` (a dead token:
 * the dashboard shows the channel needs attention); `updated_at` is untouched on purpose.
 */
export async function recordConnectionError(tx: Tx, id: string, message: string, flag: boolean): Promise<void> {
  await tx.query(
    `UPDATE channel_connections SET last_error = $2, last_error_at = now()${flag ? `, status = 'error'` : ''} WHERE id = $1`,
    [id, message.slice(0, 1000)],
  );
}

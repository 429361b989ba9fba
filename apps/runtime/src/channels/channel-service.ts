/**
 * Channel setup for the API and the CLI: add (validate, encrypt, register the webhook with the
 * provider), edit, test, and the masked JSON shape every response uses. Credentials never leave
 * the runtime: responses show non-secret ids and masked values only.
 */
import { generateMessengerVerifyToken } from '@agent-chatbot/channel-messenger';
import { generateTelegramSecretToken } from '@agent-chatbot/channel-telegram';
import { AgentChatbotError, ConflictError, ProviderError, ValidationError } from '@agent-chatbot/core';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { maskSecret } from '../secrets/secret-box';
import type { ChannelSetup } from './channel-context';
import { buildChannel, type ProviderChannel } from './channel-factory';
import { CHANNEL_TYPES, type ChannelType } from './channel-settings';
import {
  deleteConnection,
  insertConnection,
  loadConnection,
  recordConnectionError,
  updateConnection,
  type ConnectionConfig,
  type ConnectionRow,
} from './connection-store';
import { createConnectionZaloTokenStore } from './zalo-token-store';

/** Config keys that are identifiers, not secrets (shown as they are). */
const PUBLIC_KEYS = new Set(['app_id', 'oa_id', 'page_id', 'access_token_expires_at', 'refresh_token_expires_at']);

/** Body of `POST /v1/tenant/channels` and of `channel add`. */
export const addChannelSchema = z
  .object({
    type: z.enum(CHANNEL_TYPES),
    name: z.string().trim().max(100).optional(),
    config: z.record(z.string(), z.unknown()),
  })
  .strict();

/** Body of `PATCH /v1/tenant/channels/:id`: `config` keys are merged (null removes a key). */
export const updateChannelSchema = z
  .object({
    name: z.string().trim().max(100).optional(),
    status: z.enum(['active', 'disabled']).optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The masked view of a connection every response uses. */
export interface ChannelJson {
  id: string;
  type: ChannelType;
  name: string;
  status: string;
  external_account_id: string | null;
  webhook_url: string;
  verify_token?: string;
  config: Record<string, string>;
  health: { last_event_at: string | null; last_error: string | null; last_error_at: string | null; token_expires_at: string | null };
  created_at: string;
  updated_at: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Masks a config: identifiers shown, every other value reduced to `…last4` (or `••••`). */
export function maskConfig(config: ConnectionConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [k, PUBLIC_KEYS.has(k) ? String(v) : typeof v === 'string' ? maskSecret(v) : '••••']),
  );
}

/** The JSON of one connection (config masked). */
export function channelJson(context: ChannelSetup, row: ConnectionRow, config: ConnectionConfig): ChannelJson {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    status: row.status,
    external_account_id: row.externalAccountId,
    webhook_url: context.webhookUrl(row.type, row.id),
    ...(row.type === 'messenger' && row.verifyToken ? { verify_token: row.verifyToken } : {}),
    config: maskConfig(config),
    health: { last_event_at: iso(row.lastEventAt), last_error: row.lastError, last_error_at: iso(row.lastErrorAt), token_expires_at: iso(row.tokenExpiresAt) },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function accountIdOf(type: ChannelType, config: ConnectionConfig): string | null {
  if (type === 'zalo' && typeof config.oa_id === 'string') return config.oa_id;
  if (type === 'messenger' && typeof config.page_id === 'string') return config.page_id;
  if (type === 'telegram' && typeof config.bot_token === 'string') return config.bot_token.split(':')[0] ?? null;
  return null;
}

function tokenExpiry(config: ConnectionConfig): Date | null {
  const v = config.access_token_expires_at;
  if (typeof v !== 'string') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

const isUniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

function providerFailure(type: ChannelType, step: string, error: unknown): AgentChatbotError {
  if (error instanceof AgentChatbotError) return error;
  return new ProviderError({
    provider: type,
    message: `${step} failed: ${error instanceof Error ? error.message : String(error)}`,
    messageVi: `Nhà cung cấp từ chối bước "${step}"`,
    cause: error,
  });
}

/** Validates a config by building the channel (the package's 400 names the bad keys). */
function validated(context: ChannelSetup, type: ChannelType, config: ConnectionConfig): ProviderChannel {
  return buildChannel(type, config, context.providers, context.fetch ? { fetch: context.fetch } : {});
}

/**
 * Adds a channel: generates the id (it is in the credentials' AAD), fills generated secrets
 * (Messenger verify token, Telegram secret token), stores the encrypted config, then registers
 * with the provider (Telegram setWebhook, Messenger subscribePage). If the provider refuses,
 * the row is removed again and the error is returned.
 */
export async function addChannel(context: ChannelSetup, tenantId: string, input: z.input<typeof addChannelSchema>): Promise<ChannelJson> {
  const body = addChannelSchema.parse(input);
  const runtime = context;
  const id = randomUUID();
  const config: ConnectionConfig = { ...body.config };
  if (body.type === 'messenger' && !config.verify_token) config.verify_token = generateMessengerVerifyToken();
  if (body.type === 'telegram' && !config.secret_token) config.secret_token = generateTelegramSecretToken();
  const channel = validated(context, body.type, config);
  let row: ConnectionRow;
  try {
    row = await runtime.db.tenant(tenantId, (tx) =>
      insertConnection(tx, runtime.secretBox, {
        id,
        tenantId,
        type: body.type,
        name: body.name ?? `${body.type} ${accountIdOf(body.type, config) ?? ''}`.trim(),
        config,
        externalAccountId: accountIdOf(body.type, config),
        verifyToken: body.type === 'messenger' ? String(config.verify_token) : null,
        tokenExpiresAt: tokenExpiry(config),
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError('This account is already connected', 'Tài khoản này đã được kết nối ở một kênh khác', { code: 'channel_account_taken' });
    }
    throw error;
  }
  try {
    if (body.type === 'telegram' && 'setWebhook' in channel) {
      const telegram = channel as ProviderChannel & { setWebhook(url: string, o?: { secretToken?: string }): Promise<{ secretToken: string }> };
      await telegram.setWebhook(context.webhookUrl('telegram', id), { secretToken: String(config.secret_token) });
    }
    if (body.type === 'messenger' && 'subscribePage' in channel) {
      await (channel as ProviderChannel & { subscribePage(): Promise<void> }).subscribePage();
    }
  } catch (error) {
    await runtime.db.tenant(tenantId, (tx) => deleteConnection(tx, id)).catch(() => {});
    throw providerFailure(body.type, body.type === 'telegram' ? 'setWebhook' : 'subscribePage', error);
  } finally {
    await channel.disconnect?.().catch(() => {});
  }
  return channelJson(context, row, config);
}

/** Lists the tenant's connections (masked). */
export async function listChannels(context: ChannelSetup, tenantId: string): Promise<ChannelJson[]> {
  const runtime = context;
  return runtime.db.tenant(tenantId, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(`SELECT id FROM channel_connections WHERE type IN ('zalo', 'messenger', 'telegram', 'line') ORDER BY created_at DESC`);
    const out: ChannelJson[] = [];
    for (const { id } of rows) {
      const c = await loadConnection(tx, runtime.secretBox, id);
      out.push(channelJson(context, c, c.config));
    }
    return out;
  });
}

/** One connection (masked); 404 when it is not the tenant's. */
export async function getChannel(context: ChannelSetup, tenantId: string, id: string): Promise<ChannelJson> {
  const c = await context.db.tenant(tenantId, (tx) => loadConnection(tx, context.secretBox, id));
  return channelJson(context, c, c.config);
}

/**
 * Edits name, status or config keys (merged; null removes). The new config is validated first;
 * a Telegram bot always keeps a secret token, and a changed token or secret is registered again
 * with setWebhook (a refusal is recorded in the channel's health and returned as the error).
 */
export async function updateChannel(context: ChannelSetup, tenantId: string, id: string, input: z.input<typeof updateChannelSchema>): Promise<ChannelJson> {
  const body = updateChannelSchema.parse(input);
  const runtime = context;
  let reregister: ProviderChannel | undefined;
  let result: ChannelJson;
  try {
    result = await runtime.db.tenant(tenantId, async (tx) => {
      const current = await loadConnection(tx, runtime.secretBox, id, { forUpdate: true });
      let config = current.config;
      if (body.config) {
        config = { ...current.config };
        for (const [k, v] of Object.entries(body.config)) {
          if (v === null) delete config[k];
          else config[k] = v;
        }
        // Without a secret token anyone could post updates to a Telegram webhook.
        if (current.type === 'telegram' && !config.secret_token) config.secret_token = generateTelegramSecretToken();
        const channel = validated(context, current.type, config);
        if (current.type === 'telegram' && (config.bot_token !== current.config.bot_token || config.secret_token !== current.config.secret_token)) reregister = channel;
        else await channel.disconnect?.().catch(() => {});
      }
      const row = await updateConnection(tx, runtime.secretBox, tenantId, id, {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.status ? { status: body.status } : {}),
        ...(body.config
          ? {
              config,
              externalAccountId: accountIdOf(current.type, config),
              ...(current.type === 'messenger' ? { verifyToken: String(config.verify_token) } : {}),
              ...(current.type === 'zalo' ? { tokenExpiresAt: tokenExpiry(config) } : {}),
              clearError: true,
            }
          : {}),
      });
      return channelJson(context, row, config);
    });
  } catch (error) {
    await reregister?.disconnect?.().catch(() => {});
    if (isUniqueViolation(error)) {
      throw new ConflictError('This account is already connected', 'Tài khoản này đã được kết nối ở một kênh khác', { code: 'channel_account_taken' });
    }
    throw error;
  }
  context.evict(id);
  if (reregister) {
    const telegram = reregister as ProviderChannel & { setWebhook(url: string): Promise<{ secretToken: string }> };
    try {
      await telegram.setWebhook(context.webhookUrl('telegram', id));
    } catch (error) {
      const failure = providerFailure('telegram', 'setWebhook', error);
      await runtime.db.tenant(tenantId, (tx) => recordConnectionError(tx, id, `setWebhook: ${failure.message}`, false));
      throw failure;
    } finally {
      await telegram.disconnect?.().catch(() => {});
    }
  }
  return result;
}

/** Removes a connection (its conversations stay, unlinked). */
export async function removeChannel(context: ChannelSetup, tenantId: string, id: string): Promise<void> {
  await context.db.tenant(tenantId, (tx) => deleteConnection(tx, id));
  context.evict(id);
}

/** Checks the credentials with the provider and records the outcome in the health fields. */
export async function testChannel(context: ChannelSetup, tenantId: string, id: string): Promise<{ ok: boolean; details?: string }> {
  const runtime = context;
  const connection = await runtime.db.tenant(tenantId, (tx) => loadConnection(tx, runtime.secretBox, id));
  const channel = buildChannel(connection.type, connection.config, context.providers, {
    ...(context.fetch ? { fetch: context.fetch } : {}),
    ...(connection.type === 'zalo' ? { tokenStore: createConnectionZaloTokenStore(runtime.db, runtime.secretBox, tenantId, id) } : {}),
  });
  if (!channel.testConnection) return { ok: true, details: 'Kênh này không hỗ trợ kiểm tra / This channel has no connection test' };
  let outcome: { ok: boolean; details?: string };
  try {
    outcome = await channel.testConnection();
  } catch (error) {
    outcome = { ok: false, details: error instanceof Error ? error.message : String(error) };
  } finally {
    await channel.disconnect?.().catch(() => {});
  }
  await runtime.db.tenant(tenantId, async (tx) => {
    if (outcome.ok) await tx.query(`UPDATE channel_connections SET last_error = NULL, last_error_at = NULL, status = CASE WHEN status = 'error' THEN 'active' ELSE status END WHERE id = $1`, [id]);
    else await recordConnectionError(tx, id, `test_failed: ${outcome.details ?? 'unknown'}`, false);
  });
  return outcome;
}

/** Throws a 400 for an unknown channel type (CLI input). */
export function parseChannelType(value: string | undefined): ChannelType {
  if (value && (CHANNEL_TYPES as readonly string[]).includes(value)) return value as ChannelType;
  throw new ValidationError(`--type must be one of ${CHANNEL_TYPES.join(', ')}`, `--type phải là một trong ${CHANNEL_TYPES.join(', ')}`);
}

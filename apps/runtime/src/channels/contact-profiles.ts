/**
 * Customer profiles from the provider, fetched once per customer and connection: the name and
 * picture agents see in the inbox. Zalo `GET /v3.0/oa/user/detail`, Messenger
 * `GET /<PSID>?fields=first_name,last_name,profile_pic`, LINE `GET /v2/bot/profile/<userId>`;
 * Telegram needs no call (the update carries the name, stored with the contact). Best effort:
 * runs after the reply is queued, under a short deadline, and a failure only means the contact
 * stays unnamed until the next try (not before an hour: the result is cached either way).
 */
import type { ChannelContext } from './channel-context';
import type { ProviderChannel } from './channel-factory';
import type { StoredEvent } from './inbound-events';

/** A provider profile. */
export interface ContactProfile {
  displayName: string;
  avatar?: string;
}

type ProfileSource = { getUserProfile(userId: string): Promise<ContactProfile | undefined> };

const hasProfiles = (channel: ProviderChannel): channel is ProviderChannel & ProfileSource =>
  typeof (channel as Partial<ProfileSource>).getUserProfile === 'function';

/** Whether this provider can be asked for the profile of `event`'s sender. */
export function canFetchProfile(channel: ProviderChannel, event: Pick<StoredEvent, 'conversationId' | 'sender'>): boolean {
  if (!hasProfiles(channel)) return false;
  // Zalo anonymous chats have no UID, hence no profile; LINE groups and rooms name no single user.
  if (channel.platform === 'zalo' && event.conversationId.includes(':anon:')) return false;
  if (channel.platform === 'line' && !event.sender.id.startsWith('U')) return false;
  return true;
}

/** How long a fetched (or failed) profile is not asked for again. */
const SUCCESS_TTL_MS = 24 * 3600_000;
const FAILURE_TTL_MS = 3600_000;
/** The provider call's deadline (the reply is already queued; this only delays the job's end). */
const DEADLINE_MS = 3_000;

/**
 * Fetches and stores the sender's profile if the contact has no name yet: `contacts.name` (when
 * empty), `contact_identities.display_name`, and `contacts.attributes.avatar_url`. Never throws.
 * Returns what it stored, or undefined.
 */
export async function refreshContactProfile(
  context: ChannelContext,
  tenantId: string,
  connectionId: string,
  event: Pick<StoredEvent, 'conversationId' | 'sender'>,
): Promise<ContactProfile | undefined> {
  const { runtime } = context;
  const userId = event.sender.id;
  const key = `contact-profile:${connectionId}:${userId}`;
  try {
    if (await runtime.cache.get(key)) return undefined;
    const known = await runtime.db.tenant(tenantId, async (tx) => {
      const { rows } = await tx.query<{ display_name: string | null; avatar: string | null }>(
        `SELECT i.display_name, c.attributes->>'avatar_url' AS avatar FROM contact_identities i JOIN contacts c ON c.id = i.contact_id
         WHERE i.connection_id = $1 AND i.external_user_id = $2`,
        [connectionId, userId],
      );
      return rows[0];
    });
    // No contact yet (nothing to attach a profile to), or one already named with a picture.
    if (!known || (known.display_name && known.avatar)) {
      await runtime.cache.set(key, 1, { ttlMs: SUCCESS_TTL_MS });
      return undefined;
    }
    const { channel } = await context.openChannel(tenantId, connectionId);
    if (!canFetchProfile(channel, event) || !hasProfiles(channel)) {
      await runtime.cache.set(key, 1, { ttlMs: SUCCESS_TTL_MS });
      return undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    const profile = await Promise.race([
      channel.getUserProfile(userId).catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), DEADLINE_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!profile?.displayName) {
      await runtime.cache.set(key, 1, { ttlMs: FAILURE_TTL_MS });
      return undefined;
    }
    const displayName = profile.displayName.slice(0, 200);
    const avatar = profile.avatar && /^https?:\/\//.test(profile.avatar) ? profile.avatar.slice(0, 2000) : undefined;
    await runtime.db.tenant(tenantId, async (tx) => {
      const { rows } = await tx.query<{ contact_id: string }>(
        'UPDATE contact_identities SET display_name = $3 WHERE connection_id = $1 AND external_user_id = $2 RETURNING contact_id',
        [connectionId, userId, displayName],
      );
      const contactId = rows[0]?.contact_id;
      if (!contactId) return;
      await tx.query(
        `UPDATE contacts SET name = COALESCE(NULLIF(name, ''), $2),
           attributes = attributes || jsonb_strip_nulls(jsonb_build_object('avatar_url', $3::text, 'profile_fetched_at', now())), updated_at = now()
         WHERE id = $1`,
        [contactId, displayName, avatar ?? null],
      );
    });
    await runtime.cache.set(key, 1, { ttlMs: SUCCESS_TTL_MS });
    return { displayName, ...(avatar ? { avatar } : {}) };
  } catch (error) {
    runtime.logger.warn({ tenantId, connectionId, err: error instanceof Error ? error.message : String(error) }, 'contact profile not fetched');
    return undefined;
  }
}

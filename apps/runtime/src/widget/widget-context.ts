/**
 * What the widget shares inside one runtime process: the realtime hub (over `runtime.pubsub`, so
 * Redis fans events out across replicas when `REDIS_URL` is set, in-memory otherwise), the
 * visitor-token secret (derived from the JWT secret, the same on every replica), the cached
 * public-key lookup and the message history used when a reconnect is not in the hub's buffer.
 *
 * The API server (SSE, visitor messages) and the channel jobs (delivery publishes replies) of one
 * process use the same context: {@link widgetContextOf} keeps one per runtime.
 */
import { createHmac, randomBytes } from 'node:crypto';
import {
  createRealtimeHub,
  createWebChannel,
  decodeWebConversationId,
  type RealtimeHub,
  type RealtimeMessageEvent,
  type StoreUpload,
  type WebChannel,
} from '@agent-chatbot/channel-web';
import type { Runtime } from '../runtime';
import { createStorage, type ObjectStorage } from '../storage/index';
import { resolveWidgetByKey, type ResolvedWidget } from './widget-store';

/** How long a resolved public key is reused (edits in this process evict at once). */
const RESOLVE_TTL_MS = 5_000;
/** Messages the history returns at most (a session's first page and long-absence reconnects). */
const HISTORY_LIMIT = 100;

/** The widget state of one runtime process. */
export interface WidgetContext {
  readonly runtime: Runtime;
  /** Realtime fan-out for every web conversation of every tenant. */
  readonly hub: RealtimeHub;
  /** Signs visitor tokens (HMAC of the JWT secret: equal on every replica). */
  readonly tokenSecret: string;
  /** An enabled widget of an active tenant, cached for a few seconds. */
  resolve(publicKey: string): Promise<ResolvedWidget | undefined>;
  /** Forgets a cached key after an edit. */
  evict(publicKey: string): void;
  /** Stores a visitor's image in the tenant's storage; the URL is served by the widget router. */
  readonly storeUpload: StoreUpload;
  /** The tenant storage (opened lazily). */
  storage(): ObjectStorage;
  /** Builds the web channel of one connection (the channel feature caches and initialises it). */
  createChannel(): WebChannel;
  close(): Promise<void>;
}

const contexts = new WeakMap<Runtime, WidgetContext>();

/** The widget context of a runtime (created on first use). */
export function widgetContextOf(runtime: Runtime): WidgetContext {
  let context = contexts.get(runtime);
  if (!context) {
    context = createWidgetContext(runtime);
    contexts.set(runtime, context);
  }
  return context;
}

/** The visitor-token secret of a runtime. */
export function visitorTokenSecret(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret).update('acb-widget-visitor-token-v1').digest('base64url');
}

/** The timestamp (ms) encoded in a hub event id (`<ms base36>-<instance>-<seq>`), or NaN. */
export function hubIdTime(id: string): number {
  const head = id.split('-')[0] ?? '';
  return /^[0-9a-z]{6,12}$/.test(head) ? parseInt(head, 36) : Number.NaN;
}

type Attachment = NonNullable<RealtimeMessageEvent['attachments']>[number];

interface HistoryRow {
  id: string;
  role: 'customer' | 'bot' | 'agent';
  content: string;
  attachments: unknown;
  quick_replies: unknown;
  external_id: string | null;
  created_at: Date | string;
  event_at: string | null;
}

function createWidgetContext(runtime: Runtime): WidgetContext {
  const cache = new Map<string, { expires: number; value: Promise<ResolvedWidget | undefined> }>();
  let storage: ObjectStorage | undefined;
  const openStorage = () => (storage ??= createStorage(runtime.config));

  async function resolve(publicKey: string): Promise<ResolvedWidget | undefined> {
    const now = Date.now();
    const hit = cache.get(publicKey);
    if (hit && hit.expires > now) return hit.value;
    const value = resolveWidgetByKey(runtime.db, runtime.secretBox, publicKey).then((found) => (found && found.tenantStatus === 'active' ? found : undefined));
    cache.set(publicKey, { expires: now + RESOLVE_TTL_MS, value });
    value.catch(() => cache.delete(publicKey));
    if (cache.size > 10_000) for (const [key, entry] of cache) if (entry.expires <= now) cache.delete(key);
    return value;
  }

  /**
   * Stored messages of a web conversation as realtime events: the customer's (id `v-<uuid>`, time
   * of the inbound event) and delivered bot/agent replies (the hub id the delivery published them
   * under, kept in `external_id` as `out:<id>`, with their quick replies), so ids and buttons
   * match what live clients already saw.
   */
  async function history(conversationId: string, afterId: string | undefined): Promise<RealtimeMessageEvent[]> {
    const { publicKey, conversation } = decodeWebConversationId(conversationId);
    const found = await resolve(publicKey);
    if (!found) return [];
    const rows = await runtime.db.tenant(found.tenantId, async (tx) =>
      (
        await tx.query<HistoryRow>(
          `SELECT m.id, m.role, m.content, m.attachments, m.quick_replies, m.external_id, m.created_at, e.payload -> 'event' ->> 'timestamp' AS event_at
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
           LEFT JOIN external_events e ON m.role = 'customer' AND e.source = 'web:' || c.connection_id::text AND e.external_id = m.external_id
           WHERE c.channel = 'web' AND c.connection_id = $1 AND c.external_conversation_id = $2
             AND (m.role = 'customer' OR (m.role IN ('bot', 'agent') AND m.delivery_status IN ('sent', 'delivered') AND m.external_id LIKE 'out:%'))
           ORDER BY m.created_at DESC LIMIT ${HISTORY_LIMIT}`,
          [found.connectionId, conversationId],
        )
      ).rows,
    );
    const events = rows.map((row) => {
      const hubId = row.role !== 'customer' && row.external_id?.startsWith('out:') ? row.external_id.slice(4) : undefined;
      const at = hubId !== undefined && !Number.isNaN(hubIdTime(hubId)) ? hubIdTime(hubId) : new Date(row.event_at ?? row.created_at).getTime();
      const clientId = row.role === 'customer' && row.external_id?.startsWith(`${conversation}:`) ? row.external_id.slice(conversation.length + 1) : undefined;
      const attachments = (Array.isArray(row.attachments) ? row.attachments : [])
        .filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null && typeof a['type'] === 'string')
        .map((a): Attachment => ({
          type: String(a['type']),
          ...(typeof a['url'] === 'string' ? { url: a['url'] } : {}),
          ...(typeof a['mimeType'] === 'string' ? { mimeType: a['mimeType'] } : {}),
          ...(typeof a['name'] === 'string' ? { name: a['name'] } : {}),
          ...(typeof a['size'] === 'number' ? { size: a['size'] } : {}),
        }));
      // A reply's buttons come back with it: the widget shows those of the latest reply again.
      const quickReplies = row.role !== 'customer' && Array.isArray(row.quick_replies) ? row.quick_replies.filter((q): q is string => typeof q === 'string' && q.length > 0) : [];
      const event: RealtimeMessageEvent = {
        type: 'message',
        id: hubId ?? `v-${row.id}`,
        conversationId,
        role: row.role === 'customer' ? 'visitor' : row.role,
        ...(row.content ? { text: row.content } : {}),
        ...(attachments.length ? { attachments } : {}),
        ...(quickReplies.length ? { quickReplies } : {}),
        ...(clientId ? { clientId } : {}),
        createdAt: new Date(at).toISOString(),
      };
      return { at, event };
    });
    events.sort((a, b) => a.at - b.at);
    if (afterId === undefined) return events.map((e) => e.event);
    const known = events.find((e) => e.event.id === afterId);
    const after = known ? known.at : hubIdTime(afterId);
    // An id we cannot place (foreign or malformed): send everything; clients drop ids they showed.
    if (Number.isNaN(after)) return events.map((e) => e.event);
    return events.filter((e) => e.at > after && e.event.id !== afterId).map((e) => e.event);
  }

  const hub = createRealtimeHub({ pubsub: runtime.pubsub, channel: 'acb:widget:events', history });
  // Channels are cached per connection and disconnected on edits: they must not close the shared hub.
  const sharedHub: RealtimeHub = { ...hub, close: async () => {} };
  const tokenSecret = visitorTokenSecret(runtime.config.jwtSecret);

  const storeUpload: StoreUpload = async ({ bytes, mimeType, conversationId }) => {
    const { publicKey, conversation } = decodeWebConversationId(conversationId);
    const found = await resolve(publicKey);
    if (!found) throw new Error('widget not found');
    const extension = mimeType.split('/')[1] ?? 'bin';
    const name = `${randomBytes(12).toString('base64url')}.${extension}`;
    await openStorage().put(found.tenantId, `widget-uploads/${conversation}/${name}`, bytes, { contentType: mimeType });
    return { url: `${runtime.config.publicUrl}/widget-api/uploads/${publicKey}/${conversation}/${name}` };
  };

  return {
    runtime,
    hub,
    tokenSecret,
    resolve,
    evict: (publicKey) => void cache.delete(publicKey),
    storeUpload,
    storage: openStorage,
    createChannel: () => createWebChannel({ hub: sharedHub, tokenSecret }),
    async close() {
      await hub.close();
      await storage?.close();
      contexts.delete(runtime);
    },
  };
}

/**
 * Copies what customers send (images, files, voice, video) from the provider into the tenant's
 * storage, because provider URLs expire (Zalo and Meta CDN links) or carry the bot token
 * (Telegram). The provider reference stays on the attachment; `storage_key` is added when the
 * copy succeeded, `store_error` when it did not (the agent still sees what was sent).
 */
import type { Runtime } from '../runtime';
import { createStorage, safeFileName, type ObjectStorage } from '../storage/index';
import type { ProviderChannel } from './channel-factory';
import type { StoredEvent } from './inbound-events';

type Attachment = NonNullable<NonNullable<StoredEvent['message']>['attachments']>[number];

/** Largest attachment copied (bigger ones keep only the provider reference). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
const COPIED = new Set(['image', 'file', 'audio', 'video']);

async function readLimited(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit) return undefined;
  const bytes = new Uint8Array(await response.arrayBuffer());
  return bytes.byteLength > limit ? undefined : bytes;
}

/** Creates the attachment copier of a runtime (one storage client, opened lazily). */
export function createAttachmentStore(runtime: Pick<Runtime, 'config' | 'db' | 'logger'>): {
  store(channel: ProviderChannel, tenantId: string, messageId: string, attachments: readonly Attachment[]): Promise<void>;
  close(): Promise<void>;
} {
  let storage: ObjectStorage | undefined;
  return {
    async store(channel, tenantId, messageId, attachments) {
      if (!channel.fetchAttachment || !attachments.some((a) => COPIED.has(a.type) && a.url)) return;
      storage ??= createStorage(runtime.config);
      const out: Array<Record<string, unknown>> = [];
      for (const [index, a] of attachments.entries()) {
        if (!COPIED.has(a.type) || !a.url) {
          out.push({ ...a });
          continue;
        }
        try {
          const response = await channel.fetchAttachment(a.url);
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const bytes = await readLimited(response, MAX_ATTACHMENT_BYTES);
          if (!bytes) {
            out.push({ ...a, store_error: 'too_large' });
            continue;
          }
          const contentType = a.mimeType ?? response.headers.get('content-type') ?? 'application/octet-stream';
          const key = `attachments/${messageId}/${index}-${safeFileName(a.name ?? a.type)}`;
          await storage.put(tenantId, key, bytes, { contentType });
          out.push({ ...a, storage_key: key, size: bytes.byteLength, mimeType: contentType });
        } catch (error) {
          runtime.logger.warn({ tenantId, messageId, type: a.type, err: error instanceof Error ? error.message : String(error) }, 'attachment copy failed');
          out.push({ ...a, store_error: 'download_failed' });
        }
      }
      await runtime.db.tenant(tenantId, (tx) => tx.query('UPDATE messages SET attachments = $2 WHERE id = $1', [messageId, JSON.stringify(out)]));
    },
    async close() {
      await storage?.close();
    },
  };
}

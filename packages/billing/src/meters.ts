import type { KeySourceV1 } from '@agent-chatbot/core';

/**
 * One row of the runtime's `usage_events` table, as the meters read it. The runtime records:
 * `llm` / `embedding` through the meter, one `message` event per bot reply (with its
 * conversation), and a `storage` event with the tenant's current bytes in `quantity` when
 * knowledge changes.
 */
export interface UsageRow {
  /** What was used. */
  readonly kind: 'llm' | 'embedding' | 'chat' | 'message' | 'storage';
  /** LLM or embedding provider, for model usage. */
  readonly provider?: string | null;
  /** Model id, for model usage. */
  readonly model?: string | null;
  /** Whose key paid (`own` or `platform`). */
  readonly keySource?: KeySourceV1 | null;
  /** Whether the event counts towards the bill (default true). */
  readonly billable?: boolean;
  /** Input tokens. */
  readonly tokensIn: number;
  /** Output tokens. */
  readonly tokensOut: number;
  /** Count for non-token meters (chats, messages, bytes). */
  readonly quantity: number;
  /** Cost in integer VND. */
  readonly costVnd: number;
  /** Conversation the usage belongs to (counts chats). */
  readonly conversationId?: string | null;
  /** When it happened (picks the cycle). */
  readonly occurredAt: Date;
}

/** Tokens used with one model through one key source. */
export interface ModelTokenMeter {
  /** Provider. */
  readonly provider: string;
  /** Model id. */
  readonly model: string;
  /** Whose key paid. */
  readonly keySource: KeySourceV1;
  /** Input tokens in the cycle. */
  readonly tokensIn: number;
  /** Output tokens in the cycle. */
  readonly tokensOut: number;
  /** Billed VND (platform key only; own-key usage is 0). */
  readonly costVnd: number;
}

/** A tenant's meters for one billing cycle. */
export interface UsageMeters {
  /** Conversations with at least one bot reply in the cycle. */
  readonly chats: number;
  /** Bot replies in the cycle. */
  readonly messages: number;
  /** Tokens per model and key source. */
  readonly models: readonly ModelTokenMeter[];
  /** Embedding tokens in the cycle. */
  readonly embeddingTokens: number;
  /** Latest reported storage in bytes (0 when none was reported). */
  readonly storageBytes: number;
  /** Sum of billed platform-key usage in VND. */
  readonly platformCostVnd: number;
}

/**
 * Aggregates usage rows that fall in `[start, end)` into meters. A `chat` row counts its
 * conversation as a chat too (for runtimes that record chats directly), deduplicated with
 * `message` rows of the same conversation.
 */
export function computeUsageMeters(rows: Iterable<UsageRow>, range: { start: Date; end: Date }): UsageMeters {
  const conversations = new Set<string>();
  const models = new Map<string, { provider: string; model: string; keySource: KeySourceV1; tokensIn: number; tokensOut: number; costVnd: number }>();
  let messages = 0;
  let embeddingTokens = 0;
  let storage: { at: number; bytes: number } | undefined;
  let platformCostVnd = 0;
  for (const row of rows) {
    const at = row.occurredAt.getTime();
    if (at < range.start.getTime() || at >= range.end.getTime()) continue;
    switch (row.kind) {
      case 'message':
        messages += 1;
        if (row.conversationId) conversations.add(row.conversationId);
        break;
      case 'chat':
        if (row.conversationId) conversations.add(row.conversationId);
        break;
      case 'storage':
        if (storage === undefined || at >= storage.at) storage = { at, bytes: row.quantity };
        break;
      case 'embedding':
      case 'llm': {
        // Embeddings count in their own meter and are also listed per model and key source.
        if (row.kind === 'embedding') embeddingTokens += row.quantity || row.tokensIn;
        const keySource = row.keySource ?? 'platform';
        const key = `${row.provider ?? ''}\u0000${row.model ?? ''}\u0000${keySource}`;
        const entry = models.get(key) ?? { provider: row.provider ?? '', model: row.model ?? '', keySource, tokensIn: 0, tokensOut: 0, costVnd: 0 };
        entry.tokensIn += row.kind === 'embedding' ? row.quantity || row.tokensIn : row.tokensIn;
        entry.tokensOut += row.tokensOut;
        const cost = row.billable === false ? 0 : row.costVnd;
        entry.costVnd += cost;
        platformCostVnd += cost;
        models.set(key, entry);
        break;
      }
    }
  }
  return {
    chats: conversations.size,
    messages,
    models: [...models.values()].sort((a, b) => `${a.provider}:${a.model}:${a.keySource}`.localeCompare(`${b.provider}:${b.model}:${b.keySource}`)),
    embeddingTokens,
    storageBytes: storage?.bytes ?? 0,
    platformCostVnd,
  };
}

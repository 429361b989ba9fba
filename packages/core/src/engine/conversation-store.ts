import type { KeySourceV1 } from '../meter/v1';

/** Who wrote a message: the customer, the bot, a staff member, the system, or an internal note. */
export type MessageRole = 'customer' | 'bot' | 'agent' | 'system' | 'note';

/**
 * How a reply was produced, stored on every bot message: `cache` (answer cache), `faq` (direct FAQ
 * answer, no model), `cheap` / `premium` (model tiers), `no-llm` (no usable model: best FAQ or
 * product card), `fallback` (nothing relevant: the tenant's fallback text), `handoff` (the customer
 * asked for a person), `human` (a person holds the conversation; the bot stayed silent).
 */
export type AnswerRoute = 'cache' | 'faq' | 'cheap' | 'premium' | 'no-llm' | 'fallback' | 'handoff' | 'human';

/** A knowledge chunk an answer relied on. */
export interface AnswerSource {
  /** Chunk id. */
  readonly id: string;
  /** Document, FAQ entry or product the chunk came from. */
  readonly sourceId: string;
  /** Relevance score the retriever gave. */
  readonly score: number;
  /** Document name or FAQ question, when the chunk metadata has one. */
  readonly title?: string;
}

/** A customer as known on one channel. */
export interface ContactRecord {
  /** Contact id. */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: string;
  /** Channel the customer is known on. */
  readonly channel: string;
  /** The customer's id on that channel. */
  readonly externalUserId: string;
  /** Display name, when known. */
  readonly name?: string;
}

/** A conversation and the engine's state about it. */
export interface ConversationRecord {
  /** Conversation id. */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: string;
  /** The customer in the conversation. */
  readonly contactId: string;
  /** Channel the conversation happens on. */
  readonly channel: string;
  /** The channel's own conversation id. */
  readonly externalConversationId?: string;
  /** `human`: staff hold the conversation and the bot stays silent. */
  readonly mode: 'bot' | 'human' | 'closed';
  /** Set when the conversation waits for a person. */
  readonly needsHuman: boolean;
  /** Fallback answers in a row (two switch to a person). */
  readonly consecutiveFallbacks: number;
  /** Running summary of the messages before the recent window. */
  readonly summary?: string;
  /** How many messages (oldest first) the summary covers. */
  readonly summaryMessageCount: number;
  /** Messages stored so far. */
  readonly messageCount: number;
}

/** What the engine stores for one message. Bot replies carry every routing decision. */
export interface NewMessage {
  /** Who wrote it. */
  readonly role: MessageRole;
  /** The message text. */
  readonly content: string;
  /** Provider message id, for de-duplicating redelivered events. */
  readonly externalId?: string;
  /** The customer message a reply answers. */
  readonly inReplyTo?: string;
  /** Model that produced a reply. */
  readonly model?: string;
  /** How a reply was produced. */
  readonly route?: AnswerRoute;
  /** Why that route was taken. */
  readonly routeReason?: string;
  /** Whose key paid for the model call. */
  readonly keySource?: KeySourceV1;
  /** Input tokens billed. */
  readonly tokensIn?: number;
  /** Output tokens billed. */
  readonly tokensOut?: number;
  /** Cost in VND. */
  readonly costVnd?: number;
  /** Knowledge chunks a reply relied on. */
  readonly sources?: ReadonlyArray<AnswerSource>;
  /** Delivery state of an outgoing message. */
  readonly deliveryStatus?: 'pending' | 'sent' | 'failed' | 'skipped';
}

/** A stored message. */
export interface MessageRecord extends NewMessage {
  /** Message id. */
  readonly id: string;
  /** Owning tenant. */
  readonly tenantId: string;
  /** The conversation. */
  readonly conversationId: string;
  /** When it was stored. */
  readonly createdAt: Date;
  /** Why delivery failed, when it did. */
  readonly deliveryError?: string;
}

/** Fields of a conversation the engine changes. */
export type ConversationPatch = Partial<
  Pick<ConversationRecord, 'mode' | 'needsHuman' | 'consecutiveFallbacks' | 'summary' | 'summaryMessageCount'>
>;

/**
 * Where the engine keeps contacts, conversations and messages. Every call names the tenant;
 * an implementation never returns another tenant's rows. In memory in core
 * ({@link createMemoryConversationStore}); the runtime implements it over Postgres with RLS.
 */
export interface ConversationStoreV1 {
  /** Contract version this store implements. */
  readonly specificationVersion: 'v1';
  /** Finds the contact by (tenant, channel, external user id) or creates it; updates the name. */
  upsertContact(input: { tenantId: string; channel: string; externalUserId: string; name?: string }): Promise<ContactRecord>;
  /** Finds the conversation by (tenant, channel, external conversation id) or creates it. */
  upsertConversation(input: {
    tenantId: string;
    channel: string;
    externalConversationId: string;
    contactId: string;
  }): Promise<ConversationRecord>;
  /**
   * Optional: {@link ConversationStoreV1.upsertContact} then {@link ConversationStoreV1.upsertConversation}
   * (for that contact) in one step — one transaction in a database store. The engine uses it when
   * present; it must behave exactly like the two calls in order.
   */
  upsertContactAndConversation?(input: {
    tenantId: string;
    channel: string;
    externalUserId: string;
    name?: string;
    externalConversationId: string;
  }): Promise<{ contact: ContactRecord; conversation: ConversationRecord }>;
  /** The conversation, or `undefined` when it does not exist for this tenant. */
  getConversation(input: { tenantId: string; conversationId: string }): Promise<ConversationRecord | undefined>;
  /** Applies a patch and returns the updated conversation (404 when missing). */
  updateConversation(input: { tenantId: string; conversationId: string; patch: ConversationPatch }): Promise<ConversationRecord>;
  /**
   * Appends a message. With an `externalId` already stored in the conversation, stores nothing and
   * returns the existing message with `created: false` (a redelivered event).
   */
  appendMessage(input: {
    tenantId: string;
    conversationId: string;
    message: NewMessage;
  }): Promise<{ message: MessageRecord; created: boolean }>;
  /** The last `limit` messages (or all), oldest first; `offset` skips that many from the start. */
  listMessages(input: { tenantId: string; conversationId: string; limit?: number; offset?: number }): Promise<MessageRecord[]>;
  /** The bot's reply to a customer message, if one was stored. */
  findReply(input: { tenantId: string; conversationId: string; messageId: string }): Promise<MessageRecord | undefined>;
  /** Records the delivery outcome of a bot message. */
  updateDelivery(input: {
    tenantId: string;
    messageId: string;
    status: 'sent' | 'failed' | 'skipped';
    externalId?: string;
    error?: string;
  }): Promise<void>;
}

import type {
  ChannelV1,
  ChannelV1Capabilities,
  ChannelV1Host,
  ChannelV1SendResult,
  InboundEventV1,
  OutboundMessageV1,
} from '../channel/v1';
import type { ProviderOptionsV1 } from '../shared/v1';
import { resolveMockValue, type MockValue } from './mock-value';

/** Options of one `doSend` call, as recorded. */
export interface MockChannelSendCall {
  /** Conversation the message was sent to. */
  conversationId: string;
  /** The message sent. */
  message: OutboundMessageV1;
  /** Provider options passed. */
  providerOptions?: ProviderOptionsV1;
}

/** Settings of {@link MockChannelV1}. */
export interface MockChannelV1Settings {
  /** Platform name and conversation-id prefix; `'mock'` by default. */
  platform?: string;
  /** Overrides of the default capabilities. */
  capabilities?: Partial<ChannelV1Capabilities>;
  /** Result of `doSend`; defaults to `{ status: 'sent', messageId: '<platform>-msg-<n>' }`. */
  doSend?: MockValue<MockChannelSendCall, ChannelV1SendResult>;
}

/**
 * A framework-agnostic mock {@link ChannelV1}. It records sends (`doSendCalls`), keeps the host it
 * was initialised with, and turns a JSON webhook body `{ eventId?, conversation, sender, text }`
 * into an inbound message event (no signature: tests only).
 *
 * @example
 * ```ts
 * const channel = new MockChannelV1();
 * const bot = createBot({ channels: { mock: channel }, retriever });
 * await bot.initialize();
 * await channel.receiveText({ conversation: 'c1', sender: 'u1', text: 'giá bao nhiêu?' });
 * await bot.idle();
 * channel.doSendCalls[0]?.message.text; // the bot's answer
 * ```
 */
export class MockChannelV1 implements ChannelV1 {
  readonly specificationVersion = 'v1' as const;
  readonly platform: string;
  readonly capabilities: ChannelV1Capabilities;
  /** Options of every `doSend` call, in order. */
  readonly doSendCalls: MockChannelSendCall[] = [];
  /** Every event handed to the host. */
  readonly receivedEvents: InboundEventV1[] = [];
  /** The host from `initialize`, once called. */
  host: ChannelV1Host | undefined;
  private readonly doSendValue: MockChannelV1Settings['doSend'];
  private eventCounter = 0;

  constructor(settings: MockChannelV1Settings = {}) {
    this.platform = settings.platform ?? 'mock';
    this.capabilities = {
      messageParts: ['text', 'quick-replies'],
      streaming: 'none',
      typingIndicator: false,
      maxTextLength: undefined,
      replyWindowMs: undefined,
      ...settings.capabilities,
    };
    this.doSendValue = settings.doSend;
  }

  async initialize(host: ChannelV1Host): Promise<void> {
    this.host = host;
  }

  /** Hands one text message to the host, as a webhook would. */
  async receiveText(input: { conversation: string; sender: string; text: string; eventId?: string }): Promise<InboundEventV1> {
    if (!this.host) throw new Error('MockChannelV1: initialize(host) was not called');
    const event: InboundEventV1 = {
      type: 'message',
      eventId: input.eventId ?? `${this.platform}-event-${++this.eventCounter}`,
      conversationId: this.encodeConversationId(input.conversation),
      sender: { id: input.sender },
      timestamp: new Date(),
      message: { text: input.text },
      raw: input,
    };
    this.receivedEvents.push(event);
    await this.host.receive([event]);
    return event;
  }

  async handleWebhook(request: Request): Promise<Response> {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return new Response('invalid JSON', { status: 400 });
    }
    const record = (body ?? {}) as Record<string, unknown>;
    const { conversation, sender, text, eventId } = record;
    if (typeof conversation !== 'string' || typeof sender !== 'string' || typeof text !== 'string') {
      return new Response('conversation, sender and text are required', { status: 400 });
    }
    await this.receiveText({ conversation, sender, text, eventId: typeof eventId === 'string' ? eventId : undefined });
    return new Response('ok', { status: 200 });
  }

  async doSend(options: MockChannelSendCall): Promise<ChannelV1SendResult> {
    this.doSendCalls.push(options);
    const index = this.doSendCalls.length - 1;
    if (this.doSendValue !== undefined) return resolveMockValue(this.doSendValue, options, index);
    return { status: 'sent', messageId: `${this.platform}-msg-${index + 1}` };
  }

  encodeConversationId(ref: string): string {
    return `${this.platform}:${ref}`;
  }

  decodeConversationId(conversationId: string): string {
    const prefix = `${this.platform}:`;
    return conversationId.startsWith(prefix) ? conversationId.slice(prefix.length) : conversationId;
  }
}

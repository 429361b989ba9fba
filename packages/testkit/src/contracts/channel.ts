import type { ChannelV1, ChannelV1SendResult, InboundEventV1 } from '@agent-chatbot/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordingHost, type RecordingHost } from '../fake-channels/recording-host';

/** Provider failures the contract asks the fake server to return on the next send. */
export type ChannelContractFailure = 'rate_limit' | 'server_error' | 'permanent';

/** What `create()` returns: a channel wired to a fake provider, and a handle on that fake. */
export interface ChannelContractSubject {
  /** The channel under test. */
  readonly channel: ChannelV1<unknown>;
  /** A conversation id `doSend` may deliver to on the fake provider. */
  readonly sendConversationId: string;
  /** Makes the fake provider's next send fail the given way, in its own error format. */
  failNextSend(kind: ChannelContractFailure): void;
  /** How many messages the fake provider accepted so far. */
  sentCount(): number;
  /** Closes fake servers. */
  close?(): Promise<void>;
}

/** One recorded provider webhook body and the provider event ids it must yield. */
export interface ChannelContractFixture {
  /** Name shown in the test titles. */
  readonly name: string;
  /** The raw body exactly as the provider sends it. */
  readonly body: string;
  /** Provider event ids, in order; `[]` for deliveries that carry nothing to answer. */
  readonly expectedEventIds: ReadonlyArray<string>;
}

/** Options of {@link channelContract}. */
export interface ChannelContractOptions {
  /** Name shown in the test titles. */
  readonly name: string;
  /** Creates the channel and its fake provider for one test. */
  readonly create: () => Promise<ChannelContractSubject>;
  /**
   * Builds the request the provider would send for a raw body. With `forge`, sign with a wrong
   * secret; with `unsigned`, leave the signature header out.
   */
  readonly signRequest: (rawBody: string, options: { forge?: boolean; unsigned?: boolean }) => Request | Promise<Request>;
  /** At least one fixture must yield events. */
  readonly fixtures: ReadonlyArray<ChannelContractFixture>;
  /** A body that is not valid JSON but still carries what the signature needs (Zalo: a timestamp). */
  readonly malformedBody?: string;
  /** Whether the signature covers the body (false for Telegram's shared secret header). */
  readonly signatureCoversBody?: boolean;
  /** Skip the whole suite, e.g. `'needs a live account'`. */
  readonly skip?: boolean | string;
}

const PLATFORM_PREFIX = /^[a-z][a-z0-9-]*:/;

/**
 * The conformance suite every `ChannelV1` runs against its fake provider (vitest): signature
 * checks before parsing, normalised events with provider ids, delivery results with correct
 * `retryable`, conversation-id round trips and sane capabilities.
 *
 * @example
 * ```ts
 * channelContract({ name: 'zalo', create: async () => ({ channel, sendConversationId, failNextSend, sentCount }),
 *   signRequest: (body, o) => driver.request(body, o), fixtures: [{ name: 'text', body, expectedEventIds: ['m1'] }] });
 * ```
 */
export function channelContract(options: ChannelContractOptions): void {
  const suite = options.skip ? describe.skip : describe;
  suite(`ChannelV1 contract: ${options.name}${typeof options.skip === 'string' ? ` (skipped: ${options.skip})` : ''}`, () => {
    let subject: ChannelContractSubject;
    let host: RecordingHost;
    const channel = () => subject.channel;
    const post = async (request: Request | Promise<Request>) => channel().handleWebhook(await request);
    const withEvents = () => options.fixtures.find((fixture) => fixture.expectedEventIds.length > 0);

    beforeAll(async () => {
      subject = await options.create();
      host = createRecordingHost();
      await subject.channel.initialize(host);
    });
    afterAll(async () => {
      await subject?.channel.disconnect?.();
      await subject?.close?.();
    });

    it('has a version, a platform name and sane capabilities', () => {
      const c = channel();
      expect(c.specificationVersion).toBe('v1');
      expect(c.platform).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(c.capabilities.messageParts).toContain('text');
      expect(['native', 'edit', 'none']).toContain(c.capabilities.streaming);
      expect(c.capabilities.typingIndicator).toBe(typeof c.startTyping === 'function');
      for (const limit of [c.capabilities.maxTextLength, c.capabilities.replyWindowMs]) {
        if (limit !== undefined) expect(Number.isInteger(limit) && limit > 0).toBe(true);
      }
    });

    it('has at least one fixture that yields events', () => {
      expect(withEvents()).toBeDefined();
    });

    for (const fixture of options.fixtures) {
      it(`accepts a correctly signed "${fixture.name}" and hands over its events`, async () => {
        const before = host.events.length;
        const response = await post(options.signRequest(fixture.body, {}));
        expect(response.status).toBe(200);
        const events = host.events.slice(before);
        expect(events.map((event) => event.eventId)).toEqual([...fixture.expectedEventIds]);
        for (const event of events) expectNormalised(event, channel().platform);
      });
    }

    it('gives the same event id when the same delivery arrives twice (the host dedups by it)', async () => {
      const fixture = withEvents();
      if (!fixture) throw new Error('no fixture with events');
      const first = host.events.length;
      expect((await post(options.signRequest(fixture.body, {}))).status).toBe(200);
      const second = host.events.length;
      expect((await post(options.signRequest(fixture.body, {}))).status).toBe(200);
      const ids = (from: number, to: number) => host.events.slice(from, to).map((event) => event.eventId);
      expect(ids(first, second)).toEqual(ids(second, host.events.length));
      expect(ids(first, second).length).toBeGreaterThan(0);
    });

    it('rejects a forged signature with 401 and receives nothing', async () => {
      const fixture = withEvents();
      if (!fixture) throw new Error('no fixture with events');
      const before = host.events.length;
      expect((await post(options.signRequest(fixture.body, { forge: true }))).status).toBe(401);
      expect(host.events.length).toBe(before);
    });

    if (options.signatureCoversBody !== false) {
      it('rejects a tampered body carrying the original signature with 401', async () => {
        const fixture = withEvents();
        if (!fixture) throw new Error('no fixture with events');
        const signed = await options.signRequest(fixture.body, {});
        const tampered = fixture.body.replace(/}\s*$/, ' }');
        const before = host.events.length;
        const response = await post(new Request(signed.url, { method: 'POST', headers: signed.headers, body: tampered }));
        expect(response.status).toBe(401);
        expect(host.events.length).toBe(before);
      });
    }

    it('rejects an unsigned request with 401 and receives nothing', async () => {
      const fixture = withEvents();
      if (!fixture) throw new Error('no fixture with events');
      const before = host.events.length;
      expect((await post(options.signRequest(fixture.body, { unsigned: true }))).status).toBe(401);
      expect(host.events.length).toBe(before);
    });

    it('checks the signature before parsing: a forged malformed body gets 401, not 400', async () => {
      const body = options.malformedBody ?? '{"not json';
      expect((await post(options.signRequest(body, { forge: true }))).status).toBe(401);
    });

    it('answers a correctly signed malformed body with 400 and receives nothing', async () => {
      const before = host.events.length;
      const response = await post(options.signRequest(options.malformedBody ?? '{"not json', {}));
      expect(response.status).toBe(400);
      expect(host.events.length).toBe(before);
    });

    it('answers non-2xx when the host could not store the events, so the provider retries', async () => {
      const fixture = withEvents();
      if (!fixture) throw new Error('no fixture with events');
      host.failNextReceive();
      const response = await post(options.signRequest(fixture.body, {}));
      expect(response.status).toBeGreaterThanOrEqual(500);
    });

    it('round-trips conversation ids', () => {
      const ids = new Set([subject.sendConversationId, ...host.events.map((event) => event.conversationId)]);
      for (const id of ids) {
        expect(id).toMatch(PLATFORM_PREFIX);
        expect(id.startsWith(`${channel().platform}:`)).toBe(true);
        expect(channel().encodeConversationId(channel().decodeConversationId(id))).toBe(id);
      }
    });

    it('sends a text message: status sent with the provider message id', async () => {
      const before = subject.sentCount();
      const result = await channel().doSend({ conversationId: subject.sendConversationId, message: { text: 'Xin chào! Shop có thể giúp gì ạ?' } });
      expect(result).toMatchObject({ status: 'sent' });
      if (result.status === 'sent') expect(result.messageId).toMatch(/\S/);
      expect(subject.sentCount()).toBe(before + 1);
    });

    const failureCases: Array<[ChannelContractFailure, boolean]> = [
      ['rate_limit', true],
      ['server_error', true],
      ['permanent', false],
    ];
    for (const [kind, retryable] of failureCases) {
      it(`returns status failed (retryable: ${retryable}) for a provider ${kind}, without throwing`, async () => {
        subject.failNextSend(kind);
        const before = subject.sentCount();
        const result: ChannelV1SendResult = await channel().doSend({ conversationId: subject.sendConversationId, message: { text: 'Cảm ơn bạn' } });
        expect(result.status).toBe('failed');
        if (result.status !== 'failed') return;
        expect(result.error.retryable).toBe(retryable);
        expect(result.error.code).toMatch(/^[a-z_]+$/);
        expect(result.error.message).toMatch(/\S/);
        if (kind === 'rate_limit') expect(result.error.code).toBe('rate_limited');
        expect(subject.sentCount()).toBe(before);
      });
    }
  });
}

function expectNormalised(event: InboundEventV1, platform: string): void {
  expect(['message', 'postback', 'follow', 'unfollow']).toContain(event.type);
  expect(event.eventId).toMatch(/\S/);
  expect(event.conversationId.startsWith(`${platform}:`)).toBe(true);
  expect(event.sender.id).toMatch(/\S/);
  expect(event.timestamp).toBeInstanceOf(Date);
  expect(Number.isNaN(event.timestamp.getTime())).toBe(false);
  if (event.type === 'message') expect(event.message).toBeDefined();
  expect(event.raw).toBeDefined();
}

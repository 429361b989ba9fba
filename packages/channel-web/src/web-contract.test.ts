import { createMemoryPubSub, RateLimitError, ValidationError, type PubSubV1 } from '@agent-chatbot/core';
import { channelContract, type ChannelContractFailure } from '@agent-chatbot/testkit';
import { createRealtimeHub } from './server/realtime-hub';
import { signVisitorToken } from './server/visitor-token';
import { createWebChannel } from './server/web-channel';

const SECRET = 'contract-token-secret-0123456789abcdef';
const claims = { publicKey: 'pk_contract', conversation: 'c_contract1', visitorId: 'v_1', issuedAt: Date.now() };

/** The web channel's "provider" is the realtime pub/sub: failures are injected there, as Redis would fail. */
function failingPubSub() {
  const inner = createMemoryPubSub();
  let next: ChannelContractFailure | undefined;
  let sent = 0;
  const pubsub: PubSubV1 = {
    specificationVersion: 'v1',
    subscribe: (channel, listener) => inner.subscribe(channel, listener),
    async publish(channel, message) {
      const isReply = (message as { type?: string; role?: string }).type === 'message' && (message as { role?: string }).role === 'bot';
      if (isReply && next) {
        const kind = next;
        next = undefined;
        if (kind === 'rate_limit') throw new RateLimitError({ retryAfterMs: 1000 });
        if (kind === 'server_error') throw new Error('Connection is closed.');
        throw new ValidationError('Message not serialisable', 'Tin nhắn không hợp lệ');
      }
      await inner.publish(channel, message);
      if (isReply) sent++;
    },
  };
  return { pubsub, failNext: (kind: ChannelContractFailure) => (next = kind), sent: () => sent };
}

channelContract({
  name: 'web',
  create: async () => {
    const fake = failingPubSub();
    const channel = createWebChannel({ hub: createRealtimeHub({ pubsub: fake.pubsub }), tokenSecret: SECRET });
    return { channel, sendConversationId: 'web:pk_contract:c_contract1', failNextSend: fake.failNext, sentCount: fake.sent };
  },
  signRequest: (body, { forge, unsigned }) =>
    new Request('http://widget.test/widget-api/messages', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(unsigned ? {} : { authorization: `Bearer ${signVisitorToken(claims, forge ? 'a-different-secret-0123456789abcdef' : SECRET)}` }),
      },
      body,
    }),
  signatureCoversBody: false,
  fixtures: [
    { name: 'text message', body: JSON.stringify({ id: 'm1', text: 'Xin chào shop' }), expectedEventIds: ['c_contract1:m1'] },
    { name: 'without diacritics, with a name', body: JSON.stringify({ id: 'm2', text: 'sp nay con ko', name: 'An' }), expectedEventIds: ['c_contract1:m2'] },
  ],
});

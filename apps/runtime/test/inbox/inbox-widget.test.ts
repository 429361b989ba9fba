/**
 * The inbox with the website widget (issue 6 parts 1–3 together, over HTTP): a visitor asks for a
 * person in the widget, the agent sees it live in the inbox, takes over, the visitor's next message
 * gets no bot reply, and the agent's reply sent through the inbox API reaches the widget's stream
 * as a staff message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetFeature } from '../../src/widget/index';
import type { RuntimeDb } from '../../src/db/index';
import { testDrivers } from '../helpers/drivers';
import { openSse } from '../widget/widget-rig';
import { startInboxRig, type InboxRig } from './inbox-rig';
import { waitFor } from '../helpers/wait';

const SHOP = 'http://shop.test:8080';

for (const driver of await testDrivers()) {
  describe.skipIf(driver.skip !== undefined)(`inbox and website widget (${driver.name})`, { timeout: 60_000 }, () => {
    let rig: InboxRig;
    let closeDb: () => Promise<void>;

    beforeAll(async () => {
      const opened = await driver.open({ max: 6 });
      closeDb = opened.close;
      rig = await startInboxRig(opened.db as RuntimeDb, { extraFeatures: [widgetFeature] });
    }, 90_000);
    afterAll(async () => {
      await rig?.close();
      await closeDb?.().catch(() => {});
    });

    it('visitor asks for a person, agent takes over and replies, the widget shows the staff reply and no bot answer', async () => {
      const shop = await rig.signup(`widget-inbox-${driver.name}`);
      const widget = await rig.call('PUT', '/v1/tenant/widget', { token: shop.token, body: { allowed_domains: [SHOP] } });
      expect(widget.status, widget.text).toBe(200);
      const key = (await rig.call('GET', '/v1/tenant/widget', { token: shop.token })).body.public_key as string;
      const widgetApi = (path: string, init: RequestInit = {}) => fetch(`${rig.baseUrl}/widget-api${path}`, init);
      const session = (await (
        await widgetApi('/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, origin: SHOP }) })
      ).json()) as { token: string; conversationId: string };
      const say = async (id: string, text: string) => {
        const res = await widgetApi('/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify({ id, text }),
        });
        expect(res.status, await res.text()).toBeLessThan(300);
      };
      const visitor = await openSse(`${rig.baseUrl}/widget-api/events?token=${encodeURIComponent(session.token)}`);
      expect(visitor.status).toBe(200);
      const inbox = await rig.stream(shop.token);
      await inbox.ready();
      const fromWidget = (role: string) => visitor.events.filter((e) => e.type === 'message' && (e as { role?: string }).role === role);

      await say('v1', 'Cho mình nói chuyện với người thật');
      const handoff = await inbox.next((e) => e.type === 'handoff.requested');
      const conversationId = handoff.conversation_id!;
      await waitFor(() => fromWidget('bot').length === 1, 15_000, 'handoff text in the widget');

      const taken = await rig.call('POST', `/v1/tenant/inbox/conversations/${conversationId}/take-over`, { token: shop.token });
      expect(taken.body).toMatchObject({ mode: 'human' });
      await say('v2', 'Mình cần đổi size áo');
      await inbox.next((e) => e.type === 'message.created' && e.payload.content === 'Mình cần đổi size áo');

      const reply = await rig.call('POST', `/v1/tenant/inbox/conversations/${conversationId}/messages`, { token: shop.token, body: { content: 'Dạ em là Lan, em đổi size giúp chị nhé' } });
      expect(reply.status, reply.text).toBe(201);
      const staff = await waitFor(() => fromWidget('agent')[0], 15_000, 'staff reply in the widget');
      expect((staff as { text?: string }).text).toBe('Dạ em là Lan, em đổi size giúp chị nhé');
      // The bot did not answer the message sent while a person held the conversation.
      await rig.inbox.tracker.idle();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(fromWidget('bot')).toHaveLength(1);
      await visitor.close();
    });
  });
}

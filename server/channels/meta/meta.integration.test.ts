import { afterEach, describe, expect, it } from 'vitest';
import { startGraphApiStandin } from '../../standins/graphApi';
import type { Standin } from '../../standins/standin';
import { DB_KINDS } from '../../testing/testDatabase';
import { startTestServer, type TestClient, type TestServer } from '../../testing/testServer';
import { connectorStatus, conversationOfMessage, deliverWebhook, deliveryOf } from '../channelIntegrationKit';
import { META_SIGNATURE_HEADER, metaSignature } from './webhook';

const PAGE_ID = '104000000000001';
const SECRET = 'integration-meta-app-secret';
const TOKEN = 'integration-meta-page-token';
const POST_ID = `${PAGE_ID}_771000000000101`;
const TOP = '771000000000101_900000001';
const PSID = '6100000000000042';
const HOUR = 3600_000;

/**
 * Facebook and Messenger end to end on the real backend: signed page feed and Messenger events in
 * through `POST /webhooks/meta`, routed to an available agent, and the agent's replies out to the
 * Graph API stand-in: under the top-level comment, to the PSID with the messaging type the window
 * allows, and refused once it is closed.
 */
describe.each(DB_KINDS)('the Facebook and Messenger channel on %s', (kind) => {
  let t: TestServer;
  let graph: Standin;
  afterEach(async () => {
    await t?.close();
    await graph?.close();
  });

  function deliver(payload: unknown, signature?: string) {
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      [META_SIGNATURE_HEADER]: signature ?? metaSignature(SECRET, body),
    };
    return deliverWebhook(t, '/webhooks/meta', body, headers);
  }

  const comment = (over: Record<string, unknown>) => ({
    object: 'page',
    entry: [
      {
        id: PAGE_ID,
        time: Math.floor(t.clock.now() / 1000),
        changes: [
          {
            field: 'feed',
            value: {
              from: { id: '1020000000001', name: 'Lucía García' },
              post: { id: POST_ID, status_type: 'added_photos', is_published: true },
              message: 'My guitar came off the belt in Madrid with a broken neck.',
              post_id: POST_ID,
              comment_id: TOP,
              parent_id: POST_ID,
              created_time: Math.floor(t.clock.now() / 1000),
              item: 'comment',
              verb: 'add',
              ...over,
            },
          },
        ],
      },
    ],
  });

  /** A Messenger message from `psid`, written `ago` ms before now. */
  const messengerMessage = (mid: string, text: string, psid = PSID, ago = 0) => ({
    object: 'page',
    entry: [
      {
        id: PAGE_ID,
        time: t.clock.now(),
        messaging: [
          {
            sender: { id: psid },
            recipient: { id: PAGE_ID },
            timestamp: t.clock.now() - ago,
            message: { mid, text },
          },
        ],
      },
    ],
  });

  const conversationOf = (id: string) => conversationOfMessage(t, 'meta', id);

  /** Replies and waits until the dispatcher settled the delivery; returns the delivery row. */
  async function reply(agent: TestClient, conversationId: string, body: string, visibility: 'public' | 'private') {
    const messageId = crypto.randomUUID();
    const result = await agent.op('conversation.reply', { conversationId, messageId, body, visibility });
    if (result.status !== 'applied') return { op: result, delivery: null };
    return { op: result, delivery: await deliveryOf(t, messageId) };
  }

  it(
    'routes a signed comment and a Messenger message, replies under the comment and within the window, and refuses forgeries',
    { timeout: 90_000 },
    async () => {
      graph = await startGraphApiStandin({ pageId: PAGE_ID, pageAccessToken: TOKEN });
      t = await startTestServer(kind, {
        META_GRAPH_BASE_URL: graph.url,
        META_PAGE_ACCESS_TOKEN: TOKEN,
        META_APP_SECRET: SECRET,
        META_PAGE_ID: PAGE_ID,
        META_GRAPH_VERSION: 'v21.0',
      });
      await t.addAgent({ id: 'dana', name: 'Dana', capacity: { social: 10 } });
      await t.addAgent({ id: 'lee', role: 'admin', team: null });
      const dana = await t.connect('dana');
      await dana.op('presence.set', { presence: 'available' });
      await t.settle();

      // Lucía comments under our post: a routed facebook conversation keyed by her comment.
      expect(await deliver(comment({}))).toMatchObject({ status: 200, body: { accepted: 1 } });
      const opened = await conversationOf(TOP);
      expect(opened).toMatchObject({ channel: 'facebook', thread_key: TOP, assigned_agent_id: 'dana' });

      // Dana answers publicly: a comment under Lucía's comment, as the stand-in records it.
      const publicReply = await reply(
        dana,
        opened!.id,
        'So sorry, Lucía. Please message us your file number.',
        'public',
      );
      expect(publicReply.delivery).toMatchObject({ status: 'sent' });
      const [posted] = await graph.waitFor((r) => r.path.endsWith('/comments'));
      expect(posted).toMatchObject({
        path: `/v21.0/${TOP}/comments`,
        query: { access_token: TOKEN },
        body: { message: 'So sorry, Lucía. Please message us your file number.' },
      });
      const ourCommentId = publicReply.delivery!.provider_message_id!;
      expect(ourCommentId).toMatch(/^900000001_\d+$/);

      // Our own comment coming back is ignored; Lucía's answer under her comment joins the thread.
      const echo = await deliver(
        comment({ from: { id: PAGE_ID, name: 'Skyward Air' }, comment_id: ourCommentId, parent_id: TOP }),
      );
      expect(echo.body).toMatchObject({ received: 0 });
      await deliver(comment({ comment_id: '771000000000101_900000777', parent_id: TOP, message: 'Done, sent it.' }));
      expect((await conversationOf('771000000000101_900000777'))?.id).toBe(opened!.id);

      // Lucía writes on Messenger: one conversation for her PSID.
      expect(await deliver(messengerMessage('m_first', 'File MADSK12345'))).toMatchObject({ status: 200 });
      await deliver(messengerMessage('m_second', 'Any news on the guitar?'));
      const chat = await conversationOf('m_first');
      expect(chat).toMatchObject({ channel: 'messenger', thread_key: `psid:${PSID}`, assigned_agent_id: 'dana' });
      expect((await conversationOf('m_second'))?.id).toBe(chat!.id);

      // Three people who last wrote 23 hours, 25 hours and 8 days ago (Meta redelivers late events).
      await deliver(messengerMessage('m_23h', 'Can I change my seat?', '6100000000000023', 23 * HOUR));
      await deliver(messengerMessage('m_25h', 'Can I bring my cello?', '6100000000000025', 25 * HOUR));
      await deliver(messengerMessage('m_8d', 'Where is my refund?', '6100000000000008', 8 * 24 * HOUR));
      const [at23h, at25h, at8d] = await Promise.all(['m_23h', 'm_25h', 'm_8d'].map(conversationOf));

      // Within 24 hours: RESPONSE to the PSID; after 24 hours: the HUMAN_AGENT tag.
      const now = await reply(dana, chat!.id, 'Thanks, I have found your guitar.', 'private');
      const inWindow = await reply(dana, at23h!.id, 'Yes: seat 14C is yours.', 'private');
      const tagged = await reply(dana, at25h!.id, 'Yes, in the cabin with a seat of its own.', 'private');
      for (const sent of [now, inWindow, tagged]) expect(sent.delivery).toMatchObject({ status: 'sent' });
      const sent = (await graph.waitFor((r) => r.path === `/v21.0/${PAGE_ID}/messages`, 3)).map((r) => r.body);
      expect(sent).toEqual([
        { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Thanks, I have found your guitar.' } },
        {
          recipient: { id: '6100000000000023' },
          messaging_type: 'RESPONSE',
          message: { text: 'Yes: seat 14C is yours.' },
        },
        {
          recipient: { id: '6100000000000025' },
          messaging_type: 'MESSAGE_TAG',
          tag: 'HUMAN_AGENT',
          message: { text: 'Yes, in the cabin with a seat of its own.' },
        },
      ]);

      // After 7 days nothing goes out: the reply rule refuses it at once, saying why.
      const late = await reply(dana, at8d!.id, 'Your refund is on its way.', 'private');
      expect(late.delivery).toBeFalsy();
      expect(late.op).toMatchObject({ status: 'rejected', reason: 'messaging_window_closed' });
      expect(late.op.detail).toMatch(/^Messenger window closed 24 h ago/);
      expect(graph.requests.filter((r) => r.path === `/v21.0/${PAGE_ID}/messages`)).toHaveLength(3);

      // A forged delivery: 401, nothing stored, counted in connector health.
      const forged = await deliver(messengerMessage('m_forged', 'Give me a refund'), `sha256=${'0'.repeat(64)}`);
      expect(forged.status).toBe(401);
      expect(await conversationOf('m_forged')).toBeUndefined();
      expect(await connectorStatus(t, 'lee', 'meta')).toMatchObject({
        badSignatures: 1,
        events: 8,
        sent: 4,
      });
    },
  );
});

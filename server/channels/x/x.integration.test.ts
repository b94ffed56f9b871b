import { afterEach, describe, expect, it } from 'vitest';
import { connectorStatus, conversationOfMessage, deliverWebhook, deliveryOf } from '../channelIntegrationKit';
import type { Standin } from '../../standins/standin';
import { startXApiStandin } from '../../standins/xApi';
import { DB_KINDS } from '../../testing/testDatabase';
import { startTestServer, type TestClient, type TestServer } from '../../testing/testServer';
import { X_SIGNATURE_HEADER, xSignature } from './webhook';
import { directMessage, TEST_X_ACCOUNT, TEST_X_SECRET, tweet, tweetEvents } from './xTestKit';

const TOKEN = 'integration-x-access-token';

/**
 * The X channel end to end on the real backend: signed account activity in through
 * `POST /webhooks/x`, routed to an available agent, and the agent's replies out to the X API
 * stand-in, threaded as X needs them.
 */
describe.each(DB_KINDS)('the X channel on %s', (kind) => {
  let t: TestServer;
  let standin: Standin;
  afterEach(async () => {
    await t?.close();
    await standin?.close();
  });

  function deliver(payload: unknown, signature?: string) {
    const body = JSON.stringify(payload);
    const headers = {
      'content-type': 'application/json',
      [X_SIGNATURE_HEADER]: signature ?? xSignature(TEST_X_SECRET, body),
    };
    return deliverWebhook(t, '/webhooks/x', body, headers);
  }

  const conversationOf = (id: string) => conversationOfMessage(t, 'x', id);

  /** Replies and waits until the dispatcher has settled the delivery; returns the X id stored on it. */
  async function reply(agent: TestClient, conversationId: string, body: string, visibility: 'public' | 'private') {
    const messageId = crypto.randomUUID();
    const result = await agent.op('conversation.reply', { conversationId, messageId, body, visibility });
    expect(result.status, JSON.stringify(result)).toBe('applied');
    const delivery = await deliveryOf(t, messageId);
    expect(delivery, JSON.stringify(delivery)).toMatchObject({ status: 'sent' });
    const { rows: messages } = await t.db.query<{ provider: string; provider_message_id: string }>(
      'select provider, provider_message_id from messages where id = $1',
      [messageId],
    );
    expect(messages[0]).toEqual({ provider: 'x', provider_message_id: delivery.provider_message_id });
    return delivery.provider_message_id!;
  }

  it(
    'routes a signed tweet to the available agent, threads replies both ways, sends DMs to the right person and refuses forgeries',
    { timeout: 60_000 },
    async () => {
      standin = await startXApiStandin({ accessToken: TOKEN, accountId: TEST_X_ACCOUNT });
      t = await startTestServer(kind, {
        X_API_BASE_URL: standin.url,
        X_ACCESS_TOKEN: TOKEN,
        X_CONSUMER_SECRET: TEST_X_SECRET,
        X_ACCOUNT_ID: TEST_X_ACCOUNT,
      });
      await t.addAgent({ id: 'dana', name: 'Dana' });
      await t.addAgent({ id: 'lee', role: 'admin', team: null });
      const dana = await t.connect('dana');
      await dana.op('presence.set', { presence: 'available' });
      await t.settle();

      // Maya tweets at us: a routed x_public conversation with her reach, assigned to Dana.
      const complaint = tweet({
        text: '@skywardair my bag never arrived in Lisbon and nobody at the desk can tell me anything',
        timestamp_ms: String(t.clock.now()),
      });
      expect(await deliver(tweetEvents(complaint))).toMatchObject({ status: 200, body: { accepted: 1 } });
      const opened = await conversationOf(complaint.id_str);
      expect(opened).toMatchObject({
        channel: 'x_public',
        thread_key: complaint.id_str,
        assigned_agent_id: 'dana',
        status: 'assigned',
        reach: 52_000,
      });
      const conversationId = opened!.id;

      // Dana answers publicly: a reply tweet to Maya's tweet, as the stand-in records it.
      const ourTweetId = await reply(
        dana,
        conversationId,
        "@maya_l We're sorry, Maya. Please DM us your file reference.",
        'public',
      );
      const [posted] = await standin.waitFor((r) => r.path === '/2/tweets');
      expect(posted).toMatchObject({
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: {
          text: "@maya_l We're sorry, Maya. Please DM us your file reference.",
          reply: { in_reply_to_tweet_id: complaint.id_str },
        },
      });

      // X echoes our tweet back: ignored. Maya answers our tweet: same conversation.
      const echo = tweet({
        in_reply_to_status_id_str: complaint.id_str,
        user: { id_str: TEST_X_ACCOUNT, screen_name: 'skywardair' },
      });
      echo.id_str = ourTweetId;
      expect(await deliver(tweetEvents(echo))).toMatchObject({ status: 200, body: { received: 0 } });
      const answer = tweet({
        in_reply_to_status_id_str: ourTweetId,
        text: '@skywardair done, sent you a DM',
        timestamp_ms: String(t.clock.now() + 60_000),
      });
      await deliver(tweetEvents(answer));
      expect((await conversationOf(answer.id_str))?.id).toBe(conversationId);

      // Someone else piles on under Maya's tweet: same thread, not a new conversation.
      const pileOn = tweet({
        in_reply_to_status_id_str: complaint.id_str,
        text: '@maya_l same happened to me last month',
        user: { id_str: '777', screen_name: 'other_flyer', name: 'Other Flyer', followers_count: 40 },
        timestamp_ms: String(t.clock.now() + 120_000),
      });
      await deliver(tweetEvents(pileOn));
      expect((await conversationOf(pileOn.id_str))?.id).toBe(conversationId);
      const { rows: count } = await t.db.query<{ n: number }>(
        "select count(*)::int as n from conversations where channel = 'x_public'",
      );
      expect(count[0]!.n).toBe(1);

      // Maya's DM: its own x_dm conversation; Dana's reply goes to Maya's DM conversation.
      const dm = directMessage({
        senderId: '6253282',
        screenName: 'maya_l',
        name: 'Maya Lopez',
        text: 'File reference LISSK12345',
        at: t.clock.now(),
      });
      await deliver(dm);
      const dmConversation = await conversationOf(dm.direct_message_events[0]!.id);
      expect(dmConversation).toMatchObject({
        channel: 'x_dm',
        thread_key: `6253282-${TEST_X_ACCOUNT}`,
        assigned_agent_id: 'dana',
      });
      await reply(dana, dmConversation!.id, 'Thanks Maya, your bag is on the 14:05 to Lisbon.', 'private');
      const [sentDm] = await standin.waitFor((r) => r.path.startsWith('/2/dm_conversations/'));
      expect(sentDm).toMatchObject({
        path: '/2/dm_conversations/with/6253282/messages',
        headers: { authorization: `Bearer ${TOKEN}` },
        body: { text: 'Thanks Maya, your bag is on the 14:05 to Lisbon.' },
      });

      // A private answer on the public thread goes as a DM to the conversation's customer, Maya,
      // not to whoever piled on last; a public one answers her newest tweet.
      await reply(dana, conversationId, 'Sorry to hear that. Could you DM us your booking reference?', 'private');
      const dmsSent = await standin.waitFor((r) => r.path.startsWith('/2/dm_conversations/'), 2);
      expect(dmsSent[1]!.path).toBe('/2/dm_conversations/with/6253282/messages');
      await reply(dana, conversationId, '@maya_l Thanks, we have it.', 'public');
      const tweets = await standin.waitFor((r) => r.path === '/2/tweets', 2);
      expect(tweets[1]!.body).toMatchObject({ reply: { in_reply_to_tweet_id: answer.id_str } });

      // A forged delivery: 401, nothing stored, counted in the admins' connector health.
      const forged = tweet({ text: 'forged' });
      const refused = await deliver(tweetEvents(forged), 'sha256=Zm9yZ2Vk');
      expect(refused).toMatchObject({ status: 401, body: { error: { code: 'bad_signature' } } });
      expect(await conversationOf(forged.id_str)).toBeUndefined();
      expect(await connectorStatus(t, 'lee', 'x')).toMatchObject({
        events: 5,
        badSignatures: 1,
        sent: 4,
        sendFailures: 0,
        badSignatureRate: 1 / 6,
      });
    },
  );
});

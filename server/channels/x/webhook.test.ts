import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  directMessage,
  startXTestBed,
  TEST_X_ACCOUNT,
  TEST_X_SECRET,
  tweet,
  tweetEvents,
  type XTestBed,
} from './xTestKit';

let bed: XTestBed;
beforeEach(async () => {
  bed = await startXTestBed();
});
afterEach(async () => {
  await bed.close();
});

/** X's documented computation, written out here rather than taken from the adapter. */
const expectedToken = (secret: string, message: string) =>
  `sha256=${createHmac('sha256', secret).update(message).digest('base64')}`;

describe('the challenge-response check (GET /webhooks/x)', () => {
  it('answers the crc_token signed with the consumer secret, as X computes it', async () => {
    const response = await bed.app.inject({ method: 'GET', url: '/webhooks/x?crc_token=challenge-1539202764' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ response_token: expectedToken(TEST_X_SECRET, 'challenge-1539202764') });
    // The same as a fixed vector: base64 of HMAC-SHA256 keyed by the consumer secret.
    expect(response.json()).toEqual({ response_token: 'sha256=MZJ3NZWtchseFH1pHGSkNFICMewvY3MrQ6ErYpl+ZEA=' });
  });

  it('refuses a check without a crc_token, or with two, with 400', async () => {
    for (const url of ['/webhooks/x', '/webhooks/x?crc_token=', '/webhooks/x?crc_token=a&crc_token=b']) {
      const response = await bed.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'missing_crc_token' } });
    }
  });
});

describe('signed deliveries (POST /webhooks/x)', () => {
  it('stores a correctly signed delivery and counts it as an event', async () => {
    const { status, body } = await bed.post(tweetEvents(tweet()));
    expect(status).toBe(200);
    expect(body).toEqual({ received: 1, accepted: 1, duplicates: 0 });
    expect(bed.stored).toHaveLength(1);
    expect(bed.health.status('x')).toMatchObject({ events: 1, badSignatures: 0, status: 'connected' });
  });

  it('refuses a missing, forged or wrongly keyed signature with 401, stores nothing and counts each', async () => {
    const payload = JSON.stringify(tweetEvents(tweet()));
    const forged = [
      null,
      '',
      'sha256=AAAA',
      expectedToken('another-apps-secret', payload),
      // Right key, hex instead of base64.
      `sha256=${createHmac('sha256', TEST_X_SECRET).update(payload).digest('hex')}`,
      // The signature of another body.
      expectedToken(TEST_X_SECRET, `${payload} `),
    ];
    for (const signature of forged) {
      const { status, body } = await bed.post(payload, signature);
      expect(status, String(signature)).toBe(401);
      expect(body).toMatchObject({ error: { code: 'bad_signature' } });
    }
    expect(bed.stored).toHaveLength(0);
    const health = bed.health.status('x');
    expect(health).toMatchObject({ badSignatures: 6, events: 0, status: 'failing', badSignatureRate: 1 });
    expect(health.lastError?.message).toContain('x-twitter-webhooks-signature');

    await bed.post(payload);
    await bed.post(JSON.stringify(tweetEvents(tweet())));
    // 6 refused of 8 signed requests in the last hour.
    expect(bed.health.status('x')).toMatchObject({ badSignatures: 6, events: 2, status: 'connected' });
    expect(bed.health.status('x').badSignatureRate).toBeCloseTo(6 / 8, 5);
  });

  it('checks the signature before reading the body: a forged non-JSON body is 401, not 400', async () => {
    const { status } = await bed.post('not json', 'sha256=nope');
    expect(status).toBe(401);
    expect(bed.health.status('x').malformed).toBe(0);
  });

  it('refuses a signed body that is not JSON or not account activity with 400 and a reason', async () => {
    const cases: [unknown, string][] = [
      ['{"for_user_id":', 'not JSON'],
      [[], '(top level)'],
      [{ tweet_create_events: [] }, 'for_user_id'],
      [{ for_user_id: 42 }, 'for_user_id'],
      [tweetEvents({ ...tweet(), id_str: 'abc' }), 'tweet_create_events.0.id_str'],
      [tweetEvents({ ...tweet(), user: undefined }), 'tweet_create_events.0.user'],
      [tweetEvents(tweet({ text: undefined })), 'needs its text'],
      [tweetEvents(tweet({ created_at: undefined, timestamp_ms: undefined })), 'timestamp_ms or created_at'],
      [tweetEvents(tweet({ created_at: 'yesterday', timestamp_ms: undefined })), 'not a date X writes'],
      [tweetEvents(tweet({ user: { screen_name: 'no spaces allowed' } })), 'screen_name'],
      [tweetEvents(tweet({ user: { followers_count: -1 } })), 'followers_count'],
      [{ ...directMessage(), users: {} }, 'not in users'],
      [
        { for_user_id: TEST_X_ACCOUNT, direct_message_events: [{ type: 'message_create', id: '1' }] },
        'created_timestamp',
      ],
    ];
    for (const [payload, reason] of cases) {
      const { status, body } = await bed.post(payload);
      expect(status, reason).toBe(400);
      expect((body as { error: { message: string } }).error.message, reason).toContain(reason);
    }
    expect(bed.stored).toHaveLength(0);
    expect(bed.health.status('x').malformed).toBe(cases.length);
  });

  it('accepts event kinds it does not take in (likes, follows, deletes, typing) with 200 and stores nothing', async () => {
    const kinds = [
      { favorite_events: [{ id: 'a7ba59eab0bfcba386f7acedac279542', favorited_status: tweet(), user: {} }] },
      { follow_events: [{ type: 'follow', created_timestamp: '1517588749178', target: {}, source: {} }] },
      { tweet_delete_events: [{ status: { id: '1045405559317569537', user_id: '930524282358325248' } }] },
      { direct_message_indicate_typing_events: [{ created_timestamp: '1518127183443', sender_id: '1', target: {} }] },
      { direct_message_events: [{ type: 'message_read' }] },
    ];
    for (const kind of kinds) {
      const { status, body } = await bed.post({ for_user_id: TEST_X_ACCOUNT, ...kind });
      expect(status, Object.keys(kind)[0]).toBe(200);
      expect(body).toMatchObject({ received: 0, accepted: 0 });
    }
    expect(bed.stored).toHaveLength(0);
    expect(bed.health.status('x').events).toBe(kinds.length);
  });

  it("ignores the company account's own tweets and DMs (our echo), retweets, and blocked people's mentions", async () => {
    const ownTweet = tweet({ user: { id_str: TEST_X_ACCOUNT, screen_name: 'skywardair' } });
    const retweet = tweet({ retweeted_status: tweet(), text: 'RT @skywardair: Lisbon from June!' });
    const ownDm = directMessage({ senderId: TEST_X_ACCOUNT, screenName: 'skywardair' });
    ownDm.direct_message_events[0]!.message_create.target.recipient_id = '3001969357';
    expect((await bed.post(tweetEvents(ownTweet, retweet))).body).toMatchObject({ received: 0, ignored: 2 });
    expect((await bed.post(ownDm)).body).toMatchObject({ received: 0, ignored: 1 });
    // A mention by someone the account blocked: X delivers it flagged.
    expect((await bed.post({ ...tweetEvents(tweet()), user_has_blocked: true })).body).toMatchObject({ ignored: 1 });
    expect(bed.stored).toHaveLength(0);
  });

  it('answers a redelivered tweet as a duplicate', async () => {
    const payload = tweetEvents(tweet());
    await bed.post(payload);
    const { status, body } = await bed.post(payload);
    expect(status).toBe(200);
    expect(body).toEqual({ received: 1, accepted: 0, duplicates: 1 });
    expect(bed.stored).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseCreatedAt } from './mapping';
import { directMessage, startXTestBed, TEST_X_ACCOUNT, tweet, tweetEvents, type XTestBed } from './xTestKit';

let bed: XTestBed;
beforeEach(async () => {
  bed = await startXTestBed();
});
afterEach(async () => {
  await bed.close();
});

describe('a tweet becomes an x_public interaction', () => {
  it("carries the author's handle, name and reach, the text, the time and the ids a reply needs", async () => {
    const t = tweet({ text: '@skywardair my bag is lost &amp; nobody answers &lt;3 hours&gt;' });
    expect((await bed.post(tweetEvents(t))).status).toBe(200);
    expect(bed.stored).toEqual([
      {
        provider: 'x',
        providerMessageId: t.id_str,
        channel: 'x_public',
        threadKey: t.id_str,
        kind: 'message',
        author: { kind: 'x_handle', value: '@maya_l', displayName: 'Maya Lopez', followers: 52_000 },
        text: '@skywardair my bag is lost & nobody answers <3 hours>',
        occurredAt: '2018-10-10T20:19:24.000Z',
        meta: { xUserId: '6253282', tweetId: t.id_str, inReplyToTweetId: null },
      },
    ]);
  });

  it('takes the whole text of a long tweet: extended_tweet.full_text, then full_text, then text', async () => {
    const whole = `@skywardair ${'my cello case was crushed on SK123 and the desk sent me away. '.repeat(3)}`;
    await bed.post(
      tweetEvents(
        tweet({ text: `${whole.slice(0, 139)}…`, truncated: true, extended_tweet: { full_text: whole } }),
        tweet({ text: 'short', full_text: 'the full text' }),
        tweet({ text: 'only text' }),
      ),
    );
    expect(bed.stored.map((s) => s.text)).toEqual([whole, 'the full text', 'only text']);
  });

  it('dates a tweet by timestamp_ms, else by created_at with its offset', async () => {
    await bed.post(
      tweetEvents(
        tweet({ timestamp_ms: '1700000000123', created_at: 'Wed Oct 10 20:19:24 +0000 2018' }),
        tweet({ timestamp_ms: undefined, created_at: 'Wed Oct 10 20:19:24 +0000 2018' }),
        tweet({ timestamp_ms: undefined, created_at: 'Wed Oct 10 22:19:24 +0200 2018' }),
      ),
    );
    expect(bed.stored.map((s) => s.occurredAt)).toEqual([
      '2023-11-14T22:13:20.123Z',
      '2018-10-10T20:19:24.000Z',
      '2018-10-10T20:19:24.000Z',
    ]);
  });

  it('keeps a conversation id X sends in meta, and leaves out a name or reach X did not send', async () => {
    const t = tweet({ conversation_id_str: '1050000000000000001', user: { name: '  ', followers_count: undefined } });
    await bed.post(tweetEvents(t));
    expect(bed.stored[0]).toMatchObject({
      author: { kind: 'x_handle', value: '@maya_l' },
      meta: { conversationId: '1050000000000000001' },
    });
    expect(bed.stored[0]!.author).not.toHaveProperty('displayName');
    expect(bed.stored[0]!.author).not.toHaveProperty('followers');
  });
});

describe('parseCreatedAt', () => {
  it("reads X's v1.1 created_at and refuses what X never writes", () => {
    expect(parseCreatedAt('Wed Oct 10 20:19:24 +0000 2018')).toBe('2018-10-10T20:19:24.000Z');
    expect(parseCreatedAt('Thu Jan 01 00:30:00 -0130 2026')).toBe('2026-01-01T02:00:00.000Z');
    expect(parseCreatedAt('Mon Jan 01 00:00:00 +0000 0050')).toBe('0050-01-01T00:00:00.000Z');
    for (const bad of [
      'Wed Feb 31 20:19:24 +0000 2018',
      'Wed Oct 10 24:19:24 +0000 2018',
      'Wed Oct 10 20:61:24 +0000 2018',
      'Wed Foo 10 20:19:24 +0000 2018',
      '2018-10-10T20:19:24Z',
      'Wed Oct 10 20:19:24 +0000 0000',
      '',
    ]) {
      expect(parseCreatedAt(bad), bad).toBeNull();
    }
  });
});

describe('a direct message becomes an x_dm interaction', () => {
  it('takes the sender from the users map, one thread per customer (X’s one-to-one conversation id)', async () => {
    await bed.post(directMessage({ id: '954491830116155001', text: 'Booking ABC123', at: 1516403560557 }));
    await bed.post(directMessage({ id: '954491830116155002', text: 'Any news?' }));
    await bed.post(
      directMessage({ id: '954491830116155003', senderId: '99', screenName: 'other_person', name: 'Other Person' }),
    );
    expect(bed.stored[0]).toEqual({
      provider: 'x',
      providerMessageId: '954491830116155001',
      channel: 'x_dm',
      threadKey: `3001969357-${TEST_X_ACCOUNT}`,
      kind: 'message',
      author: { kind: 'x_handle', value: '@furiouscamper', displayName: 'Jordan Brinks', followers: 22 },
      text: 'Booking ABC123',
      occurredAt: '2018-01-19T23:12:40.557Z',
      meta: {
        xUserId: '3001969357',
        dmEventId: '954491830116155001',
        dmConversationId: `3001969357-${TEST_X_ACCOUNT}`,
      },
    });
    expect(bed.stored.map((s) => s.threadKey)).toEqual([
      `3001969357-${TEST_X_ACCOUNT}`,
      `3001969357-${TEST_X_ACCOUNT}`,
      `99-${TEST_X_ACCOUNT}`,
    ]);
  });

  it('orders the conversation id numerically, as X does, whichever side is larger', () => {
    // 20-digit sender: larger than the account id, so it comes second.
    return bed.post(directMessage({ senderId: '12345678901234567890' })).then(() => {
      expect(bed.stored[0]!.threadKey).toBe(`${TEST_X_ACCOUNT}-12345678901234567890`);
    });
  });
});

describe('threads rebuilt from reply and conversation ids', () => {
  it('puts a reply to a tweet we hold in that tweet’s conversation', async () => {
    const root = tweet({ conversation_id_str: '1050000000000000999' });
    await bed.post(tweetEvents(root));
    // The root was filed under the conversation id X named; its reply follows it there.
    const reply = tweet({ in_reply_to_status_id_str: root.id_str, user: { screen_name: 'maya_l' } });
    await bed.post(tweetEvents(reply));
    expect(bed.stored.map((s) => s.threadKey)).toEqual(['1050000000000000999', '1050000000000000999']);
    expect(bed.stored[1]!.meta).toMatchObject({ inReplyToTweetId: root.id_str });
  });

  it('puts a reply to our own sent reply in the thread that reply answered', async () => {
    const root = tweet();
    await bed.post(tweetEvents(root));
    // The agent's reply went out as tweet 1500…; the dispatcher stored its id on the thread.
    bed.sent('1500000000000000001', root.id_str);
    await bed.post(tweetEvents(tweet({ in_reply_to_status_id_str: '1500000000000000001', text: 'DM sent, thanks' })));
    expect(bed.stored[1]!.threadKey).toBe(root.id_str);
  });

  it('a reply to a tweet we do not hold: its conversation id, else the tweet it answers', async () => {
    await bed.post(
      tweetEvents(
        tweet({ in_reply_to_status_id_str: '1000000000000000001', conversation_id_str: '1000000000000000000' }),
        tweet({ in_reply_to_status_id_str: '1000000000000000002', conversation_id: '1000000000000000005' }),
        // A numeric conversation_id has lost precision: not used.
        tweet({ in_reply_to_status_id_str: '1000000000000000003', conversation_id: 1000000000000000000 }),
      ),
    );
    expect(bed.stored.map((s) => s.threadKey)).toEqual([
      '1000000000000000000',
      '1000000000000000005',
      '1000000000000000003',
    ]);
  });

  it("files a viral pile-on (other people's replies, replies to replies, the author's update) in one thread", async () => {
    const root = tweet({
      text: '@skywardair broke my guitar',
      user: { screen_name: 'jessmarlowemusic', followers_count: 1_850_000 },
    });
    await bed.post(tweetEvents(root));
    const replies = Array.from({ length: 6 }, (_, i) =>
      tweet({
        text: `@jessmarlowemusic same happened to me #${i}`,
        in_reply_to_status_id_str: root.id_str,
        user: { id_str: String(800 + i), screen_name: `replier_${i}`, followers_count: 10 + i },
      }),
    );
    await bed.post(tweetEvents(...replies));
    const deeper = tweet({
      in_reply_to_status_id_str: replies[3]!.id_str,
      user: { id_str: '900', screen_name: 'late_one' },
    });
    // A reply and a reply to it in one delivery: the second finds the first in the batch.
    const first = tweet({ in_reply_to_status_id_str: root.id_str, user: { id_str: '901', screen_name: 'a_first' } });
    const second = tweet({ in_reply_to_status_id_str: first.id_str, user: { id_str: '902', screen_name: 'a_second' } });
    await bed.post(tweetEvents(deeper, first, second));
    await bed.post(
      tweetEvents(tweet({ in_reply_to_status_id_str: root.id_str, user: { screen_name: 'jessmarlowemusic' } })),
    );
    expect(bed.stored).toHaveLength(11);
    expect(new Set(bed.stored.map((s) => s.threadKey))).toEqual(new Set([root.id_str]));
    expect(new Set(bed.stored.map((s) => s.author.value)).size).toBe(10);
  });

  it('a new tweet opens its own thread', async () => {
    const a = tweet();
    const b = tweet();
    await bed.post(tweetEvents(a, b));
    expect(bed.stored.map((s) => s.threadKey)).toEqual([a.id_str, b.id_str]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InteractionInput } from '../../../shared/ingest';
import { normaliseHandle } from '../../enrich/mentions';
import { startXTestBed, TEST_X_ACCOUNT, TEST_X_SECRET, type XTestBed } from '../../channels/x/xTestKit';
import { BRAND, createTrafficGenerator } from '../traffic';
import { createdAt, encodeXInteraction } from './x';

let bed: XTestBed;
beforeEach(async () => {
  bed = await startXTestBed();
});
afterEach(async () => {
  await bed.close();
});

const options = { consumerSecret: TEST_X_SECRET, accountId: TEST_X_ACCOUNT };

/** Posts one generator interaction through the encoder and the real webhook; returns what was stored. */
async function roundTrip(interaction: InteractionInput): Promise<InteractionInput> {
  const request = encodeXInteraction(interaction, options);
  if (!request) throw new Error(`not an X interaction: ${interaction.channel}`);
  const before = bed.stored.length;
  const response = await bed.app.inject({
    method: request.method,
    url: request.path,
    headers: request.headers,
    payload: request.body,
  });
  expect(response.statusCode, response.body).toBe(200);
  expect(bed.stored).toHaveLength(before + 1);
  return bed.stored[before]!;
}

describe('the simulator encoder for X', () => {
  it(
    'turns generated X traffic into signed deliveries the adapter files as the generator meant',
    { timeout: 60_000 },
    async () => {
      const generator = createTrafficGenerator(20_261_126);
      let now = Date.parse('2026-11-26T09:00:00Z');
      const generated: InteractionInput[] = [];
      for (let event = 0; event < 1500; event++) {
        now += 7_000;
        generated.push(...generator.next(new Date(now)));
        if (event === 900) generated.push(...generator.spike(new Date(now)));
      }
      const x = generated.filter((i) => i.channel === 'x_public' || i.channel === 'x_dm');
      // Generator → ours, per thread: the same grouping both ways.
      const threadOf = new Map<string, string>();
      const generatorThreadOf = new Map<string, string>();
      let replies = 0;
      for (const interaction of x) {
        const stored = await roundTrip(interaction);
        expect(stored.channel).toBe(interaction.channel);
        expect(normaliseHandle('x_handle', stored.author.value)).toBe(
          normaliseHandle('x_handle', interaction.author.value),
        );
        expect(stored.author.displayName).toBe(interaction.author.displayName);
        expect(stored.author.followers).toBe(interaction.author.followers);
        expect(stored.text).toBe(interaction.text);
        expect(stored.occurredAt).toBe(interaction.occurredAt);
        if (interaction.channel === 'x_public') {
          expect(stored.providerMessageId).toBe(interaction.providerMessageId);
          // Tweets keep the generator's own thread keys: the root tweet's id.
          expect(stored.threadKey).toBe(interaction.threadKey);
        }
        const key = `${interaction.channel}:${interaction.threadKey}`;
        const ours = `${stored.channel}:${stored.threadKey}`;
        expect(threadOf.get(key) ?? ours, key).toBe(ours);
        expect(generatorThreadOf.get(ours) ?? key, ours).toBe(key);
        threadOf.set(key, ours);
        generatorThreadOf.set(ours, key);
        if (interaction.meta?.inReplyTo) replies++;
      }
      const dms = x.filter((i) => i.channel === 'x_dm');
      const dmThreads = new Set(dms.map((i) => i.threadKey));
      console.info(
        `X encoder round trip: ${x.length} interactions (${dms.length} DMs in ${dmThreads.size} threads, ${replies} replies on viral threads), ${threadOf.size} threads`,
      );
      // The run covered what matters: viral pile-ons, repeat DMs from one customer, long tweets.
      expect(replies).toBeGreaterThan(20);
      expect(dms.length).toBeGreaterThan(dmThreads.size);
      expect(x.some((i) => [...i.text].length > 140)).toBe(true);
    },
  );

  it('signs with the consumer secret: a delivery signed for another backend is refused', async () => {
    const generator = createTrafficGenerator(7);
    let interaction: InteractionInput | undefined;
    for (let now = Date.now(); !interaction; now += 1000) {
      interaction = generator.next(new Date(now)).find((i) => i.channel === 'x_public');
    }
    const request = encodeXInteraction(interaction, { ...options, consumerSecret: 'someone-elses-secret' })!;
    const response = await bed.app.inject({
      method: 'POST',
      url: request.path,
      headers: request.headers,
      payload: request.body,
    });
    expect(response.statusCode).toBe(401);
    expect(bed.stored).toHaveLength(0);
  });

  it('writes the account-activity shape: v1.1 tweets, message_create DMs with the users map', () => {
    const at = '2026-11-26T09:15:02.345Z';
    const long = `${BRAND.xHandle} ${'the desk in Lisbon & the app both said <nothing>. '.repeat(4)}`;
    const tweetRequest = encodeXInteraction(
      {
        provider: 'x',
        providerMessageId: '1712345600000000042',
        channel: 'x_public',
        threadKey: '1712345600000000001',
        author: { kind: 'x_handle', value: 'maya_l', displayName: 'Maya L', followers: 1200 },
        text: long,
        occurredAt: at,
        meta: { inReplyTo: '1712345600000000001' },
      },
      options,
    )!;
    expect(tweetRequest.path).toBe('/webhooks/x');
    expect(tweetRequest.headers['x-twitter-webhooks-signature']).toMatch(/^sha256=[A-Za-z0-9+/]+=*$/u);
    const tweetBody = JSON.parse(tweetRequest.body) as {
      for_user_id: string;
      tweet_create_events: Record<string, unknown>[];
    };
    expect(tweetBody.for_user_id).toBe(TEST_X_ACCOUNT);
    expect(tweetBody.tweet_create_events[0]).toMatchObject({
      id_str: '1712345600000000042',
      created_at: 'Thu Nov 26 09:15:02 +0000 2026',
      timestamp_ms: String(Date.parse(at)),
      truncated: true,
      in_reply_to_status_id_str: '1712345600000000001',
      user: { screen_name: 'maya_l', name: 'Maya L', followers_count: 1200 },
      extended_tweet: { full_text: long.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;') },
    });
    expect([...(tweetBody.tweet_create_events[0]!.text as string)]).toHaveLength(140);

    const dmRequest = encodeXInteraction(
      {
        provider: 'x',
        providerMessageId: 'dm123456000000000001',
        channel: 'x_dm',
        threadKey: `${BRAND.xUserId}-8123456000000001`,
        author: { kind: 'x_handle', value: 'maya_l', displayName: 'Maya L' },
        text: 'Booking ref ABC123',
        occurredAt: at,
      },
      options,
    )!;
    const dmBody = JSON.parse(dmRequest.body) as {
      direct_message_events: { type: string; id: string; message_create: { sender_id: string } }[];
      users: Record<string, { screen_name: string; followers_count?: number }>;
    };
    const [event] = dmBody.direct_message_events;
    expect(event).toMatchObject({ type: 'message_create', created_timestamp: String(Date.parse(at)) });
    expect(event!.id).toMatch(/^\d{1,19}$/u);
    const sender = event!.message_create.sender_id;
    // One person, one X id: the same as on their tweet.
    expect(sender).toBe((tweetBody.tweet_create_events[0]!.user as { id_str: string }).id_str);
    expect(dmBody.users[sender]).toMatchObject({ screen_name: 'maya_l' });
    expect(dmBody.users[sender]).not.toHaveProperty('followers_count');
    expect(dmBody.users[TEST_X_ACCOUNT]).toMatchObject({ screen_name: 'skywardair' });
  });

  it('leaves other channels alone', () => {
    const email = { channel: 'email' } as InteractionInput;
    expect(encodeXInteraction(email, options)).toBeNull();
  });

  it("writes created_at in X's format", () => {
    expect(createdAt(new Date('2018-10-10T20:19:24Z'))).toBe('Wed Oct 10 20:19:24 +0000 2018');
    expect(createdAt(new Date('2026-01-04T03:04:05Z'))).toBe('Sun Jan 04 03:04:05 +0000 2026');
  });
});

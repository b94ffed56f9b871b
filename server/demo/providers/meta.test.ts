import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionInput } from '../../../shared/ingest';
import { startMetaTestApp, TEST_APP_SECRET, TEST_PAGE_ID, type MetaTestApp } from '../../channels/meta/metaTestKit';
import { BRAND, createTrafficGenerator } from '../traffic';
import { encodeMetaInteraction } from './meta';

/** Generator → encoder → the real Meta webhook → the same interactions, threaded the same way. */
describe('Meta simulator encoder', () => {
  let t: MetaTestApp;
  beforeAll(async () => {
    t = await startMetaTestApp();
  });
  afterAll(async () => {
    await t.app.close();
  });

  it('the demo page is the configured page', () => {
    expect(BRAND.facebookPageId).toBe(TEST_PAGE_ID);
  });

  it('leaves other channels to their own encoders', () => {
    const email = { channel: 'email', text: 'x' } as InteractionInput;
    expect(encodeMetaInteraction(email, { appSecret: TEST_APP_SECRET, pageId: TEST_PAGE_ID })).toBeNull();
  });

  it('turns generated Facebook and Messenger traffic into signed webhooks the adapter maps back', async () => {
    const generator = createTrafficGenerator(20260302);
    const generated: InteractionInput[] = [];
    const start = Date.parse('2026-03-02T08:00:00Z');
    for (let i = 0; i < 600; i++) {
      const now = new Date(start + i * 20_000);
      const event = i % 150 === 149 ? generator.spike(now) : generator.next(now);
      generated.push(...event.filter((x) => x.channel === 'facebook' || x.channel === 'messenger'));
    }
    const received: InteractionInput[] = [];
    for (const interaction of generated) {
      const request = encodeMetaInteraction(interaction, { appSecret: TEST_APP_SECRET, pageId: TEST_PAGE_ID })!;
      const res = await t.app.inject({
        method: request.method,
        url: request.path,
        headers: request.headers,
        payload: request.body,
      });
      expect(res.statusCode, res.body).toBe(200);
      received.push(...t.batches.splice(0).flat());
    }

    const counts = {
      comments: generated.filter((g) => g.meta?.item === 'comment').length,
      posts: generated.filter((g) => g.channel === 'facebook' && g.meta?.item !== 'comment').length,
      messenger: generated.filter((g) => g.channel === 'messenger').length,
    };
    console.log(`meta encoder round trip: ${JSON.stringify(counts)} → ${received.length} interactions`);
    expect(counts.comments).toBeGreaterThan(10);
    expect(counts.posts).toBeGreaterThan(10);
    expect(counts.messenger).toBeGreaterThan(10);
    expect(received).toHaveLength(generated.length);

    const threadOf = new Map<string, string>();
    const generatedThreadOf = new Map<string, string>();
    for (const [i, want] of generated.entries()) {
      const got = received[i]!;
      expect(got.provider).toBe('meta');
      expect(got.channel).toBe(want.channel);
      expect(got.text).toBe(want.text);
      expect(got.author.kind).toBe('facebook_id');
      expect(got.author.value).toBe(want.author.value);
      // Messenger webhooks carry no name; feed events do.
      if (want.channel === 'facebook') expect(got.author.displayName).toBe(want.author.displayName);
      expect(Date.parse(got.occurredAt) - Date.parse(want.occurredAt)).toBeLessThan(1000);
      // The same grouping both ways: one generated thread ↔ one adapter thread.
      const key = `${want.channel}:${want.threadKey}`;
      const gotKey = `${got.channel}:${got.threadKey}`;
      expect(threadOf.get(key) ?? gotKey).toBe(gotKey);
      expect(generatedThreadOf.get(gotKey) ?? key).toBe(key);
      threadOf.set(key, gotKey);
      generatedThreadOf.set(gotKey, key);
    }
    const repeatPeople =
      generated.filter((g) => g.channel === 'messenger').length -
      new Set(generated.filter((g) => g.channel === 'messenger').map((g) => g.threadKey)).size;
    console.log(`threads: ${threadOf.size}; messenger messages joining an earlier thread: ${repeatPeople}`);
  });
});

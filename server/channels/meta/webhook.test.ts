import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMetaTestApp, TEST_APP_SECRET, TEST_PAGE_ID, type MetaTestApp } from './metaTestKit';
import { metaSignature } from './webhook';

type ErrorAnswer = { error: { code: string; message: string } };

const POST_ID = `${TEST_PAGE_ID}_771000000000101`;

function feed(value: Record<string, unknown>, entry: Record<string, unknown> = {}) {
  return {
    object: 'page',
    entry: [{ id: TEST_PAGE_ID, time: 1772445600, changes: [{ field: 'feed', value }], ...entry }],
  };
}

function comment(over: Record<string, unknown> = {}) {
  return {
    from: { id: '1020000000001', name: 'Lucía García' },
    post: { id: POST_ID, status_type: 'added_photos', is_published: true },
    message: 'My bag came off the belt in Madrid completely broken.',
    post_id: POST_ID,
    comment_id: '771000000000101_900000001',
    created_time: 1772445600,
    item: 'comment',
    parent_id: POST_ID,
    verb: 'add',
    ...over,
  };
}

function messaging(events: Record<string, unknown>[]) {
  return { object: 'page', entry: [{ id: TEST_PAGE_ID, time: 1772445600123, messaging: events }] };
}

function message(over: Record<string, unknown> = {}, messageOver: Record<string, unknown> = {}) {
  return {
    sender: { id: '6100000000000042' },
    recipient: { id: TEST_PAGE_ID },
    timestamp: 1772445600123,
    message: { mid: 'm_AbC123', text: 'Hi, can I change my flight to Friday?', ...messageOver },
    ...over,
  };
}

describe('Meta webhook', () => {
  let t: MetaTestApp;
  beforeEach(async () => {
    t = await startMetaTestApp();
  });
  afterEach(async () => {
    await t.app.close();
  });

  describe('subscription check', () => {
    const verify = (query: string) => t.app.inject({ method: 'GET', url: `/webhooks/meta?${query}` });

    it('echoes the challenge as text when the verify token is ours', async () => {
      const res = await verify('hub.mode=subscribe&hub.verify_token=demo-meta-verify-token&hub.challenge=1158201444');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('1158201444');
    });

    it('refuses a wrong verify token with 403 and counts it', async () => {
      const res = await verify('hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444');
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain('1158201444');
      expect(t.health.status('meta').authFailures).toBe(1);
    });

    it('answers 400 when a parameter is missing or the mode is not subscribe', async () => {
      for (const query of [
        '',
        'hub.mode=subscribe&hub.verify_token=demo-meta-verify-token',
        'hub.verify_token=demo-meta-verify-token&hub.challenge=1',
        'hub.mode=unsubscribe&hub.verify_token=demo-meta-verify-token&hub.challenge=1',
      ]) {
        const res = await verify(query);
        expect(res.statusCode, query).toBe(400);
        expect(res.json()).toMatchObject({ error: { code: 'invalid_event' } });
      }
    });
  });

  describe('signature', () => {
    it('refuses a forged or missing X-Hub-Signature-256 with 401, stores nothing and counts it', async () => {
      const forged = await t.post(feed(comment()), { signature: `sha256=${'0'.repeat(64)}` });
      expect(forged.statusCode).toBe(401);
      expect(forged.json()).toMatchObject({ error: { code: 'bad_signature' } });
      const missing = await t.post(feed(comment()), { signature: null });
      expect(missing.statusCode).toBe(401);
      expect(missing.json<ErrorAnswer>().error.message).toContain('missing');
      const otherSecret = await t.post(feed(comment()), {
        signature: 'sha256=' + 'ab'.repeat(32),
      });
      expect(otherSecret.statusCode).toBe(401);
      expect(t.batches).toEqual([]);
      const status = t.health.status('meta');
      expect(status.badSignatures).toBe(3);
      expect(status.badSignatureRate).toBe(1);
      expect(status.status).toBe('failing');
    });

    it('checks the signature over the exact bytes: re-serialised JSON does not pass', async () => {
      const raw = JSON.stringify(feed(comment()), null, 2);
      const res = await t.post(JSON.stringify(feed(comment())), { signature: metaSignature(TEST_APP_SECRET, raw) });
      expect(res.statusCode).toBe(401);
    });
  });

  describe('page feed', () => {
    it('maps a comment under a page post to a facebook conversation keyed by the comment', async () => {
      const res = await t.post(feed(comment()));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ received: 1, accepted: 1, duplicates: 0 });
      expect(t.batches).toEqual([
        [
          {
            provider: 'meta',
            providerMessageId: '771000000000101_900000001',
            channel: 'facebook',
            threadKey: '771000000000101_900000001',
            kind: 'message',
            author: { kind: 'facebook_id', value: '1020000000001', displayName: 'Lucía García' },
            text: 'My bag came off the belt in Madrid completely broken.',
            occurredAt: '2026-03-02T10:00:00.000Z',
            meta: {
              item: 'comment',
              postId: POST_ID,
              commentId: '771000000000101_900000001',
              parentId: POST_ID,
              topLevelCommentId: '771000000000101_900000001',
            },
          },
        ],
      ]);
      expect(t.health.status('meta')).toMatchObject({ events: 1, status: 'connected' });
    });

    it('threads a reply to a comment, and a reply to that reply, under the top-level comment', async () => {
      const top = '771000000000101_900000001';
      await t.post({
        object: 'page',
        entry: [
          {
            id: TEST_PAGE_ID,
            time: 1772445600,
            changes: [
              { field: 'feed', value: comment() },
              {
                field: 'feed',
                value: comment({ comment_id: '771000000000101_900000002', parent_id: top, message: 'Same here!' }),
              },
              {
                field: 'feed',
                value: comment({ comment_id: '771000000000101_900000003', parent_id: top, message: '@Lucía me too' }),
              },
            ],
          },
        ],
      });
      const [batch] = t.batches;
      expect(batch!.map((i) => i.threadKey)).toEqual([top, top, top]);
      expect(batch![2]!.meta).toMatchObject({ parentId: top, topLevelCommentId: top });
    });

    it('joins a comment to the thread that already holds its parent (a visitor post)', async () => {
      t.threads.set(`${TEST_PAGE_ID}_555`, `${TEST_PAGE_ID}_555`);
      await t.post(
        feed(comment({ post_id: `${TEST_PAGE_ID}_555`, parent_id: `${TEST_PAGE_ID}_555`, comment_id: '555_1' })),
      );
      expect(t.batches[0]![0]!.threadKey).toBe(`${TEST_PAGE_ID}_555`);
    });

    it('maps a visitor post on the page to its own conversation keyed by the post', async () => {
      await t.post(
        feed({
          from: { id: '1020000000002', name: 'Hugo Martin' },
          message: 'Vol annulé sans explication.',
          post_id: `${TEST_PAGE_ID}_880000000000001`,
          created_time: 1772445600,
          item: 'status',
          published: 1,
          verb: 'add',
        }),
      );
      expect(t.batches[0]).toMatchObject([
        {
          providerMessageId: `${TEST_PAGE_ID}_880000000000001`,
          channel: 'facebook',
          threadKey: `${TEST_PAGE_ID}_880000000000001`,
          author: { value: '1020000000002', displayName: 'Hugo Martin' },
          text: 'Vol annulé sans explication.',
          meta: { item: 'visitor_post', postId: `${TEST_PAGE_ID}_880000000000001` },
        },
      ]);
    });

    it('gives a photo comment without text a text the agent can read', async () => {
      const { message: _m, ...noText } = comment({ photo: 'https://scontent.example/p.jpg' });
      await t.post(feed(noText));
      expect(t.batches[0]![0]!.text).toBe('[photo comment]');
    });

    it('acknowledges edits, removals, reactions, likes and the page’s own comments without storing them', async () => {
      const ignored = [
        comment({ verb: 'edited' }),
        comment({ verb: 'remove' }),
        { item: 'reaction', verb: 'add', reaction_type: 'like', from: { id: '1' }, post_id: POST_ID },
        { item: 'like', verb: 'add' },
        comment({ from: { id: TEST_PAGE_ID, name: 'Skyward Air' } }),
      ];
      for (const value of ignored) {
        const res = await t.post(feed(value));
        expect(res.statusCode, JSON.stringify(value)).toBe(200);
        expect(res.json()).toMatchObject({ received: 0 });
      }
      const other = await t.post({
        object: 'page',
        entry: [{ id: TEST_PAGE_ID, time: 1, changes: [{ field: 'mention', value: { post_id: '1' } }] }],
      });
      expect(other.statusCode).toBe(200);
      expect(t.batches).toEqual([]);
    });

    it('refuses a comment without its author or ids with 400 naming the field', async () => {
      const { from: _f, ...anonymous } = comment();
      const res = await t.post(feed(anonymous));
      expect(res.statusCode).toBe(400);
      expect(res.json<ErrorAnswer>().error.message).toBe(
        'entry 1, change 1 (comment): from: Invalid input: expected object, received undefined',
      );
      expect(t.health.status('meta').malformed).toBe(1);
      expect(t.batches).toEqual([]);
    });
  });

  describe('Messenger', () => {
    it('maps a message to a messenger conversation, one per person (PSID)', async () => {
      const res = await t.post(
        messaging([message(), message({ timestamp: 1772445660000 }, { mid: 'm_AbC124', text: 'Booking QX7P2L' })]),
      );
      expect(res.statusCode).toBe(200);
      expect(t.batches[0]).toEqual([
        {
          provider: 'meta',
          providerMessageId: 'm_AbC123',
          channel: 'messenger',
          threadKey: 'psid:6100000000000042',
          kind: 'message',
          author: { kind: 'facebook_id', value: '6100000000000042' },
          text: 'Hi, can I change my flight to Friday?',
          occurredAt: '2026-03-02T10:00:00.123Z',
          meta: { psid: '6100000000000042', mid: 'm_AbC123' },
        },
        expect.objectContaining({ providerMessageId: 'm_AbC124', threadKey: 'psid:6100000000000042' }),
      ]);
    });

    it('names attachments that come without text', async () => {
      await t.post(
        messaging([
          message({}, { text: undefined, attachments: [{ type: 'image', payload: { url: 'https://x/y.jpg' } }] }),
          message({}, { mid: 'm_2', text: 'Here is the receipt', attachments: [{ type: 'file', payload: {} }] }),
        ]),
      );
      expect(t.batches[0]!.map((i) => i.text)).toEqual([
        '[image attachment]',
        'Here is the receipt\n[file attachment]',
      ]);
    });

    it('ignores echoes, deliveries, reads and messages from the page itself', async () => {
      const res = await t.post(
        messaging([
          message(
            { sender: { id: TEST_PAGE_ID }, recipient: { id: '6100000000000042' } },
            { is_echo: true, app_id: 1 },
          ),
          message({ sender: { id: TEST_PAGE_ID } }),
          {
            sender: { id: '6100000000000042' },
            recipient: { id: TEST_PAGE_ID },
            delivery: { mids: ['m_1'], watermark: 1 },
          },
          { sender: { id: '6100000000000042' }, recipient: { id: TEST_PAGE_ID }, timestamp: 1, read: { watermark: 1 } },
        ]),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ received: 0, accepted: 0, duplicates: 0, ignored: 4 });
      expect(t.batches).toEqual([]);
    });
  });

  describe('malformed bodies', () => {
    it('refuses another object, a body that is not JSON and a bad envelope with 400 and a reason', async () => {
      const instagram = await t.post({ object: 'instagram', entry: [] });
      expect(instagram.statusCode).toBe(400);
      expect(instagram.json<ErrorAnswer>().error.message).toBe(
        'object: expected "page" (this webhook takes page feed and Messenger events), got "instagram".',
      );
      const notJson = await t.post('{"object": "page",');
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json<ErrorAnswer>().error.message).toBe('The body is not JSON.');
      const noEntry = await t.post({ object: 'page' });
      expect(noEntry.statusCode).toBe(400);
      expect(noEntry.json<ErrorAnswer>().error.message).toContain('entry');
      expect(t.health.status('meta').malformed).toBe(3);
    });

    it('passes on the ingestion path’s answers: 429 when shedding load, 400 when a mapped event is invalid', async () => {
      t.nextOutcome = { status: 'overloaded' };
      const busy = await t.post(feed(comment()));
      expect(busy.statusCode).toBe(429);
      expect(busy.headers['retry-after']).toBe('1');
      t.nextOutcome = { status: 'invalid', reason: 'text: Too big' };
      const invalid = await t.post(feed(comment()));
      expect(invalid.statusCode).toBe(400);
    });
  });
});

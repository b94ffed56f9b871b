import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../config';
import { graphError, startGraphApiStandin } from '../../standins/graphApi';
import type { Standin } from '../../standins/standin';
import { refusal, senderContext } from '../senderTestKit';
import type { ChannelContext, OutboundReply } from '../types';
import { createGraphSender } from './graphSender';

const PAGE_ID = '104000000000001';
const TOKEN = 'page-token-for-tests';
const HOUR = 3600_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const POST_ID = `${PAGE_ID}_771000000000101`;
const TOP = '771000000000101_900000001';

function context(baseUrl: string, overrides: Partial<ServerConfig> = {}): ChannelContext {
  return senderContext(
    {
      META_GRAPH_BASE_URL: baseUrl,
      META_PAGE_ID: PAGE_ID,
      META_PAGE_ACCESS_TOKEN: TOKEN,
      META_GRAPH_VERSION: 'v21.0',
      ...overrides,
    },
    () => NOW,
  );
}

function reply(over: Partial<OutboundReply> = {}): OutboundReply {
  return {
    deliveryId: 'd1',
    messageId: 'd1',
    conversationId: 'c1',
    conversationChannel: 'messenger',
    channel: 'messenger',
    visibility: 'private',
    body: 'Hi Lucía, I have moved you to Friday’s flight.',
    threadKey: 'psid:6100000000000042',
    subject: null,
    recipient: { kind: 'facebook_id', value: '6100000000000042', displayName: null },
    inReplyTo: { providerMessageId: 'm_AbC123', meta: { psid: '6100000000000042', mid: 'm_AbC123' } },
    threadMessageIds: ['m_AbC123'],
    lastInboundAt: new Date(NOW - HOUR),
    agent: { id: 'dana', name: 'Dana' },
    attempt: 0,
    ...over,
  };
}

function facebookReply(visibility: 'public' | 'private', meta: Record<string, unknown>): OutboundReply {
  return reply({
    conversationChannel: 'facebook',
    channel: 'facebook',
    visibility,
    threadKey: TOP,
    recipient: { kind: 'facebook_id', value: '1020000000001', displayName: 'Lucía García' },
    inReplyTo: { providerMessageId: String(meta.commentId ?? meta.postId), meta },
  });
}

describe('Graph sender against the Graph API stand-in', () => {
  let graph: Standin;
  beforeAll(async () => {
    graph = await startGraphApiStandin({ pageId: PAGE_ID, pageAccessToken: TOKEN });
  });
  afterEach(() => {
    graph.requests.length = 0;
  });
  afterAll(async () => {
    await graph.close();
  });

  describe('Messenger and its messaging window', () => {
    it('answers within 24 hours as a RESPONSE to the PSID', async () => {
      const sender = createGraphSender(context(graph.url));
      const result = await sender.send(reply({ lastInboundAt: new Date(NOW - 23 * HOUR) }));
      expect(graph.requests).toHaveLength(1);
      const [request] = graph.requests;
      expect(request).toMatchObject({
        method: 'POST',
        path: `/v21.0/${PAGE_ID}/messages`,
        query: { access_token: TOKEN },
        body: {
          recipient: { id: '6100000000000042' },
          messaging_type: 'RESPONSE',
          message: { text: 'Hi Lucía, I have moved you to Friday’s flight.' },
        },
      });
      expect(request!.body).not.toHaveProperty('tag');
      expect(result.providerMessageId).toMatch(/^m_/);
      expect(result.meta).toEqual({ psid: '6100000000000042', messagingType: 'RESPONSE', tag: null });
    });

    it('uses the HUMAN_AGENT tag after 24 hours', async () => {
      const sender = createGraphSender(context(graph.url));
      await sender.send(reply({ lastInboundAt: new Date(NOW - 25 * HOUR) }));
      expect(graph.requests[0]!.body).toMatchObject({
        recipient: { id: '6100000000000042' },
        messaging_type: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
      });
    });

    it('refuses for good after 7 days, with the window explanation, and sends nothing', async () => {
      const sender = createGraphSender(context(graph.url));
      const error = await refusal(sender.send(reply({ lastInboundAt: new Date(NOW - 8 * 24 * HOUR) })));
      expect(error.retryable).toBe(false);
      expect(error.code).toBe('messaging_window_closed');
      expect(error.message).toBe(
        "Messenger window closed 24 h ago: Messenger allows replies up to 7 days after the customer's last message. Answer by email if the customer has an address, or wait for them to write again.",
      );
      expect(graph.requests).toHaveLength(0);
    });

    it('refuses a message longer than Messenger takes, before sending', async () => {
      const sender = createGraphSender(context(graph.url));
      const error = await refusal(sender.send(reply({ body: 'é'.repeat(2001) })));
      expect(error.retryable).toBe(false);
      expect(error.message).toBe(
        'A Messenger message takes at most 2,000 characters; this reply has 2,001. Shorten it and send it again.',
      );
      expect(graph.requests).toHaveLength(0);
    });

    it('passes on Graph’s outside-window refusal as final', async () => {
      graph.failNext(
        graphError(400, {
          message: '(#10) This message is sent outside of allowed window.',
          code: 10,
          error_subcode: 2018278,
        }),
      );
      const error = await refusal(createGraphSender(context(graph.url)).send(reply()));
      expect(error).toMatchObject({ retryable: false, code: 'messaging_window_closed' });
      expect(error.message).toContain('outside of allowed window');
      expect(error.message).toContain('(code 10/2018278)');
    });
  });

  describe('Facebook comments', () => {
    it('answers a comment publicly under the top-level comment', async () => {
      const sender = createGraphSender(context(graph.url));
      const result = await sender.send(
        facebookReply('public', { postId: POST_ID, commentId: TOP, parentId: POST_ID, topLevelCommentId: TOP }),
      );
      expect(graph.requests[0]).toMatchObject({
        path: `/v21.0/${TOP}/comments`,
        query: { access_token: TOKEN },
        body: { message: 'Hi Lucía, I have moved you to Friday’s flight.' },
      });
      expect(result.providerMessageId).toMatch(/^900000001_\d+$/);
      expect(result.meta).toEqual({ commentId: result.providerMessageId, parentId: TOP });
    });

    it('answers a reply to a comment under its top-level comment, not under the reply', async () => {
      await createGraphSender(context(graph.url)).send(
        facebookReply('public', { postId: POST_ID, commentId: '771000000000101_900000002', parentId: TOP }),
      );
      expect(graph.requests[0]!.path).toBe(`/v21.0/${TOP}/comments`);
    });

    it('answers a visitor post with a comment on the post', async () => {
      await createGraphSender(context(graph.url)).send(facebookReply('public', { postId: `${PAGE_ID}_880` }));
      expect(graph.requests[0]!.path).toBe(`/v21.0/${PAGE_ID}_880/comments`);
    });

    it('sends a private reply to the comment through the page’s messages', async () => {
      const result = await createGraphSender(context(graph.url)).send(
        facebookReply('private', { postId: POST_ID, commentId: '771000000000101_900000002', parentId: TOP }),
      );
      expect(graph.requests[0]).toMatchObject({
        path: `/v21.0/${PAGE_ID}/messages`,
        body: {
          recipient: { comment_id: '771000000000101_900000002' },
          message: { text: 'Hi Lucía, I have moved you to Friday’s flight.' },
        },
      });
      expect(result.providerMessageId).toMatch(/^m_/);
    });

    it('refuses a private reply to a comment older than 7 days, before sending', async () => {
      const old = {
        ...facebookReply('private', { postId: POST_ID, commentId: TOP, parentId: POST_ID }),
        lastInboundAt: new Date(NOW - 9 * 24 * HOUR),
      };
      const error = await refusal(createGraphSender(context(graph.url)).send(old));
      expect(error).toMatchObject({ retryable: false, code: 'messaging_window_closed' });
      expect(error.message).toBe(
        'Facebook allows a private reply up to 7 days after the comment; this one is 9 days old. Reply publicly, or by email if the customer has an address.',
      );
      expect(graph.requests).toHaveLength(0);
    });
  });

  describe('failures', () => {
    it('a bad page token is refused for good with what to do', async () => {
      const sender = createGraphSender(context(graph.url, { META_PAGE_ACCESS_TOKEN: 'expired' }));
      const error = await refusal(sender.send(reply()));
      expect(error).toMatchObject({ retryable: false, code: 'auth_failure' });
      expect(error.message).toMatch(
        /^Facebook refused the page access token: Invalid OAuth access token - Cannot parse access token \(code 190\) \[trace A\w+\]\. An admin must renew META_PAGE_ACCESS_TOKEN\.$/,
      );
    });

    it('rate limits, Graph’s own failures and 5xx are tried again; permissions are not', async () => {
      const sender = createGraphSender(context(graph.url));
      const cases: [ReturnType<typeof graphError> | { status: number; body?: unknown }, boolean][] = [
        [graphError(400, { message: '(#4) Application request limit reached', code: 4 }), true],
        [graphError(400, { message: '(#17) User request limit reached', code: 17 }), true],
        [graphError(400, { message: '(#32) Page request limit reached', code: 32 }), true],
        [graphError(400, { message: '(#613) Calls to this api have exceeded the rate limit.', code: 613 }), true],
        [graphError(500, { message: 'An unknown error occurred', code: 1 }), true],
        [graphError(503, { message: 'Service temporarily unavailable', code: 2 }), true],
        [{ status: 502, body: 'Bad Gateway' }, true],
        [graphError(403, { message: '(#200) Requires pages_messaging permission', code: 200 }), false],
        [graphError(400, { message: '(#10) Permission denied', code: 10 }), false],
        [graphError(400, { message: '(#100) Invalid parameter', code: 100 }), false],
      ];
      for (const [answer, retryable] of cases) {
        graph.failNext(answer);
        const error = await refusal(sender.send(reply()));
        expect(error.retryable, error.message).toBe(retryable);
      }
    });

    it('an unreachable Graph and a Graph that does not answer in time are tried again', async () => {
      const closed = await startGraphApiStandin({ pageId: PAGE_ID, pageAccessToken: TOKEN });
      const url = closed.url;
      await closed.close();
      const down = await refusal(createGraphSender(context(url)).send(reply()));
      expect(down.retryable).toBe(true);
      expect(down.message).toMatch(/^Facebook could not be reached/);

      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as AddressInfo;
        const slow = await refusal(createGraphSender(context(`http://127.0.0.1:${port}`), 200).send(reply()));
        expect(slow.retryable).toBe(true);
        expect(slow.message).toBe('Facebook did not answer within 0.2 s; the reply will be tried again.');
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });
  });
});

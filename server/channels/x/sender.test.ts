import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../config';
import type { Standin } from '../../standins/standin';
import { startXApiStandin } from '../../standins/xApi';
import { refusal, senderContext } from '../senderTestKit';
import type { ChannelContext, OutboundReply } from '../types';
import { createXSender } from './sender';

const TOKEN = 'test-x-access-token';
const ACCOUNT = '1402000000000000001';
let standin: Standin;

beforeEach(async () => {
  standin = await startXApiStandin({ accessToken: TOKEN, accountId: ACCOUNT });
});
afterEach(async () => {
  await standin.close();
});

function context(overrides: Partial<ServerConfig> = {}): ChannelContext {
  return senderContext({ X_API_BASE_URL: standin.url, X_ACCESS_TOKEN: TOKEN, X_ACCOUNT_ID: ACCOUNT, ...overrides });
}

function outbound(overrides: Partial<OutboundReply> = {}): OutboundReply {
  return {
    deliveryId: 'm1',
    messageId: 'm1',
    conversationId: 'c1',
    conversationChannel: 'x_public',
    channel: 'x_public',
    visibility: 'public',
    body: "@maya_l We're so sorry, Maya. Please DM us your booking reference.",
    threadKey: '1050118621198921728',
    subject: null,
    recipient: { kind: 'x_handle', value: 'maya_l', displayName: 'Maya Lopez' },
    inReplyTo: {
      providerMessageId: '1050118621198921729',
      meta: { xUserId: '6253282', tweetId: '1050118621198921729' },
    },
    threadMessageIds: ['1050118621198921728', '1050118621198921729'],
    lastInboundAt: new Date(),
    agent: { id: 'dana', name: 'Dana' },
    attempt: 0,
    ...overrides,
  };
}

describe('a public reply', () => {
  it("goes out as POST /2/tweets answering the customer's newest tweet, and returns X's id", async () => {
    const result = await createXSender(context()).send(outbound());
    expect(standin.requests).toHaveLength(1);
    const [request] = standin.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: '/2/tweets',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: {
        text: "@maya_l We're so sorry, Maya. Please DM us your booking reference.",
        reply: { in_reply_to_tweet_id: '1050118621198921729' },
      },
    });
    expect(result.providerMessageId).toMatch(/^\d{18,19}$/u);
    expect(result.meta).toEqual({ tweetId: result.providerMessageId, inReplyToTweetId: '1050118621198921729' });
  });

  it('is refused before sending when X would count it over 280 characters, saying by how much', async () => {
    const sender = createXSender(context());
    // CJK and emoji count double: 141 of them weigh 282.
    const error = await refusal(sender.send(outbound({ body: '遅'.repeat(141) })));
    expect(error).toMatchObject({ retryable: false, code: 'too_long' });
    expect(error.message).toContain('282 characters as X counts them');
    expect(error.message).toContain('Shorten it by 2');
    expect((await refusal(sender.send(outbound({ body: 'a'.repeat(281) })))).message).toContain('281');
    expect(await refusal(sender.send(outbound({ body: '  ' })))).toMatchObject({
      retryable: false,
      code: 'invalid_text',
    });
    // U+FFFE is a noncharacter X refuses.
    expect(await refusal(sender.send(outbound({ body: 'hello \uFFFE' })))).toMatchObject({ code: 'invalid_text' });
    expect(standin.requests).toHaveLength(0);
    // 280 exactly, and a long URL (counted as 23), go out.
    await sender.send(outbound({ body: 'a'.repeat(280) }));
    await sender.send(outbound({ body: `${'b'.repeat(250)} https://example.com/${'x'.repeat(200)}` }));
    expect(standin.requests).toHaveLength(2);
  });

  it('is refused when the conversation has no customer tweet to answer', async () => {
    const error = await refusal(createXSender(context()).send(outbound({ inReplyTo: null })));
    expect(error).toMatchObject({ retryable: false, code: 'no_recipient' });
    expect(standin.requests).toHaveLength(0);
  });
});

describe('a private reply', () => {
  it('on a DM conversation goes to the DM endpoint for the sender, and returns the DM event id', async () => {
    const result = await createXSender(context()).send(
      outbound({
        conversationChannel: 'x_dm',
        channel: 'x_dm',
        visibility: 'private',
        body: 'Thanks Jordan, your bag is on the 14:05 to Lisbon.',
        threadKey: `3001969357-${ACCOUNT}`,
        inReplyTo: {
          providerMessageId: '954491830116155396',
          meta: { xUserId: '3001969357', dmEventId: '954491830116155396' },
        },
      }),
    );
    expect(standin.requests[0]).toMatchObject({
      method: 'POST',
      path: '/2/dm_conversations/with/3001969357/messages',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: { text: 'Thanks Jordan, your bag is on the 14:05 to Lisbon.' },
    });
    expect(result.providerMessageId).toMatch(/^\d{18,19}$/u);
    expect(result.meta).toEqual({
      dmEventId: result.providerMessageId,
      dmConversationId: `3001969357-${ACCOUNT}`,
      xUserId: '3001969357',
    });
  });

  it('on a DM conversation without the id in meta goes to the other side of the thread key', async () => {
    await createXSender(context()).send(
      outbound({
        conversationChannel: 'x_dm',
        channel: 'x_dm',
        visibility: 'private',
        threadKey: `${ACCOUNT}-12345678901234567890`,
        inReplyTo: { providerMessageId: '1', meta: {} },
      }),
    );
    expect(standin.requests[0]!.path).toBe('/2/dm_conversations/with/12345678901234567890/messages');
  });

  it('on a public thread goes as a DM to the author of the tweet it answers, never as a tweet', async () => {
    await createXSender(context()).send(outbound({ visibility: 'private', body: 'Your file ref is LHRSK12345.' }));
    expect(standin.requests.map((r) => r.path)).toEqual(['/2/dm_conversations/with/6253282/messages']);
  });

  it('is refused when the person’s X id is unknown', async () => {
    const error = await refusal(
      createXSender(context()).send(
        outbound({ visibility: 'private', inReplyTo: { providerMessageId: '1', meta: {} } }),
      ),
    );
    expect(error).toMatchObject({ retryable: false, code: 'no_recipient' });
  });
});

describe('when X does not take it', () => {
  it("a wrong access token: not retried, X's 401 named and X_ACCESS_TOKEN pointed at", async () => {
    const error = await refusal(createXSender(context({ X_ACCESS_TOKEN: 'stale-token' })).send(outbound()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("X refused the account's access token (Unauthorized); check X_ACCESS_TOKEN.");
    expect(standin.requests).toHaveLength(1);
  });

  it("a 4xx: not retried, with X's problem detail", async () => {
    standin.failNext({
      status: 403,
      body: {
        detail: 'You are not allowed to create a Tweet with duplicate content.',
        type: 'about:blank',
        title: 'Forbidden',
        status: 403,
      },
    });
    const error = await refusal(createXSender(context()).send(outbound()));
    expect(error).toMatchObject({
      retryable: false,
      code: 'provider_refused',
      message: 'X refused the reply (403): You are not allowed to create a Tweet with duplicate content.',
    });
  });

  it("an invalid request: not retried, with X's message about the parameter", async () => {
    const error = await refusal(
      createXSender(context()).send(outbound({ inReplyTo: { providerMessageId: 'not-a-tweet-id', meta: {} } })),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('reply.in_reply_to_tweet_id');
  });

  it('rate-limited (429) or failing on its side (5xx): retryable', async () => {
    const sender = createXSender(context());
    const reset = Math.floor(Date.now() / 1000) + 900;
    standin.failNext({
      status: 429,
      body: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 },
      headers: { 'x-rate-limit-reset': String(reset) },
    });
    const limited = await refusal(sender.send(outbound()));
    expect(limited).toMatchObject({ retryable: true, code: 'rate_limited' });
    expect(limited.message).toContain(new Date(reset * 1000).toISOString());
    for (const status of [500, 502, 503]) {
      standin.failNext({ status, body: { title: 'Service Unavailable', type: 'about:blank', status } });
      expect(await refusal(sender.send(outbound()))).toMatchObject({ retryable: true, code: 'provider_unavailable' });
    }
    // And the next try goes through.
    expect((await sender.send(outbound())).providerMessageId).toMatch(/^\d+$/u);
  });

  it('unreachable: retryable', async () => {
    const closed = await startXApiStandin({ accessToken: TOKEN });
    const url = closed.url;
    await closed.close();
    const error = await refusal(createXSender(context({ X_API_BASE_URL: url })).send(outbound()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('X could not be reached');
  });

  it('silent past the timeout: retryable', async () => {
    const hanging: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hanging.address() as AddressInfo;
      const sender = createXSender(context({ X_API_BASE_URL: `http://127.0.0.1:${port}` }), { timeoutMs: 200 });
      const started = Date.now();
      const error = await refusal(sender.send(outbound()));
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toMatchObject({
        retryable: true,
        message: 'X did not answer within 0.2 s; the reply will be tried again.',
      });
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it('a 2xx without an id: not retried (the post may be out), and the agent told to check', async () => {
    standin.failNext({ status: 201, body: { data: {} } });
    const error = await refusal(createXSender(context()).send(outbound()));
    expect(error).toMatchObject({ retryable: false, code: 'provider_bad_answer' });
  });
});

describe('the X API stand-in', () => {
  it('answers unknown paths with 404 and non-POSTs to known ones likewise, recording them', async () => {
    const get = await fetch(`${standin.url}/2/tweets`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(404);
    const other = await fetch(`${standin.url}/2/users/me`, { method: 'POST' });
    expect(other.status).toBe(404);
    expect(standin.requests.map((r) => r.path)).toEqual(['/2/tweets', '/2/users/me']);
  });

  it('gives increasing snowflake ids', async () => {
    const sender = createXSender(context());
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(BigInt((await sender.send(outbound())).providerMessageId));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
  });
});

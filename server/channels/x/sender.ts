import twitterText from 'twitter-text';
import { z } from 'zod';
import { postToProvider } from '../providerFetch';
import { DeliveryError, type ChannelContext, type ChannelSender, type OutboundReply, type SendResult } from '../types';

/**
 * Agents' replies out to X with the API v2 request shapes: a public reply as a tweet answering the
 * customer's newest tweet (`POST /2/tweets`), anything private as a direct message to the person
 * (`POST /2/dm_conversations/with/:participant_id/messages`), with the company account's OAuth 2.0
 * user-context token.
 */

export const X_DEFAULT_API_BASE_URL = 'https://api.x.com';
export const X_TWEET_LIMIT = 280;
/** X's limit on a direct message's text. */
export const X_DM_LIMIT = 10_000;
const DEFAULT_TIMEOUT_MS = 10_000;

const TweetCreatedSchema = z.object({ data: z.object({ id: z.string().min(1) }) });
const DmCreatedSchema = z.object({
  data: z.object({ dm_event_id: z.string().min(1), dm_conversation_id: z.string().min(1).optional() }),
});
/** X's error body: an RFC 7807 problem, sometimes with per-parameter `errors`. */
const ProblemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ message: z.string().optional() })).optional(),
});

export interface XSenderOptions {
  /** How long X gets to answer before the send counts as failed and is retried (default 10 s). */
  timeoutMs?: number;
}

export function createXSender(ctx: ChannelContext, options: XSenderOptions = {}): ChannelSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = (ctx.config.X_API_BASE_URL ?? X_DEFAULT_API_BASE_URL).replace(/\/+$/u, '');
  const token = ctx.config.X_ACCESS_TOKEN;
  const accountId = ctx.config.X_ACCOUNT_ID;

  async function post(path: string, body: unknown): Promise<unknown> {
    const { response, json } = await postToProvider('X', `${base}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      body,
      timeoutMs,
    });
    if (response.ok) return json;
    if (response.status === 429) {
      const reset = Number(response.headers.get('x-rate-limit-reset'));
      const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
      throw new DeliveryError(
        `X is rate-limiting the account${when}; the reply will be tried again.`,
        true,
        'rate_limited',
      );
    }
    if (response.status >= 500) {
      throw new DeliveryError(`X failed on its side (${response.status}); the reply will be tried again.`, true);
    }
    const reason = problemText(json, response.statusText);
    if (response.status === 401) {
      throw new DeliveryError(`X refused the account's access token (${reason}); check X_ACCESS_TOKEN.`, false);
    }
    throw new DeliveryError(`X refused the reply (${response.status}): ${reason}`, false);
  }

  async function tweet(reply: OutboundReply): Promise<SendResult> {
    const inReplyTo = reply.inReplyTo?.providerMessageId;
    if (!inReplyTo) {
      throw new DeliveryError(
        'There is no customer tweet on this conversation to reply to; answer by direct message instead.',
        false,
        'no_recipient',
      );
    }
    if (reply.body.trim() === '') throw new DeliveryError('An empty reply cannot be posted.', false, 'invalid_text');
    const { weightedLength, valid } = twitterText.parseTweet(reply.body);
    if (weightedLength > X_TWEET_LIMIT) {
      throw new DeliveryError(
        `This reply is ${weightedLength} characters as X counts them, over X's ${X_TWEET_LIMIT}. Shorten it by ${weightedLength - X_TWEET_LIMIT}, or answer by direct message.`,
        false,
        'too_long',
      );
    }
    if (!valid) {
      throw new DeliveryError(
        'X does not accept this text as a tweet: it has characters X refuses. Edit it and send again.',
        false,
        'invalid_text',
      );
    }
    const answer = TweetCreatedSchema.safeParse(
      await post('/2/tweets', { text: reply.body, reply: { in_reply_to_tweet_id: inReplyTo } }),
    );
    if (!answer.success) throw unreadableAnswer();
    return {
      providerMessageId: answer.data.data.id,
      meta: { tweetId: answer.data.data.id, inReplyToTweetId: inReplyTo },
    };
  }

  async function directMessage(reply: OutboundReply): Promise<SendResult> {
    const participant = participantOf(reply, accountId);
    if (!participant) {
      throw new DeliveryError(
        "The customer's X user id is unknown, so no direct message can be addressed to them.",
        false,
        'no_recipient',
      );
    }
    if (reply.body.trim() === '')
      throw new DeliveryError('An empty direct message cannot be sent.', false, 'invalid_text');
    if (reply.body.length > X_DM_LIMIT) {
      throw new DeliveryError(
        `This direct message is ${reply.body.length} characters, over X's ${X_DM_LIMIT}. Shorten it or split it in two.`,
        false,
        'too_long',
      );
    }
    const answer = DmCreatedSchema.safeParse(
      await post(`/2/dm_conversations/with/${encodeURIComponent(participant)}/messages`, { text: reply.body }),
    );
    if (!answer.success) throw unreadableAnswer();
    const { dm_event_id: dmEventId, dm_conversation_id: dmConversationId } = answer.data.data;
    return {
      providerMessageId: dmEventId,
      meta: { dmEventId, xUserId: participant, ...(dmConversationId ? { dmConversationId } : {}) },
    };
  }

  return {
    connector: 'x',
    channels: ['x_public', 'x_dm'],
    // A private answer on a public thread goes to its author as a DM, never as a public tweet.
    send: (reply) =>
      reply.channel === 'x_public' && reply.visibility === 'public' ? tweet(reply) : directMessage(reply),
  };
}

/**
 * Whom a DM goes to: the author of the message it answers (their X id is in its meta), else the
 * other side of the DM conversation the thread key names.
 */
function participantOf(reply: OutboundReply, accountId: string): string | null {
  const fromMeta = reply.inReplyTo?.meta.xUserId;
  if (typeof fromMeta === 'string' && /^\d{1,20}$/u.test(fromMeta)) return fromMeta;
  const pair = /^(\d{1,20})-(\d{1,20})$/u.exec(reply.threadKey);
  if (reply.conversationChannel === 'x_dm' && pair) return pair[1] === accountId ? pair[2]! : pair[1]!;
  return null;
}

function problemText(body: unknown, statusText: string): string {
  const problem = ProblemSchema.safeParse(body);
  if (problem.success) {
    const { detail, title, errors } = problem.data;
    const specific = errors?.map((e) => e.message).find(Boolean);
    const text = specific ?? detail ?? title;
    if (text) return text;
  }
  return statusText || 'no reason given';
}

/**
 * X answered 2xx without the id of what it created. The post may well be out, so it is not tried
 * again (that could post it twice); the agent is told to check.
 */
function unreadableAnswer(): DeliveryError {
  return new DeliveryError(
    "X accepted the reply but its answer had no id; check the account's posts before sending it again.",
    false,
    'provider_bad_answer',
  );
}

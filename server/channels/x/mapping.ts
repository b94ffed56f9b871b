import type { InteractionInput } from '../../../shared/ingest';
import type { AccountActivity, XMessageCreate, XTweet, XUser } from './payload';

/**
 * Account-activity events → interactions: tweets to `x_public`, direct messages to `x_dm`, each
 * with the author's handle, name and reach, and the X ids a reply needs in `meta`. The company's
 * own tweets and DMs (the echo of what we sent), retweets, and mentions by people the account has
 * blocked are left out.
 */

export interface XMappingOptions {
  /** The company's X user id (X_ACCOUNT_ID). */
  accountId: string;
  /** The thread key of the x_public conversation holding an X message with this id, if we hold one. */
  heldThread(xMessageId: string): Promise<string | null>;
}

export type MappedActivity = { interactions: InteractionInput[]; ignored: number } | { error: string };

export async function mapAccountActivity(activity: AccountActivity, options: XMappingOptions): Promise<MappedActivity> {
  const interactions: InteractionInput[] = [];
  let ignored = 0;
  // Tweets earlier in this delivery (ours included): a reply to one of them joins its thread.
  const threadsInBatch = new Map<string, string>();

  for (const [index, tweet] of (activity.tweet_create_events ?? []).entries()) {
    const occurredAt = tweetTime(tweet);
    if (!occurredAt) return { error: `tweet_create_events.${index}.created_at: not a date X writes` };
    const threadKey = await threadOf(tweet, threadsInBatch, options);
    threadsInBatch.set(tweet.id_str, threadKey);
    if (tweet.user.id_str === options.accountId || tweet.retweeted_status !== undefined || activity.user_has_blocked) {
      ignored++;
      continue;
    }
    const conversationId = conversationIdOf(tweet);
    interactions.push({
      provider: 'x',
      providerMessageId: tweet.id_str,
      channel: 'x_public',
      threadKey,
      kind: 'message',
      author: author(tweet.user),
      text: unescapeTweetText(tweet.extended_tweet?.full_text ?? tweet.full_text ?? tweet.text ?? ''),
      occurredAt,
      meta: {
        xUserId: tweet.user.id_str,
        tweetId: tweet.id_str,
        inReplyToTweetId: tweet.in_reply_to_status_id_str ?? null,
        ...(conversationId ? { conversationId } : {}),
      },
    });
  }

  for (const [index, event] of (activity.direct_message_events ?? []).entries()) {
    if (!event) {
      ignored++;
      continue;
    }
    const { sender_id: senderId } = event.message_create;
    if (senderId === options.accountId) {
      ignored++;
      continue;
    }
    const sender = activity.users?.[senderId];
    if (!sender) return { error: `direct_message_events.${index}: the sender ${senderId} is not in users` };
    const occurredAt = isoTime(Number(event.created_timestamp));
    if (!occurredAt) return { error: `direct_message_events.${index}.created_timestamp: not a date` };
    const dmConversationId = dmConversationIdOf(event);
    interactions.push({
      provider: 'x',
      providerMessageId: event.id,
      channel: 'x_dm',
      threadKey: dmConversationId,
      kind: 'message',
      author: author(sender),
      text: event.message_create.message_data.text,
      occurredAt,
      meta: { xUserId: senderId, dmEventId: event.id, dmConversationId },
    });
  }
  return { interactions, ignored };
}

/**
 * The thread a tweet belongs to: the thread of the tweet it answers when we hold that one (a
 * customer's earlier tweet, or our own reply); else the conversation (root tweet) X names; else
 * the tweet it answers; else its own id, a new thread. Replies from other people on a customer's
 * thread so land in that one conversation, as a viral pile-on should.
 */
async function threadOf(tweet: XTweet, inBatch: Map<string, string>, options: XMappingOptions): Promise<string> {
  const parent = tweet.in_reply_to_status_id_str ?? null;
  if (parent) {
    const held = inBatch.get(parent) ?? (await options.heldThread(parent));
    if (held) return held;
  }
  return conversationIdOf(tweet) ?? parent ?? tweet.id_str;
}

function conversationIdOf(tweet: XTweet): string | null {
  if (tweet.conversation_id_str) return tweet.conversation_id_str;
  return typeof tweet.conversation_id === 'string' ? tweet.conversation_id : null;
}

/** X's id of a one-to-one DM conversation: the two user ids, smaller first. */
export function dmConversationIdOf(event: XMessageCreate): string {
  const a = event.message_create.sender_id;
  const b = event.message_create.target.recipient_id;
  return BigInt(a) <= BigInt(b) ? `${a}-${b}` : `${b}-${a}`;
}

function author(user: XUser): InteractionInput['author'] {
  const name = user.name?.trim().slice(0, 200);
  return {
    kind: 'x_handle',
    value: `@${user.screen_name}`,
    ...(name ? { displayName: name } : {}),
    ...(user.followers_count !== undefined ? { followers: user.followers_count } : {}),
  };
}

/** v1.1 tweet text comes with &, < and > HTML-escaped. */
export function unescapeTweetText(text: string): string {
  return text.replace(/&(lt|gt|amp);/gu, (_, name: string) => (name === 'lt' ? '<' : name === 'gt' ? '>' : '&'));
}

function tweetTime(tweet: XTweet): string | null {
  if (tweet.timestamp_ms) return isoTime(Number(tweet.timestamp_ms));
  return tweet.created_at ? parseCreatedAt(tweet.created_at) : null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CREATED_AT =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2}) (\d{4})$/u;

/** X's v1.1 `created_at`, e.g. "Wed Oct 10 20:19:24 +0000 2018", as an ISO timestamp; null if not one. */
export function parseCreatedAt(createdAt: string): string | null {
  const m = CREATED_AT.exec(createdAt);
  if (!m) return null;
  const [, month = '', day, hour, minute, second, sign, offsetHours, offsetMinutes, year] = m;
  const monthIndex = MONTHS.indexOf(month);
  if (monthIndex < 0) return null;
  const offsetMs = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  // setUTCFullYear, not Date.UTC: that one reads years 0–99 as 1900–1999.
  const wallClock = new Date(0);
  wallClock.setUTCFullYear(Number(year), monthIndex, Number(day));
  wallClock.setUTCHours(Number(hour), Number(minute), Number(second));
  // Feb 31 or 25:00 would roll over into another day: X never writes such a date.
  const rolledOver =
    wallClock.getUTCDate() !== Number(day) ||
    wallClock.getUTCHours() !== Number(hour) ||
    wallClock.getUTCMinutes() !== Number(minute) ||
    wallClock.getUTCSeconds() !== Number(second);
  return rolledOver ? null : isoTime(wallClock.getTime() - offsetMs);
}

/** An ISO timestamp both databases can store (years 1–9999), or null. */
function isoTime(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) return null;
  return date.toISOString();
}

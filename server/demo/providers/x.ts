import { createHash } from 'node:crypto';
import type { InteractionInput } from '../../../shared/ingest';
import { X_SIGNATURE_HEADER, X_WEBHOOK_PATH, xSignature } from '../../channels/x/webhook';
import { BRAND } from '../traffic';
import type { SignedRequest } from './signedRequest';

/**
 * The demo's X traffic as X would deliver it: one traffic-generator interaction on `x_public` or
 * `x_dm` → a signed account-activity `POST /webhooks/x` (a v1.1 tweet in `tweet_create_events`, or
 * a `message_create` in `direct_message_events` with its `users` map), so simulated posts go
 * through the real adapter, signature check included.
 */

export type { SignedRequest } from './signedRequest';

export interface XEncoderOptions {
  /** X_CONSUMER_SECRET of the backend the request goes to. */
  consumerSecret: string;
  /** X_ACCOUNT_ID: the company's account, which the events are for and DMs are sent to. */
  accountId: string;
  /** The company account's handle, shown in the DM `users` map. */
  accountHandle?: string;
}

/** v1.1 tweets carry up to 140 characters in `text`; longer ones are `truncated` with the rest in `extended_tweet`. */
const CLASSIC_LENGTH = 140;

/** The signed webhook request for an X interaction; null for any other channel. */
export function encodeXInteraction(interaction: InteractionInput, options: XEncoderOptions): SignedRequest | null {
  let event: Record<string, unknown>;
  if (interaction.channel === 'x_public') event = tweetEvent(interaction, options);
  else if (interaction.channel === 'x_dm') event = directMessageEvent(interaction, options);
  else return null;
  const body = JSON.stringify(event);
  return {
    method: 'POST',
    path: X_WEBHOOK_PATH,
    headers: { 'content-type': 'application/json', [X_SIGNATURE_HEADER]: xSignature(options.consumerSecret, body) },
    body,
  };
}

function tweetEvent(interaction: InteractionInput, options: XEncoderOptions): Record<string, unknown> {
  const id = xId(interaction.providerMessageId, 'tweet');
  const at = new Date(interaction.occurredAt);
  const text = escapeTweetText(interaction.text);
  const inReplyTo = typeof interaction.meta?.inReplyTo === 'string' ? xId(interaction.meta.inReplyTo, 'tweet') : null;
  const truncated = [...text].length > CLASSIC_LENGTH;
  return {
    for_user_id: options.accountId,
    tweet_create_events: [
      {
        created_at: createdAt(at),
        id: Number(id),
        id_str: id,
        text: truncated ? `${[...text].slice(0, CLASSIC_LENGTH - 1).join('')}…` : text,
        source: '<a href="https://mobile.x.com" rel="nofollow">X Web App</a>',
        truncated,
        in_reply_to_status_id: inReplyTo === null ? null : Number(inReplyTo),
        in_reply_to_status_id_str: inReplyTo,
        user: user(interaction.author, options.accountId),
        is_quote_status: false,
        retweet_count: 0,
        favorite_count: 0,
        entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] },
        ...(truncated ? { extended_tweet: { full_text: text } } : {}),
        favorited: false,
        retweeted: false,
        filter_level: 'low',
        lang: 'und',
        timestamp_ms: String(at.getTime()),
      },
    ],
  };
}

function directMessageEvent(interaction: InteractionInput, options: XEncoderOptions): Record<string, unknown> {
  const sender = user(interaction.author, options.accountId);
  const handle = (options.accountHandle ?? BRAND.xHandle).replace(/^@/u, '');
  return {
    for_user_id: options.accountId,
    direct_message_events: [
      {
        type: 'message_create',
        id: xId(interaction.providerMessageId, 'dm'),
        created_timestamp: String(new Date(interaction.occurredAt).getTime()),
        message_create: {
          target: { recipient_id: options.accountId },
          sender_id: sender.id_str,
          message_data: {
            text: interaction.text,
            entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] },
          },
        },
      },
    ],
    users: {
      [sender.id_str]: { ...sender, id: sender.id_str },
      [options.accountId]: {
        id: options.accountId,
        id_str: options.accountId,
        name: BRAND.name,
        screen_name: handle,
        protected: false,
        verified: true,
      },
    },
  };
}

interface XUserObject {
  id_str: string;
  name: string;
  screen_name: string;
  followers_count?: number;
  [field: string]: unknown;
}

/**
 * The generator names people by handle; their X user id is derived from it, so one person has
 * one id on every channel. Followers are left out when the generator does not say (DMs): X would
 * send the real count, and a made-up 0 would erase the reach their tweets recorded.
 */
function user(author: InteractionInput['author'], accountId: string): XUserObject {
  const screenName = author.value.replace(/^@/u, '');
  let id = xId(`user:${screenName.toLowerCase()}`, 'user');
  if (id === accountId) id = xId(`user:${screenName.toLowerCase()}:2`, 'user');
  return {
    id: Number(id),
    id_str: id,
    name: author.displayName ?? screenName,
    screen_name: screenName,
    protected: false,
    verified: false,
    ...(author.followers !== undefined ? { followers_count: author.followers } : {}),
    friends_count: 0,
    statuses_count: 0,
    default_profile_image: true,
  };
}

/** X ids are decimal; the generator's are too for tweets, not for DMs: those get a stable decimal stand-in. */
function xId(value: string, kind: string): string {
  if (/^\d{1,19}$/u.test(value)) return value;
  const digest = createHash('sha256').update(`${kind}:${value}`).digest('hex');
  return BigInt(`0x${digest.slice(0, 15)}`).toString();
}

/** What v1.1 tweets escape in their text. */
function escapeTweetText(text: string): string {
  return text.replace(/[&<>]/gu, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** X's v1.1 `created_at`, e.g. "Wed Oct 10 20:19:24 +0000 2018". */
export function createdAt(date: Date): string {
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000 ${date.getUTCFullYear()}`;
}

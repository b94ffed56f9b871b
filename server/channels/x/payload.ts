import { z } from 'zod';

/**
 * The account-activity webhook's body, as X documents it: one object per delivery, naming the
 * subscribed account (`for_user_id`) and carrying one or more event arrays. Tweets come in the
 * v1.1 tweet shape; direct messages as `message_create` events with the people in a `users` map.
 * Only the fields the adapter reads are checked (X adds fields freely); event kinds it does not take
 * in (favorite_events, follow_events, tweet_delete_events, typing and read indicators…) are not
 * looked at, so they are accepted and ignored.
 */

/** X's ids are 64-bit integers written as decimal strings (the numeric `id` loses precision in JSON). */
const XId = z.string().regex(/^\d{1,20}$/u, 'an X id: a decimal string of up to 20 digits');

/** Epoch milliseconds as a decimal string, as X writes `timestamp_ms` and `created_timestamp`. */
const EpochMs = z.string().regex(/^\d{1,15}$/u, 'epoch milliseconds as a decimal string');

export const XUserSchema = z.object({
  id_str: XId.optional(),
  /** The DM `users` map writes the id as `id`, a string; tweets' `user.id` is a number. */
  id: z.union([z.string(), z.number()]).optional(),
  screen_name: z.string().min(1).max(50).regex(/^\w+$/u, 'letters, digits and underscores'),
  name: z.string().max(1000).optional(),
  followers_count: z.number().int().min(0).max(1e10).optional(),
});
export type XUser = z.infer<typeof XUserSchema>;

export const XTweetSchema = z
  .object({
    id_str: XId,
    created_at: z.string().max(64).optional(),
    timestamp_ms: EpochMs.optional(),
    /** Up to 140 characters; longer tweets are `truncated` with the whole text in `extended_tweet`. */
    text: z.string().max(25_000).optional(),
    full_text: z.string().max(25_000).optional(),
    extended_tweet: z.object({ full_text: z.string().max(25_000) }).optional(),
    user: XUserSchema.extend({ id_str: XId }),
    in_reply_to_status_id_str: XId.nullish(),
    in_reply_to_user_id_str: XId.nullish(),
    /** Not in the v1.1 shape; present when X sends it (v2 objects), it names the thread's root tweet. */
    conversation_id_str: XId.nullish(),
    /** As a number it has lost precision past 2^53, so only the string form is used. */
    conversation_id: z.union([XId, z.number()]).nullish(),
    /** A retweet carries the original here: it repeats someone's post, it does not write to us. */
    retweeted_status: z.unknown().optional(),
  })
  .refine((t) => t.extended_tweet?.full_text ?? t.full_text ?? t.text, {
    message: 'a tweet needs its text (text, full_text or extended_tweet.full_text)',
    path: ['text'],
  })
  .refine((t) => t.timestamp_ms ?? t.created_at, {
    message: 'a tweet needs timestamp_ms or created_at',
    path: ['created_at'],
  });
export type XTweet = z.infer<typeof XTweetSchema>;

const MessageCreateEventSchema = z.object({
  type: z.literal('message_create'),
  id: XId,
  created_timestamp: EpochMs,
  message_create: z.object({
    target: z.object({ recipient_id: XId }),
    sender_id: XId,
    message_data: z.object({ text: z.string().max(25_000) }),
  }),
});
export type XMessageCreate = z.infer<typeof MessageCreateEventSchema>;

/**
 * A DM event: `message_create` is checked whole and kept; other types (read receipts, welcome
 * messages…) are not messages to answer and become null.
 */
const DmEventSchema = z.looseObject({ type: z.string().min(1).max(64) }).transform((event, ctx) => {
  if (event.type !== 'message_create') return null;
  const parsed = MessageCreateEventSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  }
  return z.NEVER;
});

export const AccountActivitySchema = z.object({
  for_user_id: XId,
  /** X still delivers a mention by someone the account blocked, flagged here; we leave it out. */
  user_has_blocked: z.boolean().optional(),
  tweet_create_events: z.array(XTweetSchema).max(1000).optional(),
  direct_message_events: z.array(DmEventSchema).max(1000).optional(),
  /** The people of `direct_message_events`, by user id. */
  users: z.record(z.string(), XUserSchema).optional(),
});
export type AccountActivity = z.infer<typeof AccountActivitySchema>;

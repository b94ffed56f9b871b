import { z } from 'zod';

/**
 * The Graph webhook payloads this adapter reads (page `feed` changes and Messenger `messaging`
 * events), as Meta documents them. Loose objects: Meta adds fields over API versions, and what we
 * do not read must not refuse an event. The envelope is parsed first; each event we would store is
 * parsed on its own, so a reason names the entry and event that is wrong.
 */

/** Graph ids are numeric strings, sometimes joined by `_` (`{post}_{comment}`). */
const GraphId = z.string().trim().min(1).max(200);
/** Seconds since the epoch up to 9999-12-31 (what the database stores). */
const UnixSeconds = z.number().int().min(0).max(253_402_300_799);
const UnixMillis = z.number().int().min(0).max(253_402_300_799_999);

const Author = z.looseObject({ id: GraphId, name: z.string().optional() });

export const MetaWebhookSchema = z.looseObject({
  object: z.string().max(100),
  entry: z
    .array(
      z.looseObject({
        id: GraphId,
        /** Seconds for feed entries, milliseconds for Messenger's: read only as a fallback. */
        time: UnixMillis.optional(),
        changes: z
          .array(z.looseObject({ field: z.string().max(100), value: z.unknown() }))
          .max(1000)
          .optional(),
        messaging: z
          .array(z.looseObject({ message: z.unknown().optional() }))
          .max(1000)
          .optional(),
      }),
    )
    .max(1000),
});
export type MetaWebhook = z.infer<typeof MetaWebhookSchema>;

/** Every page feed change says what it is about and what happened to it. */
export const FeedChangeSchema = z.looseObject({ item: z.string().max(100), verb: z.string().max(100) });

/** Feed times are Unix seconds; an older shape sent ISO strings. */
const CreatedTime = z.union([UnixSeconds, z.iso.datetime({ offset: true })]);

/** `item: comment, verb: add`: a comment on a page post, or a reply to a comment. */
export const CommentAddSchema = z.looseObject({
  from: Author,
  post_id: GraphId,
  comment_id: GraphId,
  /** The post for a top-level comment; the top-level comment for a reply (Facebook nests one level). */
  parent_id: GraphId.optional(),
  message: z.string().max(100_000).optional(),
  created_time: CreatedTime.optional(),
  photo: z.string().optional(),
  video: z.string().optional(),
});
export type CommentAdd = z.infer<typeof CommentAddSchema>;

/** `item: post | status | photo | video, verb: add`: a visitor's post on the page. */
export const PostAddSchema = z.looseObject({
  from: Author,
  post_id: GraphId,
  message: z.string().max(100_000).optional(),
  created_time: CreatedTime.optional(),
  photo: z.string().optional(),
  video: z.string().optional(),
  link: z.string().optional(),
});
export type PostAdd = z.infer<typeof PostAddSchema>;

/** A Messenger event carrying a message (deliveries, reads and postbacks carry none). */
export const MessageEventSchema = z.looseObject({
  /** The person's page-scoped id (PSID); the page itself for an echo. */
  sender: z.looseObject({ id: GraphId }),
  recipient: z.looseObject({ id: GraphId }),
  timestamp: UnixMillis,
  message: z.looseObject({
    mid: GraphId,
    text: z.string().max(100_000).optional(),
    is_echo: z.boolean().optional(),
    attachments: z
      .array(z.looseObject({ type: z.string().max(100) }))
      .max(100)
      .optional(),
  }),
});
export type MessageEvent = z.infer<typeof MessageEventSchema>;

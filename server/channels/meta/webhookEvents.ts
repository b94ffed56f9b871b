import type { z } from 'zod';
import type { InteractionInput } from '../../../shared/ingest';
import { describeIssues } from '../../../shared/settings';
import {
  CommentAddSchema,
  FeedChangeSchema,
  MessageEventSchema,
  PostAddSchema,
  type CommentAdd,
  type MessageEvent,
  type MetaWebhook,
  type PostAdd,
} from './webhookSchemas';

/**
 * Turns a verified `object: page` webhook into interactions, in the order Meta sent them:
 * - feed `comment`/`add` → `facebook`, one conversation per top-level comment;
 * - feed visitor posts (`post`/`status`/`photo`/`video`, `add`) → `facebook`, one per post;
 * - Messenger `message` events → `messenger`, one conversation per person (PSID).
 * Edits, removals, reactions, likes, deliveries, reads and echoes are acknowledged and ignored,
 * and so is anything the page itself wrote (our own replies coming back).
 */

export const PROVIDER = 'meta';
const VISITOR_POST_ITEMS = new Set(['post', 'status', 'photo', 'video']);
const MAX_NAME = 200;

export type MappedWebhook =
  { ok: true; interactions: InteractionInput[]; ignored: number } | { ok: false; reason: string };

export function mapMetaWebhook(payload: MetaWebhook, pageId: string, now: number): MappedWebhook {
  const interactions: InteractionInput[] = [];
  let ignored = 0;
  for (const [e, entry] of payload.entry.entries()) {
    const fallbackTime = entry.time === undefined ? now : unixToMs(entry.time);
    for (const [c, change] of (entry.changes ?? []).entries()) {
      const where = `entry ${e + 1}, change ${c + 1}`;
      // Other page fields (mention, ratings…) may be subscribed by the same app: not ours to read.
      if (change.field !== 'feed') {
        ignored += 1;
        continue;
      }
      const feed = FeedChangeSchema.safeParse(change.value);
      if (!feed.success) return refused(where, feed.error);
      const { item, verb } = feed.data;
      if (verb !== 'add' || (item !== 'comment' && !VISITOR_POST_ITEMS.has(item))) {
        ignored += 1;
        continue;
      }
      if (item === 'comment') {
        const comment = CommentAddSchema.safeParse(change.value);
        if (!comment.success) return refused(`${where} (comment)`, comment.error);
        if (comment.data.from.id === pageId) ignored += 1;
        else interactions.push(commentInteraction(comment.data, fallbackTime));
      } else {
        const post = PostAddSchema.safeParse(change.value);
        if (!post.success) return refused(`${where} (${item})`, post.error);
        if (post.data.from.id === pageId) ignored += 1;
        else interactions.push(postInteraction(post.data, item, fallbackTime));
      }
    }
    for (const [m, event] of (entry.messaging ?? []).entries()) {
      if (event.message === undefined) {
        ignored += 1;
        continue;
      }
      const parsed = MessageEventSchema.safeParse(event);
      if (!parsed.success) return refused(`entry ${e + 1}, messaging ${m + 1}`, parsed.error);
      const { sender, message } = parsed.data;
      if (message.is_echo === true || sender.id === pageId) ignored += 1;
      else interactions.push(messengerInteraction(parsed.data));
    }
  }
  return { ok: true, interactions, ignored };
}

/**
 * The comment a public reply goes under: Facebook nests one level, so a reply to a reply sits
 * under the top-level comment. The parent is a comment unless it is the post itself.
 */
export function topLevelCommentId(ids: { postId?: unknown; commentId?: unknown; parentId?: unknown }): string | null {
  const { postId, commentId, parentId } = ids;
  if (typeof parentId === 'string' && parentId && parentId !== postId) return parentId;
  return typeof commentId === 'string' && commentId ? commentId : null;
}

/**
 * Comments whose parent we already hold (a visitor post, or a comment of a thread we know) join
 * that parent's thread; `threads` maps parent ids to thread keys, looked up by the caller.
 */
export function joinKnownThreads(
  interactions: readonly InteractionInput[],
  threads: ReadonlyMap<string, string>,
): InteractionInput[] {
  return interactions.map((interaction) => {
    const parentId = interaction.meta?.parentId;
    const known = typeof parentId === 'string' ? threads.get(parentId) : undefined;
    return known && interaction.channel === 'facebook' ? { ...interaction, threadKey: known } : interaction;
  });
}

function commentInteraction(comment: CommentAdd, fallbackTime: number): InteractionInput {
  const ids = { postId: comment.post_id, commentId: comment.comment_id, parentId: comment.parent_id };
  const topLevel = topLevelCommentId(ids) ?? comment.comment_id;
  return {
    provider: PROVIDER,
    providerMessageId: comment.comment_id,
    channel: 'facebook',
    threadKey: topLevel,
    kind: 'message',
    author: author(comment.from),
    text: comment.message?.trim() ? comment.message : mediaLabel(comment, 'comment'),
    occurredAt: iso(comment.created_time, fallbackTime),
    meta: {
      item: 'comment',
      postId: comment.post_id,
      commentId: comment.comment_id,
      parentId: comment.parent_id ?? null,
      topLevelCommentId: topLevel,
    },
  };
}

function postInteraction(post: PostAdd, item: string, fallbackTime: number): InteractionInput {
  return {
    provider: PROVIDER,
    providerMessageId: post.post_id,
    channel: 'facebook',
    threadKey: post.post_id,
    kind: 'message',
    author: author(post.from),
    text: post.message?.trim() ? post.message : mediaLabel(post, 'post'),
    occurredAt: iso(post.created_time, fallbackTime),
    meta: { item: 'visitor_post', postItem: item, postId: post.post_id },
  };
}

function messengerInteraction(event: MessageEvent): InteractionInput {
  const { sender, message, timestamp } = event;
  // Messenger sends no text for a photo, a voice note or a file: the agent still sees that one came.
  const attached = (message.attachments ?? []).map((a) => `[${ATTACHMENT_LABELS[a.type] ?? a.type} attachment]`);
  const text = [message.text?.trim() ? message.text : '', ...attached].filter(Boolean).join('\n');
  return {
    provider: PROVIDER,
    providerMessageId: message.mid,
    channel: 'messenger',
    // Messenger keeps one thread per person and page.
    threadKey: `psid:${sender.id}`,
    kind: 'message',
    // Webhooks carry no name: the identity is the PSID until a name is known from elsewhere.
    author: { kind: 'facebook_id', value: sender.id },
    text: text || '[empty message]',
    occurredAt: new Date(timestamp).toISOString(),
    meta: { psid: sender.id, mid: message.mid },
  };
}

const ATTACHMENT_LABELS: Record<string, string> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'file',
  location: 'location',
  fallback: 'link',
  template: 'template',
};

function mediaLabel(value: { photo?: string | undefined; video?: string | undefined }, what: string): string {
  if (value.photo) return `[photo ${what}]`;
  if (value.video) return `[video ${what}]`;
  return `[${what} without text]`;
}

function author(from: { id: string; name?: string | undefined }): InteractionInput['author'] {
  const name = from.name?.trim().slice(0, MAX_NAME);
  return { kind: 'facebook_id', value: from.id, ...(name ? { displayName: name } : {}) };
}

/** Entry times are seconds on feed entries and milliseconds on Messenger's. */
function unixToMs(time: number): number {
  return time < 1e11 ? time * 1000 : time;
}

function iso(created: number | string | undefined, fallbackMs: number): string {
  const ms = created === undefined ? fallbackMs : typeof created === 'number' ? created * 1000 : Date.parse(created);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? new Date(fallbackMs).toISOString() : date.toISOString();
}

function refused(where: string, error: z.ZodError): MappedWebhook {
  return { ok: false, reason: `${where}: ${describeIssues(error)}` };
}

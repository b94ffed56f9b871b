import { z } from 'zod';
import { describeSpan, HUMAN_AGENT_WINDOW_MS, messagingWindow } from '../../../shared/messagingWindow';
import { postToProvider } from '../providerFetch';
import { DeliveryError, type ChannelContext, type ChannelSender, type OutboundReply, type SendResult } from '../types';
import { graphFailure } from './graphErrors';
import { topLevelCommentId } from './webhookEvents';

/** How long Graph may take before the reply is tried again later. */
const TIMEOUT_MS = 10_000;
/** Send API text limit (characters); Graph refuses longer messages. */
const MESSENGER_MAX_CHARS = 2000;
/** Comment text limit. */
const COMMENT_MAX_CHARS = 8000;

const CommentAnswerSchema = z.looseObject({ id: z.string().min(1) });
const MessageAnswerSchema = z.looseObject({ recipient_id: z.string().optional(), message_id: z.string().min(1) });

/**
 * Sends agents' replies with the Graph API, as the page (`access_token` = META_PAGE_ACCESS_TOKEN):
 * - facebook, public: a comment under the top-level comment (`POST /{comment-id}/comments`), or
 *   under a visitor's post;
 * - facebook, private: a private reply to the comment or post (`POST /{page-id}/messages` with
 *   `recipient.comment_id` / `recipient.post_id`), which opens a Messenger thread;
 * - messenger: `POST /{page-id}/messages` to the PSID, `RESPONSE` within 24 hours of the customer's
 *   last message, the HUMAN_AGENT tag up to 7 days, refused for good after that.
 */
export function createGraphSender(ctx: ChannelContext, timeoutMs = TIMEOUT_MS): ChannelSender {
  const { config } = ctx;
  const base = (config.META_GRAPH_BASE_URL ?? 'https://graph.facebook.com').replace(/\/+$/u, '');

  async function post<T>(objectId: string, edge: string, body: unknown, answer: z.ZodType<T>): Promise<T> {
    const url = `${base}/${config.META_GRAPH_VERSION}/${encodeURIComponent(objectId)}/${edge}?access_token=${encodeURIComponent(config.META_PAGE_ACCESS_TOKEN)}`;
    const { response, json } = await postToProvider('Facebook', url, { body, timeoutMs });
    if (!response.ok) throw graphFailure(response.status, json);
    const parsed = answer.safeParse(json);
    if (!parsed.success) {
      // It may have gone out: trying again could post it twice.
      throw new DeliveryError(
        'Facebook accepted the reply but answered without its id: check the page before sending it again.',
        false,
      );
    }
    return parsed.data;
  }

  async function publicComment(reply: OutboundReply, meta: Record<string, unknown>): Promise<SendResult> {
    checkLength(reply.body, COMMENT_MAX_CHARS, 'A Facebook comment');
    const target = topLevelCommentId(meta) ?? stringOr(meta.postId) ?? reply.threadKey;
    const { id } = await post(target, 'comments', { message: reply.body }, CommentAnswerSchema);
    return { providerMessageId: id, meta: { commentId: id, parentId: target } };
  }

  async function privateReply(meta: Record<string, unknown>, reply: OutboundReply): Promise<SendResult> {
    // Facebook takes one private reply per comment or post, within 7 days of it.
    const age = reply.lastInboundAt ? ctx.now() - reply.lastInboundAt.getTime() : 0;
    if (age >= HUMAN_AGENT_WINDOW_MS) {
      throw new DeliveryError(
        `Facebook allows a private reply up to 7 days after the comment; this one is ${describeSpan(age)} old. Reply publicly, or by email if the customer has an address.`,
        false,
        'messaging_window_closed',
      );
    }
    checkLength(reply.body, MESSENGER_MAX_CHARS, 'A private reply');
    const commentId = stringOr(meta.commentId);
    const postId = stringOr(meta.postId);
    if (!commentId && !postId) {
      throw new DeliveryError('This Facebook message has no comment or post id to reply to privately.', false);
    }
    const recipient = commentId ? { comment_id: commentId } : { post_id: postId };
    const answer = await post(
      config.META_PAGE_ID,
      'messages',
      { recipient, message: { text: reply.body } },
      MessageAnswerSchema,
    );
    return {
      providerMessageId: answer.message_id,
      meta: { privateReplyTo: commentId ?? postId, psid: answer.recipient_id ?? null },
    };
  }

  async function messengerMessage(meta: Record<string, unknown>, reply: OutboundReply): Promise<SendResult> {
    const window = messagingWindow('messenger', reply.lastInboundAt, ctx.now());
    if (window.state === 'closed' || !window.messagingType) {
      throw new DeliveryError(window.explanation, false, 'messaging_window_closed');
    }
    checkLength(reply.body, MESSENGER_MAX_CHARS, 'A Messenger message');
    const psid =
      stringOr(meta.psid) ??
      (reply.recipient.kind === 'facebook_id' ? reply.recipient.value : null) ??
      (reply.threadKey.startsWith('psid:') ? reply.threadKey.slice(5) : null);
    if (!psid) throw new DeliveryError('This Messenger conversation has no recipient id (PSID) to send to.', false);
    const answer = await post(
      config.META_PAGE_ID,
      'messages',
      {
        recipient: { id: psid },
        messaging_type: window.messagingType,
        ...(window.tag ? { tag: window.tag } : {}),
        message: { text: reply.body },
      },
      MessageAnswerSchema,
    );
    return {
      providerMessageId: answer.message_id,
      meta: { psid: answer.recipient_id ?? psid, messagingType: window.messagingType, tag: window.tag },
    };
  }

  return {
    connector: 'meta',
    channels: ['facebook', 'messenger'],
    async send(reply) {
      const meta = reply.inReplyTo?.meta ?? {};
      if (reply.channel === 'messenger') return messengerMessage(meta, reply);
      if (reply.channel !== 'facebook') {
        throw new DeliveryError(`The Facebook connector cannot send on ${reply.channel}.`, false);
      }
      if (!reply.inReplyTo) {
        throw new DeliveryError('There is no customer comment or post in this conversation to answer.', false);
      }
      return reply.visibility === 'public' ? publicComment(reply, meta) : privateReply(meta, reply);
    },
  };
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

function checkLength(text: string, max: number, what: string): void {
  const length = [...text].length;
  if (length > max) {
    throw new DeliveryError(
      `${what} takes at most ${max.toLocaleString('en')} characters; this reply has ${length.toLocaleString('en')}. Shorten it and send it again.`,
      false,
    );
  }
}

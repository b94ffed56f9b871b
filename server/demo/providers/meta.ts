import type { InteractionInput } from '../../../shared/ingest';
import { META_SIGNATURE_HEADER, META_WEBHOOK_PATH, metaSignature } from '../../channels/meta/webhook';
import type { SignedRequest } from './signedRequest';

/**
 * The demo's Facebook and Messenger traffic as Meta would deliver it: one traffic-generator
 * interaction → a signed `POST /webhooks/meta` with `object: page`: a feed `comment` under one of
 * the page's posts, a visitor's `status` post on the page, or a Messenger `message` event. So
 * simulated traffic goes through the real adapter, signature check included.
 */

export type { SignedRequest } from './signedRequest';

export interface MetaEncoderOptions {
  /** META_APP_SECRET of the backend the request goes to. */
  appSecret: string;
  /** META_PAGE_ID: the page the events are for. */
  pageId: string;
}

/** The signed webhook request for a facebook or messenger interaction; null for any other channel. */
export function encodeMetaInteraction(
  interaction: InteractionInput,
  options: MetaEncoderOptions,
): SignedRequest | null {
  let messagingOrChange: Record<string, unknown>;
  if (interaction.channel === 'facebook') messagingOrChange = { changes: [feedChange(interaction, options)] };
  else if (interaction.channel === 'messenger') messagingOrChange = { messaging: [messageEvent(interaction, options)] };
  else return null;
  const at = new Date(interaction.occurredAt).getTime();
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: options.pageId,
        // Feed entries are stamped in seconds, Messenger's in milliseconds.
        time: interaction.channel === 'facebook' ? Math.floor(at / 1000) : at,
        ...messagingOrChange,
      },
    ],
  });
  return {
    method: 'POST',
    path: META_WEBHOOK_PATH,
    headers: { 'content-type': 'application/json', [META_SIGNATURE_HEADER]: metaSignature(options.appSecret, body) },
    body,
  };
}

function feedChange(interaction: InteractionInput, options: MetaEncoderOptions): Record<string, unknown> {
  const from = {
    id: interaction.author.value,
    ...(interaction.author.displayName ? { name: interaction.author.displayName } : {}),
  };
  const createdTime = Math.floor(new Date(interaction.occurredAt).getTime() / 1000);
  const ownNumber = interaction.providerMessageId.split('_').at(-1) ?? interaction.providerMessageId;
  const pagePost = typeof interaction.meta?.postId === 'string' ? interaction.meta.postId : null;
  if (interaction.meta?.item === 'comment' && pagePost) {
    // A top-level comment under one of the page's posts: `{post}_{comment}`, its parent the post.
    const postId = `${options.pageId}_${pagePost}`;
    return {
      field: 'feed',
      value: {
        from,
        post: { id: postId, status_type: 'mobile_status_update', is_published: true },
        message: interaction.text,
        post_id: postId,
        comment_id: `${pagePost}_${ownNumber}`,
        created_time: createdTime,
        item: 'comment',
        parent_id: postId,
        verb: 'add',
      },
    };
  }
  // A visitor's post on the page: `{page}_{post}`.
  const postId = interaction.providerMessageId.includes('_')
    ? interaction.providerMessageId
    : `${options.pageId}_${interaction.providerMessageId}`;
  return {
    field: 'feed',
    value: {
      from,
      message: interaction.text,
      post_id: postId,
      created_time: createdTime,
      item: 'status',
      published: 1,
      verb: 'add',
    },
  };
}

function messageEvent(interaction: InteractionInput, options: MetaEncoderOptions): Record<string, unknown> {
  const at = new Date(interaction.occurredAt).getTime();
  return {
    // Messenger knows the person by their page-scoped id and sends no name.
    sender: { id: interaction.author.value },
    recipient: { id: options.pageId },
    timestamp: at,
    message: { mid: interaction.providerMessageId, text: interaction.text },
  };
}

import { startStandin, type RecordedRequest, type Standin, type StandinAnswer } from './standin';

/**
 * A local stand-in for the three Graph API endpoints replies use, with Graph's documented
 * answers and error shape:
 * - `POST /{version}/{object-id}/comments { message }` → `{ id }` (a comment under a post or comment);
 * - `POST /{version}/{page-id}/messages { recipient: { id }, messaging_type, tag?, message: { text } }`
 *   → `{ recipient_id, message_id }` (Messenger Send API);
 * - the same with `recipient: { comment_id }` or `{ post_id }` (a private reply).
 * A wrong or missing `access_token` gets Graph's OAuthException (code 190). It cannot know a
 * person's messaging window; tests make it refuse one with `failNext(graphError(…))`.
 */

export interface GraphApiStandinOptions {
  pageId: string;
  pageAccessToken: string;
}

let traces = 0;
const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);

/** Graph's error answer. */
export function graphError(
  status: number,
  error: { message: string; type?: string; code: number; error_subcode?: number },
): StandinAnswer {
  return {
    status,
    body: {
      error: {
        type: 'OAuthException',
        ...error,
        fbtrace_id: `Astandin${++traces}`,
      },
    },
  };
}

const invalidParameter = (message: string) => graphError(400, { message, code: 100 });

export async function startGraphApiStandin(options: GraphApiStandinOptions): Promise<Standin> {
  let serial = 0;
  const next = () => String(++serial).padStart(9, '0');

  const handler = (request: RecordedRequest): StandinAnswer | undefined => {
    const match = /^\/v\d+\.\d+\/([^/]+)\/(comments|messages)$/u.exec(request.path);
    if (!match || request.method !== 'POST') return undefined;
    if (request.query.access_token !== options.pageAccessToken) {
      return graphError(400, {
        message: 'Invalid OAuth access token - Cannot parse access token',
        code: 190,
      });
    }
    const objectId = decodeURIComponent(match[1]!);
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      unknown
    >;
    if (match[2] === 'comments') {
      if (typeof body.message !== 'string' || !body.message.trim()) {
        return invalidParameter('(#100) The parameter message is required');
      }
      // A comment id is the commented object's own number, an underscore and the comment's.
      return { status: 200, body: { id: `${objectId.split('_').at(-1)}_${next()}` } };
    }
    if (objectId !== options.pageId) {
      return graphError(400, {
        message: `Unsupported post request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
      });
    }
    const recipient = (body.recipient ?? {}) as Record<string, unknown>;
    const message = (body.message ?? {}) as Record<string, unknown>;
    if (typeof message.text !== 'string' || !message.text) {
      return invalidParameter('(#100) The parameter message[text] is required');
    }
    if (typeof recipient.comment_id === 'string' || typeof recipient.post_id === 'string') {
      // A private reply opens a Messenger thread with the author; their PSID comes back.
      return { status: 200, body: { recipient_id: `7${next()}`, message_id: `m_${next()}` } };
    }
    if (typeof recipient.id !== 'string' || !recipient.id) {
      return invalidParameter('(#100) The parameter recipient is required');
    }
    if (typeof body.messaging_type !== 'string' || !MESSAGING_TYPES.has(body.messaging_type)) {
      return invalidParameter('(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
    }
    if (body.messaging_type === 'MESSAGE_TAG' && typeof body.tag !== 'string') {
      return invalidParameter('(#100) Tag is required for MESSAGE_TAG messaging type');
    }
    return { status: 200, body: { recipient_id: recipient.id, message_id: `m_${next()}` } };
  };

  return startStandin(handler, {
    status: 400,
    body: {
      error: {
        message: 'Unknown path components',
        type: 'OAuthException',
        code: 2500,
        fbtrace_id: 'Anotfound',
      },
    },
  });
}

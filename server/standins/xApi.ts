import { sameBearer } from '../channels/signatures';
import { startStandin, type RecordedRequest, type Standin, type StandinAnswer } from './standin';

/**
 * A local stand-in for the two X API v2 endpoints the X sender calls, answering with X's
 * documented shapes: `POST /2/tweets` → 201 `{ data: { id, text, edit_history_tweet_ids } }`;
 * `POST /2/dm_conversations/with/:participant_id/messages` → 201 `{ data: { dm_conversation_id,
 * dm_event_id } }`. A wrong bearer token gets X's 401 problem; a bad body X's invalid-request
 * problem. Ids are snowflakes like X's, so they sort by time.
 */

export interface XApiStandinOptions {
  /** The OAuth 2.0 access token the stand-in accepts. */
  accessToken: string;
  /** The user id of the account the token belongs to (one side of every DM conversation). */
  accountId?: string;
}

const DEFAULT_ACCOUNT_ID = '1402000000000000001';
/** X's snowflake epoch (2010-11-04). */
const TWITTER_EPOCH = 1_288_834_974_657n;
const ID = /^\d{1,20}$/u;
const DM_PATH = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/u;

const UNAUTHORIZED: StandinAnswer = {
  status: 401,
  body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
};

function invalidRequest(message: string, parameters: Record<string, string[]> = {}): StandinAnswer {
  return {
    status: 400,
    body: {
      errors: [{ parameters, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    },
  };
}

export async function startXApiStandin(options: XApiStandinOptions): Promise<Standin> {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  let sequence = 0n;
  const snowflake = (): string =>
    String(((BigInt(Date.now()) - TWITTER_EPOCH) << 22n) | (1n << 12n) | (sequence++ & 0xfffn));

  function createTweet(request: RecordedRequest): StandinAnswer {
    const body = request.body as { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } } | undefined;
    if (typeof body?.text !== 'string' || body.text === '') {
      return invalidRequest('The `text` field is required when no media is attached.', { text: [] });
    }
    const replyTo = body.reply?.in_reply_to_tweet_id;
    if (body.reply !== undefined && (typeof replyTo !== 'string' || !ID.test(replyTo))) {
      return invalidRequest('The `reply.in_reply_to_tweet_id` query parameter value is not valid', {
        'reply.in_reply_to_tweet_id': [String(replyTo)],
      });
    }
    const id = snowflake();
    return { status: 201, body: { data: { id, text: body.text, edit_history_tweet_ids: [id] } } };
  }

  function sendDm(request: RecordedRequest, participant: string): StandinAnswer {
    if (!ID.test(participant)) {
      return invalidRequest(`The \`participant_id\` query parameter value [${participant}] is not valid`, {
        participant_id: [participant],
      });
    }
    const body = request.body as { text?: unknown } | undefined;
    if (typeof body?.text !== 'string' || body.text === '') {
      return invalidRequest('The `text` field is required when no attachments are present.', { text: [] });
    }
    const [low, high] = BigInt(participant) <= BigInt(accountId) ? [participant, accountId] : [accountId, participant];
    return { status: 201, body: { data: { dm_conversation_id: `${low}-${high}`, dm_event_id: snowflake() } } };
  }

  return startStandin(
    (request) => {
      if (request.method !== 'POST') return undefined;
      const isTweet = request.path === '/2/tweets';
      const dm = DM_PATH.exec(request.path);
      if (!isTweet && !dm) return undefined;
      if (!sameBearer(request.headers.authorization, options.accessToken)) return UNAUTHORIZED;
      return isTweet ? createTweet(request) : sendDm(request, decodePathSegment(dm![1]!));
    },
    {
      status: 404,
      body: {
        title: 'Not Found Error',
        type: 'https://api.twitter.com/2/problems/resource-not-found',
        detail: 'This stand-in answers POST /2/tweets and POST /2/dm_conversations/with/:participant_id/messages only.',
      },
    },
  );
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

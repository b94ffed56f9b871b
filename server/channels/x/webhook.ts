import type { FastifyInstance } from 'fastify';
import { describeIssues } from '../../../shared/settings';
import type { Queryable } from '../../db/db';
import { sendError } from '../../http/errors';
import { answerIngest, parseJson, rawBodies, refuseMalformed, refuseUnsigned } from '../channelIngest';
import { hmacSha256, sameSignature } from '../signatures';
import type { ChannelContext } from '../types';
import { mapAccountActivity } from './mapping';
import { AccountActivitySchema } from './payload';

export const X_WEBHOOK_PATH = '/webhooks/x';
export const X_SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/** X's signature of a body or a CRC token: "sha256=" + base64 HMAC-SHA256 keyed by the consumer secret. */
export function xSignature(consumerSecret: string, payload: Buffer | string): string {
  return `sha256=${hmacSha256(consumerSecret, payload, 'base64')}`;
}

/**
 * The account-activity webhook: `GET` answers X's challenge-response check (CRC), `POST` takes
 * signed events in. A body whose signature does not match is refused before it is parsed.
 */
export async function registerXWebhook(app: FastifyInstance, ctx: ChannelContext): Promise<void> {
  const secret = ctx.config.X_CONSUMER_SECRET;
  const accountId = ctx.config.X_ACCOUNT_ID;

  // Encapsulated: the raw-body parser applies to these routes only.
  await app.register((scope, _options, done) => {
    rawBodies(scope);

    scope.get(X_WEBHOOK_PATH, async (request, reply) => {
      const token = (request.query as Record<string, unknown>).crc_token;
      if (typeof token !== 'string' || token === '') {
        return sendError(
          reply,
          400,
          'missing_crc_token',
          'GET /webhooks/x is the challenge-response check: X calls it with ?crc_token=… and gets the token signed back.',
        );
      }
      return reply.code(200).send({ response_token: xSignature(secret, token) });
    });

    scope.post(X_WEBHOOK_PATH, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const given = request.headers[X_SIGNATURE_HEADER];
      if (typeof given !== 'string' || given === '') {
        return refuseUnsigned(
          reply,
          'x',
          ctx.health,
          'bad_signature',
          `No ${X_SIGNATURE_HEADER} header: X signs every account-activity delivery; nothing was stored.`,
        );
      }
      if (!sameSignature(given, xSignature(secret, body))) {
        return refuseUnsigned(
          reply,
          'x',
          ctx.health,
          'bad_signature',
          `The ${X_SIGNATURE_HEADER} header does not match the body; nothing was stored. Check that X_CONSUMER_SECRET is the consumer secret of the app the webhook is registered with.`,
        );
      }

      const json = parseJson(body);
      if (json === undefined) return refuseMalformed(reply, 'x', ctx.health, 'The body is not JSON.');
      const parsed = AccountActivitySchema.safeParse(json);
      if (!parsed.success) {
        return refuseMalformed(
          reply,
          'x',
          ctx.health,
          `Not an account-activity event: ${describeIssues(parsed.error)}`,
        );
      }
      const mapped = await mapAccountActivity(parsed.data, {
        accountId,
        heldThread: (id) => heldThreadKey(ctx.db, id),
      });
      if ('error' in mapped)
        return refuseMalformed(reply, 'x', ctx.health, `Not an account-activity event: ${mapped.error}`);
      if (mapped.interactions.length === 0) {
        // Likes, follows, deletes, typing, our own echo: a good delivery with nothing to store.
        ctx.health.event('x');
        return reply.code(200).send({ received: 0, accepted: 0, duplicates: 0, ignored: mapped.ignored });
      }
      return answerIngest(reply, await ctx.ingest('x', mapped.interactions), 'x', ctx.health);
    });
    done();
  });
}

/**
 * The thread key of the X conversation that holds an X message with this id: a customer's tweet
 * we took in, or a reply an agent sent (the dispatcher stores its id with provider 'x').
 */
export async function heldThreadKey(db: Queryable, xMessageId: string): Promise<string | null> {
  const { rows } = await db.query<{ thread_key: string }>(
    `select c.thread_key from messages m join conversations c on c.id = m.conversation_id
     where m.provider = 'x' and m.provider_message_id = $1 and c.channel = 'x_public'`,
    [xMessageId],
  );
  return rows[0]?.thread_key ?? null;
}

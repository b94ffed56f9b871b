import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '../../../shared/settings';
import type { Db } from '../../db/db';
import { sendError } from '../../http/errors';
import { answerIngest, parseJson, rawBodies, refuseMalformed, refuseUnsigned } from '../channelIngest';
import { hmacSha256, sameSignature } from '../signatures';
import type { ChannelContext } from '../types';
import { joinKnownThreads, mapMetaWebhook, PROVIDER } from './webhookEvents';
import { MetaWebhookSchema } from './webhookSchemas';

export const META_WEBHOOK_PATH = '/webhooks/meta';
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

/** `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the raw body with the app secret. */
export function metaSignature(appSecret: string, body: Buffer | string): string {
  return `sha256=${hmacSha256(appSecret, body, 'hex')}`;
}

/** Meta's subscription check: echo the challenge when the verify token is ours. */
const VerifyQuerySchema = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.verify_token': z.string(),
  'hub.challenge': z.string().min(1).max(1024),
});

/**
 * `GET /webhooks/meta` (the subscription challenge) and `POST /webhooks/meta` (page feed and
 * Messenger events, signed with `X-Hub-Signature-256` over the raw body with META_APP_SECRET).
 */
export async function registerMetaWebhook(app: FastifyInstance, ctx: ChannelContext): Promise<void> {
  const { config, health } = ctx;
  await app.register((scope, _options, done) => {
    rawBodies(scope);

    scope.get(META_WEBHOOK_PATH, (request, reply) => {
      const query = VerifyQuerySchema.safeParse(request.query);
      if (!query.success) {
        return refuseMalformed(
          reply,
          'meta',
          health,
          `A subscription check needs hub.mode=subscribe, hub.verify_token and hub.challenge: ${describeIssues(query.error)}`,
        );
      }
      if (!sameSignature(query.data['hub.verify_token'], config.META_VERIFY_TOKEN)) {
        health.refused('meta', 'auth_failure', 'Subscription check with a wrong verify token');
        return sendError(
          reply,
          403,
          'forbidden',
          'The verify token does not match META_VERIFY_TOKEN: set the same token in the app’s webhook settings.',
        );
      }
      return reply.code(200).type('text/plain; charset=utf-8').send(query.data['hub.challenge']);
    });

    scope.post(META_WEBHOOK_PATH, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const given = request.headers[META_SIGNATURE_HEADER];
      const expected = metaSignature(config.META_APP_SECRET, body);
      if (!sameSignature(typeof given === 'string' ? given.toLowerCase() : undefined, expected)) {
        return refuseUnsigned(
          reply,
          'meta',
          health,
          'bad_signature',
          given
            ? 'X-Hub-Signature-256 does not match the body: check META_APP_SECRET.'
            : 'X-Hub-Signature-256 is missing: Meta signs every webhook with the app secret.',
        );
      }
      const json = parseJson(body);
      if (json === undefined) return refuseMalformed(reply, 'meta', health, 'The body is not JSON.');
      const payload = MetaWebhookSchema.safeParse(json);
      if (!payload.success) return refuseMalformed(reply, 'meta', health, describeIssues(payload.error));
      if (payload.data.object !== 'page') {
        return refuseMalformed(
          reply,
          'meta',
          health,
          `object: expected "page" (this webhook takes page feed and Messenger events), got "${payload.data.object.slice(0, 40)}".`,
        );
      }
      const mapped = mapMetaWebhook(payload.data, config.META_PAGE_ID, ctx.now());
      if (!mapped.ok) return refuseMalformed(reply, 'meta', health, mapped.reason);
      if (mapped.interactions.length === 0) {
        health.event('meta');
        return reply.code(200).send({ received: 0, accepted: 0, duplicates: 0, ignored: mapped.ignored });
      }
      const interactions = joinKnownThreads(mapped.interactions, await knownThreads(ctx.db, mapped.interactions));
      return answerIngest(reply, await ctx.ingest('meta', interactions), 'meta', health);
    });
    done();
  });
}

/** Thread keys of the facebook conversations that already hold these comments' parents. */
async function knownThreads(
  db: Db,
  interactions: readonly { channel: string; meta?: Record<string, unknown> | undefined }[],
): Promise<Map<string, string>> {
  const parentIds = [
    ...new Set(
      interactions.flatMap((i) =>
        i.channel === 'facebook' && typeof i.meta?.parentId === 'string' ? [i.meta.parentId] : [],
      ),
    ),
  ];
  if (!parentIds.length) return new Map();
  const { rows } = await db.query<{ provider_message_id: string; thread_key: string }>(
    `select m.provider_message_id, c.thread_key from messages m join conversations c on c.id = m.conversation_id
     where m.provider = $1 and m.provider_message_id = any($2::text[]) and c.channel = 'facebook'`,
    [PROVIDER, parentIds],
  );
  return new Map(rows.map((r) => [r.provider_message_id, r.thread_key]));
}

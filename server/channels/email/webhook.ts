import type { FastifyError, FastifyInstance } from 'fastify';
import { answerIngest, rawBodies, refuseMalformed, refuseUnsigned } from '../channelIngest';
import { sameBearer } from '../signatures';
import type { ChannelContext } from '../types';
import { formatBytes } from './attachments';
import type { EmailReceiver } from './receiveEmail';

/**
 * `POST /webhooks/email`: one raw MIME message per request (`Content-Type: message/rfc822`), as
 * inbound-mail services forward it, authorised by `Authorization: Bearer $INBOUND_EMAIL_TOKEN`.
 * The token and content type are checked before the body is read.
 */
/** Where inbound-mail services (and the demo's simulator) deliver raw MIME. */
export const EMAIL_WEBHOOK_PATH = '/webhooks/email';

export async function registerEmailWebhook(
  app: FastifyInstance,
  ctx: ChannelContext,
  receive: EmailReceiver,
): Promise<void> {
  const { health } = ctx;
  const limit = ctx.config.EMAIL_MAX_MESSAGE_BYTES;
  await app.register((scope, _options, done) => {
    rawBodies(scope, limit);
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
        return reply.code(413).send({
          error: {
            code: 'too_large',
            message: `The message is larger than ${formatBytes(limit)} (EMAIL_MAX_MESSAGE_BYTES); nothing was stored. Raise the limit or have the sender attach less.`,
          },
        });
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) request.log.error({ err: error }, 'email webhook failed');
      return reply.code(status).send({
        error: {
          code: status === 500 ? 'internal' : 'invalid_body',
          message: status === 500 ? 'The message could not be stored; redeliver it later.' : error.message,
        },
      });
    });

    scope.addHook('onRequest', async (request, reply) => {
      if (!sameBearer(request.headers.authorization, ctx.config.INBOUND_EMAIL_TOKEN)) {
        return refuseUnsigned(
          reply,
          'email',
          health,
          'auth_failure',
          'Send the inbound email token as Authorization: Bearer $INBOUND_EMAIL_TOKEN.',
        );
      }
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'message/rfc822') {
        return reply.code(415).send({
          error: {
            code: 'unsupported_media_type',
            message: `Send one raw MIME message with Content-Type: message/rfc822 (got ${type ? `"${type.slice(0, 100)}"` : 'none'}).`,
          },
        });
      }
    });

    scope.post(EMAIL_WEBHOOK_PATH, { bodyLimit: limit }, async (request, reply) => {
      const raw = request.body;
      if (!Buffer.isBuffer(raw) || raw.length === 0) {
        return refuseMalformed(reply, 'email', health, 'The body is empty: send the raw MIME message.');
      }
      const received = await receive(raw);
      if (received.status === 'refused') return refuseMalformed(reply, 'email', health, received.reason);
      if (received.status === 'ignored') {
        // Authorised and understood, just not a customer's mail: the provider must not redeliver it.
        health.event('email');
        return reply.code(200).send({ received: 1, accepted: 0, duplicates: 0, ignored: received.detail });
      }
      return answerIngest(reply, received.outcome, 'email', health);
    });
    done();
  });
}

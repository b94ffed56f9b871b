import type { FastifyInstance } from 'fastify';
import { describeIssues } from '../../../shared/settings';
import { answerIngest, parseJson, rawBodies, refuseMalformed, refuseUnsigned } from '../channelIngest';
import { sameBearer } from '../signatures';
import type { ChannelContext } from '../types';
import type { CallRouting } from './afterCall';
import { CallEventSchema } from './callEvent';
import { receiveCallEvent, storableEvent } from './receiveCallEvent';

export type { CallRouting } from './afterCall';

export const CTI_WEBHOOK_PATH = '/webhooks/cti';

/** A call event is a few hundred bytes; a long transcript segment a few KB. */
const BODY_LIMIT = 256 * 1024;

/**
 * `POST /webhooks/cti`: the telephony platform's call events, one JSON event per request, with
 * `Authorization: Bearer $CTI_TOKEN`. 200 once the event is stored (a redelivery answers 200 as a
 * duplicate), 401 for a missing or wrong token, 400 with the reason for anything else. `routing`
 * hears when an ended call frees its agent for the next one.
 */
export async function registerCtiChannel(
  app: FastifyInstance,
  ctx: ChannelContext & { routing?: CallRouting },
): Promise<void> {
  await app.register((scope, _options, done) => {
    rawBodies(scope, BODY_LIMIT);
    scope.post(CTI_WEBHOOK_PATH, async (request, reply) => {
      if (!sameBearer(request.headers.authorization, ctx.config.CTI_TOKEN)) {
        return refuseUnsigned(
          reply,
          'cti',
          ctx.health,
          'auth_failure',
          'Missing or wrong token: send Authorization: Bearer with the CTI_TOKEN this server is configured with.',
        );
      }
      const body = parseJson(request.body);
      if (body === undefined) {
        return refuseMalformed(reply, 'cti', ctx.health, 'The body is not JSON: post one call event as a JSON object.');
      }
      const parsed = CallEventSchema.safeParse(body);
      if (!parsed.success) {
        return refuseMalformed(reply, 'cti', ctx.health, `This is not a call event: ${describeIssues(parsed.error)}`);
      }
      const outcome = await receiveCallEvent(ctx, storableEvent(parsed.data), ctx.routing);
      return answerIngest(reply, outcome, 'cti', ctx.health);
    });
    done();
  });
}

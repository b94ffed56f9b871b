import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { decideAutoChecks, type ConversationFacts } from '../../shared/qa/autoChecks';
import { describeIssues } from '../../shared/settings';
import type { Tone } from '../../shared/tones';
import type { TokenIssuer } from '../auth/tokens';
import type { Db } from '../db/db';
import { routeGuards } from '../http/auth';
import { sendError } from '../http/errors';
import { publishedScorecard } from './publishedScorecard';
import { spellingChecked } from './spelling';

const QuerySchema = z
  .object({ scorecardId: z.string().min(1).max(64), version: z.coerce.number().int().min(1) })
  .strict();

/**
 * The automatic criteria of a scorecard version, decided on a conversation with their evidence:
 * what the lead's review starts from (and may override). Leads and admins only.
 */
export function registerAutoCheckRoutes(
  app: FastifyInstance,
  deps: { db: Db; tokens: TokenIssuer; now: () => number },
) {
  const { requireRole } = routeGuards(deps.tokens);
  app.get(
    '/api/qa/conversations/:id/auto-checks',
    { preHandler: requireRole(['lead', 'admin']) },
    async (request, reply) => {
      const query = QuerySchema.safeParse(request.query);
      if (!query.success)
        return sendError(reply, 400, 'invalid_query', `Send ?scorecardId=…&version=…: ${describeIssues(query.error)}`);
      const { id } = request.params as { id: string };
      const card = await publishedScorecard(deps.db, query.data.scorecardId, query.data.version);
      if (!card) return sendError(reply, 404, 'not_found', 'That scorecard version is not published.');
      const { rows: conversations } = await deps.db.query<{
        channel: ConversationFacts['channel'];
        first_response_due: Date | null;
        first_response_at: Date | null;
        customer: string;
        agent: string | null;
      }>(
        `select c.channel, c.first_response_due, c.first_response_at, cu.display_name as customer, a.name as agent
       from conversations c join customers cu on cu.id = c.customer_id left join agents a on a.id = c.assigned_agent_id
       where c.id = $1`,
        [id],
      );
      const conversation = conversations[0];
      if (!conversation) return sendError(reply, 404, 'not_found', 'This conversation does not exist.');
      const { rows: messages } = await deps.db.query<
        ConversationFacts['messages'][number] & { templateId: string | null }
      >(
        `select id, direction, visibility, body, speaker, via, template_id as "templateId" from messages
       where conversation_id = $1 order by created_at, id`,
        [id],
      );
      const facts: ConversationFacts = {
        channel: conversation.channel,
        firstResponseDue: conversation.first_response_due?.toISOString() ?? null,
        firstResponseAt: conversation.first_response_at?.toISOString() ?? null,
        messages,
      };
      const { rows: templates } = await deps.db.query<{
        id: string;
        title: string;
        renderings: Partial<Record<Tone, string>>;
      }>('select id, title, renderings from templates');
      return {
        checks: decideAutoChecks(card, facts, {
          now: new Date(deps.now()),
          templates: new Map(templates.map((t) => [t.id, t])),
          spelling: (f) => spellingChecked(f, [conversation.customer, conversation.agent ?? '']),
        }),
      };
    },
  );
}

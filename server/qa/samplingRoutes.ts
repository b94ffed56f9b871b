import type { FastifyInstance } from 'fastify';
import { SamplingRuleInputSchema } from '../../shared/qa/scorecard';
import { describeIssues } from '../../shared/settings';
import type { TokenIssuer } from '../auth/tokens';
import type { Db } from '../db/db';
import { claimsOf, routeGuards } from '../http/auth';
import { sendError } from '../http/errors';
import type { PendingChange } from '../sync/changeLog';
import { runSampling } from './sampling';

/** How often the sampling rules run by themselves. */
export const SAMPLING_INTERVAL_MS = 10 * 60_000;

/**
 * Sampling rules for leads and admins: set one, list them, run them now (they also run every ten
 * minutes). New assignments reach their lead through the change log.
 */
export function registerSamplingRoutes(
  app: FastifyInstance,
  deps: { db: Db; tokens: TokenIssuer; push: (changes: PendingChange[]) => void; now: () => number },
): { stop(): void } {
  const { requireRole } = routeGuards(deps.tokens);
  const leads = { preHandler: requireRole(['lead', 'admin']) };
  let running: Promise<number> | null = null;
  const run = () =>
    (running ??= runSampling(deps.db, new Date(deps.now()))
      .then(({ assigned, changes }) => {
        deps.push(changes);
        return assigned;
      })
      .finally(() => {
        running = null;
      }));

  app.get('/api/qa/sampling-rules', leads, async () => {
    const { rows } = await deps.db.query(
      'select id, name, kind, params as rule, scorecard_id as "scorecardId", lead_ids as "leadIds", enabled from sampling_rules order by created_at',
    );
    return { rules: rows };
  });

  app.post('/api/qa/sampling-rules', leads, async (request, reply) => {
    const body = SamplingRuleInputSchema.safeParse(request.body);
    if (!body.success) return sendError(reply, 400, 'invalid_rule', describeIssues(body.error));
    const { name, scorecardId, leadIds, rule } = body.data;
    const { rows: cards } = await deps.db.query('select 1 from scorecards where id = $1', [scorecardId]);
    if (!cards.length) return sendError(reply, 400, 'invalid_rule', 'No scorecard with that id: create it first.');
    const { rows: found } = await deps.db.query<{ id: string }>(
      "select id from agents where id = any($1) and role in ('lead', 'admin')",
      [leadIds],
    );
    if (found.length !== new Set(leadIds).size)
      return sendError(reply, 400, 'invalid_rule', 'Every reviewer of a sampling rule is a team lead or an admin.');
    const id = crypto.randomUUID();
    await deps.db.query(
      'insert into sampling_rules (id, name, kind, params, scorecard_id, lead_ids, created_by) values ($1, $2, $3, $4, $5, $6, $7)',
      [id, name, rule.kind, JSON.stringify(rule), scorecardId, [...new Set(leadIds)], claimsOf(request).agentId],
    );
    return reply.code(201).send({ id });
  });

  app.post('/api/qa/sampling/run', leads, async () => ({ assigned: await run() }));

  const timer = setInterval(() => {
    run().catch((err: unknown) => app.log.error({ err }, 'sampling run failed; it runs again in ten minutes'));
  }, SAMPLING_INTERVAL_MS);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
  };
}

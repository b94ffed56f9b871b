import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeIssues } from '../../shared/settings';
import type { TokenIssuer } from '../auth/tokens';
import type { Queryable } from '../db/db';
import { claimsOf, routeGuards } from '../http/auth';
import { sendError } from '../http/errors';
import { qualityScores, type QualityQuery, type QualityRow } from './qualityScores';

const instant = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ].*)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO 8601 date or date-time, e.g. 2026-01-05 or 2026-01-05T00:00:00Z',
  })
  .transform((s) => new Date(s));

/** Unknown parameters are refused: a typo (`groupby=team`) must not silently give the default. */
const QualityQuerySchema = z
  .strictObject({
    groupBy: z.enum(['agent', 'team', 'channel', 'scorecard']).default('agent'),
    bucket: z.enum(['day', 'week', 'month']).default('week'),
    from: instant,
    to: instant,
    agentId: z.string().min(1).optional(),
    teamId: z.string().min(1).optional(),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** RFC 4180: quote a field only when it holds a comma, a quote or a line break. */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The group's id, then its name (a spreadsheet reads names; the id keeps rows joinable). */
export function qualityCsv(groupBy: QualityQuery['groupBy'], rows: readonly QualityRow[]): string {
  const lines = [`${groupBy},name,bucket_start,quality_score,reviews`];
  for (const row of rows) {
    lines.push(
      [
        csvField(row.group ?? ''),
        csvField(row.label ?? ''),
        dayOf(row.bucketStart),
        row.score.toFixed(1),
        String(row.reviews),
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Quality scores per agent, team, channel or scorecard over time (issue 8). Admins see everyone;
 * a lead sees their own team's agents only (the team filter is forced, whatever they ask); an
 * agent sees only their own trend (groupBy=agent, their id forced).
 */
export function registerQualityRoutes(app: FastifyInstance, deps: { db: Queryable; tokens: TokenIssuer }): void {
  const { requireRole } = routeGuards(deps.tokens);
  const anyone = { preHandler: requireRole(['agent', 'lead', 'admin']) };

  /** The scoped query, or an error already sent. */
  const scoped = (request: FastifyRequest, reply: FastifyReply): QualityQuery | undefined => {
    const parsed = QualityQuerySchema.safeParse(request.query);
    if (!parsed.success) {
      void sendError(reply, 400, 'invalid_query', describeIssues(parsed.error));
      return undefined;
    }
    const { agentId, teamId, ...window } = parsed.data;
    const query: QualityQuery = {
      ...window,
      ...(agentId === undefined ? {} : { agentId }),
      ...(teamId === undefined ? {} : { teamId }),
    };
    const claims = claimsOf(request);
    if (claims.role === 'agent') return { ...window, groupBy: 'agent', agentId: claims.agentId };
    if (claims.role === 'lead') {
      if (!claims.teamId) {
        void sendError(reply, 403, 'forbidden', 'Your account is not in a team, so there are no agents to show.');
        return undefined;
      }
      if (query.teamId !== undefined && query.teamId !== claims.teamId) {
        void sendError(reply, 403, 'forbidden', "A team lead sees their own team's quality scores only.");
        return undefined;
      }
      return { ...query, teamId: claims.teamId };
    }
    return query;
  };

  app.get('/api/qa/quality', anyone, async (request, reply) => {
    const query = scoped(request, reply);
    if (!query) return reply;
    const rows = await qualityScores(deps.db, query);
    return {
      groupBy: query.groupBy,
      bucket: query.bucket,
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      rows: rows.map((row) => ({ ...row, bucketStart: row.bucketStart.toISOString() })),
    };
  });

  app.get('/api/qa/quality.csv', anyone, async (request, reply) => {
    const query = scoped(request, reply);
    if (!query) return reply;
    const rows = await qualityScores(deps.db, query);
    const name = `quality-${query.groupBy}-${query.bucket}-${dayOf(query.from)}-${dayOf(query.to)}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(qualityCsv(query.groupBy, rows));
  });
}

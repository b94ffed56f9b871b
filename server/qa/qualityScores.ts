import type { Queryable } from '../db/db';

export type QualityGroupBy = 'agent' | 'team' | 'channel' | 'scorecard';
export type QualityBucket = 'day' | 'week' | 'month';

export interface QualityQuery {
  groupBy: QualityGroupBy;
  bucket: QualityBucket;
  /** Inclusive: reviews submitted at or after this instant. */
  from: Date;
  /** Exclusive: reviews submitted before this instant. */
  to: Date;
  agentId?: string;
  /** The agents' current team (agents.team_id), as the lead's view is scoped. */
  teamId?: string;
}

export interface QualityRow {
  /** The agent, team, channel or scorecard id; null for agents without a team when grouping by team. */
  group: string | null;
  /** The bucket's start in UTC (date_trunc: weeks start on Monday, ISO 8601). */
  bucketStart: Date;
  /** Mean of the review scores, 0–100, unrounded (rounding is for display only, as for one review). */
  score: number;
  reviews: number;
}

/**
 * What each grouping selects, and the join it needs. Only literal SQL from this table is spliced
 * into the statement; every value from the caller is a bind parameter.
 */
const GROUPS: Record<QualityGroupBy, { key: string; join: '' | 'agents' | 'conversations' }> = {
  agent: { key: 'r.agent_id', join: '' },
  team: { key: 'a.team_id', join: 'agents' },
  channel: { key: 'c.channel', join: 'conversations' },
  scorecard: { key: 'r.scorecard_id', join: '' },
};

/**
 * Quality scores over time (issue 8), in one SQL statement over submitted reviews.
 *
 * Why the quality score is the mean of stored review scores: the formula (shared/qa/score.ts) is
 * applied once per review, with the scorecard version that review was scored with, and the server
 * stores the result in `reviews.score`. Reviews scored with different versions (or different
 * scorecards) have different criteria and weights, so there is no common set of criteria to pool
 * across them; each review's 0–100 is the comparable unit, and every review counts once, whatever
 * its number of rated criteria. Recomputing from ratings here would also re-apply a formula the
 * lead already saw and submitted, and could not use an index.
 *
 * Left out: drafts (not yet a judgement) and reviews with a null score (nothing rated, all N/A),
 * which say nothing about quality; a 0 from a critical failure is a real score and counts.
 * Team is the agent's current team: moving an agent moves their history with them.
 */
export async function qualityScores(db: Queryable, query: QualityQuery): Promise<QualityRow[]> {
  const group = GROUPS[query.groupBy];
  const params: unknown[] = [query.bucket, query.from, query.to];
  const where = [`r.status = 'submitted'`, 'r.score is not null', 'r.submitted_at >= $2', 'r.submitted_at < $3'];
  const needsAgents = group.join === 'agents' || query.teamId !== undefined;
  if (query.agentId !== undefined) {
    params.push(query.agentId);
    where.push(`r.agent_id = $${params.length}`);
  }
  if (query.teamId !== undefined) {
    params.push(query.teamId);
    where.push(`a.team_id = $${params.length}`);
  }
  // date_trunc with an explicit zone: buckets are UTC days whatever the session's time zone.
  const sql = `
    select ${group.key} as "group", date_trunc($1, r.submitted_at, 'UTC') as bucket_start,
           avg(r.score)::float8 as score, count(*)::int as reviews
    from reviews r
    ${needsAgents ? 'join agents a on a.id = r.agent_id' : ''}
    ${group.join === 'conversations' ? 'join conversations c on c.id = r.conversation_id' : ''}
    where ${where.join(' and ')}
    group by 1, 2
    order by 1, 2`;
  const { rows } = await db.query<{ group: string | null; bucket_start: Date; score: number; reviews: number }>(
    sql,
    params,
  );
  return rows.map((row) => ({
    group: row.group,
    bucketStart: row.bucket_start,
    score: row.score,
    reviews: row.reviews,
  }));
}

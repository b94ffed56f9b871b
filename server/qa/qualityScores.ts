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
  /**
   * What the group is called: the agent's, team's or scorecard's name; a channel's id (the client
   * has its own words for channels); null when the group is null.
   */
  label: string | null;
  /** The bucket's start in UTC (date_trunc: weeks start on Monday, ISO 8601). */
  bucketStart: Date;
  /** Mean of the review scores, 0–100, unrounded (rounding is for display only, as for one review). */
  score: number;
  reviews: number;
}

/**
 * What each grouping selects, the join it needs, and the table whose `name` labels it (a channel
 * has none). Only literal SQL from this table is spliced into the statement; every value from the
 * caller is a bind parameter.
 */
const GROUPS: Record<
  QualityGroupBy,
  { key: string; join: '' | 'agents' | 'conversations'; names: 'agents' | 'teams' | 'scorecards' | null }
> = {
  agent: { key: 'r.agent_id', join: '', names: 'agents' },
  team: { key: 'a.team_id', join: 'agents', names: 'teams' },
  channel: { key: 'c.channel', join: 'conversations', names: null },
  scorecard: { key: 'r.scorecard_id', join: '', names: 'scorecards' },
};

/**
 * The bucket of a review, in UTC whatever the session's time zone (weeks start on Monday). Literal
 * SQL, not a bind parameter, and spelled exactly as migration 012's statistics: only then does
 * the planner know there are a dozen weeks, not a million, and aggregate in a hash table instead
 * of sorting a million rows on disk (B8: 1.5 s → about 0.9 s).
 */
const BUCKETS: Record<QualityBucket, string> = {
  day: `date_trunc('day', r.submitted_at at time zone 'UTC')`,
  week: `date_trunc('week', r.submitted_at at time zone 'UTC')`,
  month: `date_trunc('month', r.submitted_at at time zone 'UTC')`,
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
 * Left out: drafts (not yet a judgement), calibration reviews, and reviews with a null score (nothing rated, all N/A),
 * which say nothing about quality; a 0 from a critical failure is a real score and counts.
 * Team is the agent's current team: moving an agent moves their history with them.
 */
export async function qualityScores(db: Queryable, query: QualityQuery): Promise<QualityRow[]> {
  const group = GROUPS[query.groupBy];
  const bucket = BUCKETS[query.bucket];
  if (!group || !bucket)
    throw new Error(`qualityScores: unknown groupBy or bucket (${query.groupBy}, ${query.bucket})`);
  const params: unknown[] = [query.from, query.to];
  // Calibration reviews are leads scoring leads' judgement on one conversation, not the agent's
  // quality: three of them would count one conversation three times.
  const where = [
    `r.status = 'submitted'`,
    'r.score is not null',
    'r.calibration_id is null',
    'r.submitted_at >= $1',
    'r.submitted_at < $2',
  ];
  const needsAgents = group.join === 'agents' || query.teamId !== undefined;
  if (query.agentId !== undefined) {
    params.push(query.agentId);
    where.push(`r.agent_id = $${params.length}`);
  }
  if (query.teamId !== undefined) {
    params.push(query.teamId);
    where.push(`a.team_id = $${params.length}`);
  }
  // Grouped by the bare UTC bucket (what 012's statistics describe), returned as a timestamptz.
  // Names are joined to the aggregated rows (12,000 in B8), not to the million reviews under them;
  // `materialized` keeps the join from steering the aggregate into sorting its reviews for a merge
  // join (one team's agents in B8: 100,000 rows sorted on disk instead of hashed).
  const sql = `
    with scores as materialized (
      select ${group.key} as "group", ${bucket} as bucket_utc,
             avg(r.score)::float8 as score, count(*)::int as reviews
      from reviews r
      ${needsAgents ? 'join agents a on a.id = r.agent_id' : ''}
      ${group.join === 'conversations' ? 'join conversations c on c.id = r.conversation_id' : ''}
      where ${where.join(' and ')}
      group by ${group.key}, ${bucket}
    )
    select s."group", ${group.names ? 'n.name' : 's."group"'} as label,
           s.bucket_utc at time zone 'UTC' as bucket_start, s.score, s.reviews
    from scores s
    ${group.names ? `left join ${group.names} n on n.id = s."group"` : ''}
    order by s."group", s.bucket_utc`;
  const { rows } = await db.query<{
    group: string | null;
    label: string | null;
    bucket_start: Date;
    score: number;
    reviews: number;
  }>(sql, params);
  return rows.map((row) => ({
    group: row.group,
    label: row.label,
    bucketStart: row.bucket_start,
    score: row.score,
    reviews: row.reviews,
  }));
}

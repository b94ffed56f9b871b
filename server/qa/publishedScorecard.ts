import { ScorecardVersionSchema, type ScorecardVersion, type Section } from '../../shared/qa/scorecard';
import type { Queryable } from '../db/db';

/**
 * A published scorecard version, parsed, or null when that version is not published: what every
 * rule that scores (reviews, disputes, calibrations, automatic checks) scores with.
 */
export async function publishedScorecard(
  tx: Queryable,
  scorecardId: string,
  version: number,
): Promise<ScorecardVersion | null> {
  const { rows } = await tx.query<{ definition: { name: string; sections: Section[] } }>(
    'select definition from scorecard_versions where scorecard_id = $1 and version = $2 and published_at is not null',
    [scorecardId, version],
  );
  return rows[0] ? ScorecardVersionSchema.parse({ scorecardId, version, ...rows[0].definition }) : null;
}

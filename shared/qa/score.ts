import {
  criteriaOf,
  ratingProblem,
  scalePoints,
  type Criterion,
  type Rating,
  type ScorecardVersion,
} from './scorecard';

/**
 * The QA score of a review, the one formula every surface uses (README, "QA score"):
 *
 * - each rated criterion maps to 0–100: yes = 100, no = 0; on a 1–n scale, (x − 1) / (n − 1) × 100;
 * - the score is the weighted mean of those over the rated criteria: not applicable (`na`) and
 *   not yet rated criteria are left out of both the sum and the weights;
 * - a critical criterion that fails (no, or 1 on its scale) sets the score to 0;
 * - nothing rated: no score (null);
 * - never rounded here: round only to display (`displayScore`).
 */

export interface ReviewScore {
  /** 0–100, unrounded; null when nothing is rated yet. */
  score: number | null;
  /** A critical criterion failed: the score is 0 whatever the others say. */
  criticalFailed: string[];
  /** Each criterion's points (0–100), null when not applicable or not rated. */
  points: Record<string, number | null>;
  rated: number;
  notApplicable: number;
  unrated: number;
}

/** One rating's points: 0–100, or null when it is `na`. */
export function ratingPoints(criterion: Criterion, rating: Rating): number | null {
  if (rating === 'na') return null;
  if (rating === 'yes') return 100;
  if (rating === 'no') return 0;
  return ((rating - 1) / (scalePoints(criterion.scale) - 1)) * 100;
}

/**
 * Scores `ratings` (criterion id → rating) with the scorecard version they were given under.
 * A rating that does not fit its criterion (3 on a yes/no, na where not allowed) or names no
 * criterion of the card is an error: the caller validates input with `ratingProblem` first.
 */
export function scoreReview(
  card: Pick<ScorecardVersion, 'sections'>,
  ratings: Readonly<Record<string, Rating>>,
): ReviewScore {
  const criteria = criteriaOf(card);
  const known = new Set(criteria.map((c) => c.id));
  for (const id of Object.keys(ratings)) {
    if (!known.has(id)) throw new Error(`"${id}" is not a criterion of this scorecard version.`);
  }
  const points: Record<string, number | null> = {};
  const criticalFailed: string[] = [];
  let weighted = 0;
  let weights = 0;
  let rated = 0;
  let notApplicable = 0;
  let unrated = 0;
  for (const criterion of criteria) {
    const rating = ratings[criterion.id];
    if (rating === undefined) {
      points[criterion.id] = null;
      unrated++;
      continue;
    }
    const problem = ratingProblem(criterion, rating);
    if (problem) throw new Error(problem);
    const value = ratingPoints(criterion, rating);
    points[criterion.id] = value;
    if (value === null) {
      notApplicable++;
      continue;
    }
    rated++;
    weighted += criterion.weight * value;
    weights += criterion.weight;
    if (criterion.critical && value === 0) criticalFailed.push(criterion.id);
  }
  const score = rated === 0 ? null : criticalFailed.length ? 0 : weighted / weights;
  return { score, criticalFailed, points, rated, notApplicable, unrated };
}

/** The score as shown: a whole number, or "—" when nothing is rated. */
export function displayScore(score: number | null): string {
  return score === null ? '—' : String(Math.round(score));
}

import { ratingPoints, scoreReview } from '../../../shared/qa/score';
import {
  criteriaOf,
  ratingProblem,
  scalePoints,
  type Criterion,
  type Rating,
  type Section,
} from '../../../shared/qa/scorecard';

/**
 * How far a calibration's leads are apart: per criterion, the spread of their ratings on the
 * 0–100 scale of the score formula (shared/qa/score.ts). A spread above 25 points is a
 * disagreement worth talking through before agreeing the reference, and so is one lead's N/A
 * against another's rating (they disagree whether it applies). Criteria that do not apply to the
 * conversation are left out.
 */

export const DISAGREE_ABOVE = 25;

/** One lead's submitted review, as far as the spread needs it. */
export interface ScoredReview {
  reviewerId: string;
  ratings: Readonly<Record<string, Rating>>;
  /** The server's score; null on a review submitted offline that the server has not scored yet. */
  score: number | null;
}

export interface CriterionSpread {
  criterion: Criterion;
  /** Each review's rating, in the order of the reviews given; undefined when it left it unrated. */
  ratings: (Rating | undefined)[];
  /** False when the criterion does not apply to the conversation: shown so, not compared. */
  applies: boolean;
  /** max − min of the rated points; null with fewer than two ratings to compare, or N/A against a rating. */
  spread: number | null;
  /** Some leads said N/A and others rated it. */
  naVsRated: boolean;
  /** Two or more leads said N/A and none rated it: they agree it does not apply (spread 0). */
  allNa: boolean;
  disagree: boolean;
}

export interface SpreadTable {
  sections: { section: Section; rows: CriterionSpread[] }[];
  /** Each review's total score, in the order of the reviews given. */
  scores: (number | null)[];
  scoreSpread: number | null;
  scoreDisagree: boolean;
}

type Card = { sections: Section[] };

/** A rating's points (0–100); null for N/A, unrated, or a rating that does not fit the criterion. */
export function pointsOf(criterion: Criterion, rating: Rating | undefined): number | null {
  if (rating === undefined || ratingProblem(criterion, rating)) return null;
  return ratingPoints(criterion, rating);
}

/** max − min, or null with fewer than two values to compare. */
export function spreadOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length >= 2 ? Math.max(...present) - Math.min(...present) : null;
}

const disagrees = (spread: number | null) => spread !== null && spread > DISAGREE_ABOVE;

/**
 * Whether a criterion is compared: it applies to the conversation, or a lead gave it a point
 * (the server refuses points on a criterion that does not apply, so a point means the mirror
 * holds too little of the conversation to tell).
 */
function isCompared(criterion: Criterion, reviews: readonly ScoredReview[], notApplicable: ReadonlySet<string>) {
  return !notApplicable.has(criterion.id) || reviews.some((r) => pointsOf(criterion, r.ratings[criterion.id]) !== null);
}

/** The review's score: the server's, or the same formula on its ratings while the server has not answered. */
export function scoreOf(card: Card, review: Pick<ScoredReview, 'ratings' | 'score'>): number | null {
  if (review.score !== null) return review.score;
  try {
    return scoreReview(card, review.ratings).score;
  } catch {
    return null;
  }
}

/** The spread per criterion and of the scores; `notApplicable`: ids of criteria that do not apply here. */
export function spreadTable(
  card: Card,
  reviews: readonly ScoredReview[],
  notApplicable: ReadonlySet<string> = new Set(),
): SpreadTable {
  const sections = card.sections.map((section) => ({
    section,
    rows: section.criteria.map((criterion): CriterionSpread => {
      const ratings = reviews.map((r) => r.ratings[criterion.id]);
      if (!isCompared(criterion, reviews, notApplicable))
        return { criterion, ratings, applies: false, spread: null, naVsRated: false, allNa: false, disagree: false };
      const points = ratings.map((rating) => pointsOf(criterion, rating));
      const naVsRated = ratings.includes('na') && points.some((p) => p !== null);
      const allNa = ratings.filter((r) => r === 'na').length >= 2 && points.every((p) => p === null);
      const spread = naVsRated ? null : allNa ? 0 : spreadOf(points);
      return { criterion, ratings, applies: true, spread, naVsRated, allNa, disagree: naVsRated || disagrees(spread) };
    }),
  }));
  const scores = reviews.map((r) => scoreOf(card, r));
  const scoreSpread = spreadOf(scores);
  return { sections, scores, scoreSpread, scoreDisagree: disagrees(scoreSpread) };
}

/**
 * The reference each criterion starts from when the leads agree: N/A when most leads said N/A,
 * otherwise the median rating (the lower middle one when their number is even: the stricter
 * reading); a criterion nobody rated, or that does not apply, gets none.
 */
export function suggestedReference(
  card: Card,
  reviews: readonly ScoredReview[],
  notApplicable: ReadonlySet<string> = new Set(),
): Record<string, Rating> {
  const reference: Record<string, Rating> = {};
  for (const criterion of criteriaOf(card)) {
    if (!isCompared(criterion, reviews, notApplicable)) continue;
    const given = reviews
      .map((r) => r.ratings[criterion.id])
      .filter((r): r is Rating => r !== undefined && !ratingProblem(criterion, r));
    const na = given.filter((r) => r === 'na').length;
    const rated = given
      .filter((r) => r !== 'na')
      .sort((a, b) => (pointsOf(criterion, a) ?? 0) - (pointsOf(criterion, b) ?? 0));
    if (na > given.length / 2) reference[criterion.id] = 'na';
    else if (rated.length) reference[criterion.id] = rated[Math.floor((rated.length - 1) / 2)]!;
  }
  return reference;
}

/** The ratings a criterion can be given, in scale order. */
export function ratingChoices(criterion: Criterion): Rating[] {
  const choices: Rating[] =
    criterion.scale === 'yes_no'
      ? ['yes', 'no']
      : Array.from({ length: scalePoints(criterion.scale) }, (_, i) => i + 1);
  return criterion.allowNa ? [...choices, 'na'] : choices;
}

export function ratingLabel(criterion: Criterion, rating: Rating | undefined): string {
  if (rating === undefined) return 'not rated';
  if (rating === 'na') return 'N/A';
  if (rating === 'yes') return 'Yes';
  if (rating === 'no') return 'No';
  return `${rating} of ${scalePoints(criterion.scale)}`;
}

/** A spread or distance as shown and as the data attribute carries it: one decimal at most. */
export function oneDecimal(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** A lead's score against the reference: "+8", "−12", "0" (rounded to a whole point). */
export function signedDistance(score: number, reference: number): string {
  const d = Math.round(score - reference);
  return d > 0 ? `+${d}` : d < 0 ? `−${-d}` : '0';
}

/** "+8 points · 1 criterion differs": a lead's score against the reference, and how many of their ratings differ. */
export function distanceWords(score: number, reference: number, differ: number): string {
  const points = Math.abs(Math.round(score - reference)) === 1 ? 'point' : 'points';
  const criteria = differ === 1 ? 'criterion differs' : 'criteria differ';
  return `${signedDistance(score, reference)} ${points} · ${differ} ${criteria}`;
}

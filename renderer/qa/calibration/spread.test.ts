import { describe, expect, it } from 'vitest';
import { SCORECARD } from '../qaTestKit';
import {
  distanceWords,
  oneDecimal,
  signedDistance,
  spreadTable,
  suggestedReference,
  type ScoredReview,
} from './spread';

const review = (reviewerId: string, ratings: ScoredReview['ratings'], score: number | null = null): ScoredReview => ({
  reviewerId,
  ratings,
  score,
});

describe('calibration spread', () => {
  it('measures each criterion on the score’s 0–100 points and flags more than 25 apart, or N/A against a rating', () => {
    const table = spreadTable(SCORECARD, [
      review('a', { greeting: 'yes', empathy: 4, pii: 'yes', script: 'na' }),
      review('b', { greeting: 'no', empathy: 3, pii: 'yes', script: 'na' }),
      review('c', { greeting: 'yes', empathy: 5, pii: 'na', script: 2 }),
    ]);
    const rows = table.sections.flatMap((s) => s.rows.map((r) => [r.criterion.id, r.spread, r.naVsRated, r.disagree]));
    expect(rows).toEqual([
      ['greeting', 100, false, true],
      ['empathy', 50, false, true],
      // One lead said N/A, the others rated it: they disagree whether it applies, not by 0 points.
      ['pii', null, true, true],
      ['script', null, true, true],
    ]);
    // No server score yet: the same formula on the ratings (87.5, 50, 87.5).
    expect(table.scores).toEqual([87.5, 50, 87.5]);
    expect(table.scoreSpread).toBe(37.5);
    expect(table.scoreDisagree).toBe(true);
  });

  it('25 points apart is not a disagreement; all N/A is agreement (0); a single rating has nothing to compare', () => {
    const table = spreadTable(SCORECARD, [
      review('a', { greeting: 'na', empathy: 4, pii: 'yes' }, 75),
      review('b', { greeting: 'na', empathy: 3 }, 50),
    ]);
    const [greeting, empathy] = table.sections[0]!.rows;
    const [pii] = table.sections[1]!.rows;
    expect(greeting).toMatchObject({ spread: 0, allNa: true, naVsRated: false, disagree: false });
    expect(empathy).toMatchObject({ spread: 25, disagree: false });
    expect(pii).toMatchObject({ spread: null, naVsRated: false, disagree: false });
    expect(table).toMatchObject({ scoreSpread: 25, scoreDisagree: false });

    const alone = spreadTable(SCORECARD, [review('a', { greeting: 'yes', empathy: 4 }, 87.5)]);
    expect(alone.sections[0]!.rows.map((r) => r.spread)).toEqual([null, null]);
    expect(alone).toMatchObject({ scoreSpread: null, scoreDisagree: false });
  });

  it('leaves out criteria that do not apply to the conversation, unless a lead gave one a point', () => {
    const reviews = [
      review('a', { greeting: 'yes', empathy: 4, pii: 'na', script: 'na' }),
      review('b', { greeting: 'yes', empathy: 4, pii: 'yes' }),
    ];
    const notApplicable = new Set(['pii', 'script']);
    const rows = spreadTable(SCORECARD, reviews, notApplicable).sections[1]!.rows;
    // pii was given a point, so the mirror held too little of the conversation to tell: compared.
    expect(rows.map((r) => [r.criterion.id, r.applies, r.disagree])).toEqual([
      ['pii', true, true],
      ['script', false, false],
    ]);
    expect(suggestedReference(SCORECARD, reviews, notApplicable)).toEqual({ greeting: 'yes', empathy: 4, pii: 'yes' });
  });

  it('suggests the median rating (the lower middle one when even), N/A when most leads said N/A', () => {
    expect(
      suggestedReference(SCORECARD, [
        review('a', { greeting: 'yes', empathy: 4, pii: 'yes', script: 'na' }),
        review('b', { greeting: 'no', empathy: 3, pii: 'yes', script: 'na' }),
        review('c', { greeting: 'yes', empathy: 5, pii: 'na', script: 2 }),
      ]),
    ).toEqual({ greeting: 'yes', empathy: 4, pii: 'yes', script: 'na' });
    expect(
      suggestedReference(SCORECARD, [
        review('a', { greeting: 'yes', empathy: 5 }),
        review('b', { greeting: 'no', empathy: 2 }),
      ]),
    ).toEqual({ greeting: 'no', empathy: 2 });
  });

  it('writes spreads with one decimal and distances as signed whole points, counted in words', () => {
    expect(oneDecimal(100 / 3)).toBe('33.3');
    expect(signedDistance(87.5, 75)).toBe('+13');
    expect(signedDistance(50, 75)).toBe('−25');
    expect(signedDistance(75, 75)).toBe('0');
    expect(distanceWords(76, 75, 1)).toBe('+1 point · 1 criterion differs');
    expect(distanceWords(74.4, 75, 0)).toBe('−1 point · 0 criteria differ');
    expect(distanceWords(75, 75, 2)).toBe('0 points · 2 criteria differ');
  });
});

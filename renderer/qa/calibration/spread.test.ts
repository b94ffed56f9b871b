import { describe, expect, it } from 'vitest';
import { SCORECARD } from '../qaTestKit';
import { oneDecimal, signedDistance, spreadTable, suggestedReference, type ScoredReview } from './spread';

const review = (reviewerId: string, ratings: ScoredReview['ratings'], score: number | null = null): ScoredReview => ({
  reviewerId,
  ratings,
  score,
});

describe('calibration spread', () => {
  it('measures each criterion on the score’s 0–100 points, N/A left out, and flags more than 25 apart', () => {
    const table = spreadTable(SCORECARD, [
      review('a', { greeting: 'yes', empathy: 4, pii: 'yes', script: 'na' }),
      review('b', { greeting: 'no', empathy: 3, pii: 'yes', script: 'na' }),
      review('c', { greeting: 'yes', empathy: 5, pii: 'na', script: 2 }),
    ]);
    const rows = table.sections.flatMap((s) => s.rows.map((r) => [r.criterion.id, r.spread, r.disagree]));
    expect(rows).toEqual([
      ['greeting', 100, true],
      ['empathy', 50, true],
      ['pii', 0, false],
      ['script', 0, false],
    ]);
    // No server score yet: the same formula on the ratings (87.5, 50, 87.5).
    expect(table.scores).toEqual([87.5, 50, 87.5]);
    expect(table.scoreSpread).toBe(37.5);
  });

  it('25 points apart is not a disagreement; all N/A has nothing to compare', () => {
    const table = spreadTable(SCORECARD, [
      review('a', { greeting: 'na', empathy: 4 }, 75),
      review('b', { greeting: 'na', empathy: 3 }, 50),
    ]);
    const [greeting, empathy] = table.sections[0]!.rows;
    expect(greeting).toMatchObject({ spread: null, disagree: false });
    expect(empathy).toMatchObject({ spread: 25, disagree: false });
    expect(table.scoreSpread).toBe(25);
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

  it('writes spreads with one decimal and distances as signed whole points', () => {
    expect(oneDecimal(100 / 3)).toBe('33.3');
    expect(signedDistance(87.5, 75)).toBe('+13');
    expect(signedDistance(50, 75)).toBe('−25');
    expect(signedDistance(75, 75)).toBe('0');
  });
});

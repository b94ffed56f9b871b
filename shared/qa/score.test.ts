import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayScore, ratingPoints, scoreReview } from './score';
import { ScorecardVersionSchema, type Rating, type ScorecardVersion } from './scorecard';

/** The card of the hand-computed cases: weights 1, 2, 3, 1; accuracy and personal data critical. */
const card = ScorecardVersionSchema.parse({
  scorecardId: 'social',
  version: 1,
  name: 'Social care',
  sections: [
    {
      id: 'tone',
      title: 'Tone',
      criteria: [
        { id: 'greeting', label: 'Greets the customer', weight: 1, scale: 'yes_no' },
        { id: 'empathy', label: 'Shows empathy', weight: 2, scale: '1_5' },
      ],
    },
    {
      id: 'substance',
      title: 'Substance',
      criteria: [
        { id: 'accuracy', label: 'Accurate answer', weight: 3, scale: '1_3', critical: true },
        { id: 'pii', label: 'No personal data in public', weight: 1, scale: 'yes_no', critical: true, allowNa: false },
      ],
    },
  ],
});

const score = (ratings: Record<string, Rating>, on: ScorecardVersion = card) => scoreReview(on, ratings).score;

describe('the QA score formula, hand-computed', () => {
  // Each case: ratings → the score worked out by hand, with the arithmetic.
  const cases: [string, Record<string, Rating>, number | null][] = [
    ['everything at the top: 100', { greeting: 'yes', empathy: 5, accuracy: 3, pii: 'yes' }, 100],
    [
      'no greeting: (0·1 + 100·2 + 100·3 + 100·1) / 7',
      { greeting: 'no', empathy: 5, accuracy: 3, pii: 'yes' },
      600 / 7,
    ],
    [
      'empathy 4 of 5 is 75: (100 + 150 + 300 + 100) / 7',
      { greeting: 'yes', empathy: 4, accuracy: 3, pii: 'yes' },
      650 / 7,
    ],
    [
      'accuracy 2 of 3 is 50: (100 + 200 + 150 + 100) / 7',
      { greeting: 'yes', empathy: 5, accuracy: 2, pii: 'yes' },
      550 / 7,
    ],
    [
      'empathy 1 is 0 but not critical: (100 + 0 + 300 + 100) / 7',
      { greeting: 'yes', empathy: 1, accuracy: 3, pii: 'yes' },
      500 / 7,
    ],
    ['critical accuracy at 1 fails the review: 0', { greeting: 'yes', empathy: 5, accuracy: 1, pii: 'yes' }, 0],
    ['critical personal data "no" fails the review: 0', { greeting: 'yes', empathy: 5, accuracy: 3, pii: 'no' }, 0],
    [
      'greeting not applicable leaves the mean: (200 + 300 + 100) / 6',
      { greeting: 'na', empathy: 5, accuracy: 3, pii: 'yes' },
      100,
    ],
    [
      'not applicable, empathy 2 (25): (50 + 300 + 100) / 6',
      { greeting: 'na', empathy: 2, accuracy: 3, pii: 'yes' },
      75,
    ],
    ['two not applicable: (150 + 100) / 4', { greeting: 'na', empathy: 'na', accuracy: 2, pii: 'yes' }, 62.5],
    ['only one criterion rated so far: 100', { greeting: 'yes' }, 100],
    ['only empathy 3 rated so far: 50', { empathy: 3 }, 50],
    ['nothing rated: no score', {}, null],
    ['everything not applicable (pii unrated): no score', { greeting: 'na', empathy: 'na', accuracy: 'na' }, null],
    [
      'a critical failure with everything else not applicable: 0',
      { greeting: 'na', empathy: 'na', accuracy: 'na', pii: 'no' },
      0,
    ],
    [
      'accuracy not applicable, greeting no: (0 + 100·2 + 100) / 4',
      { greeting: 'no', empathy: 5, accuracy: 'na', pii: 'yes' },
      75,
    ],
    [
      'middle of every scale: (0 + 50·2 + 50·3 + 100) / 7',
      { greeting: 'no', empathy: 3, accuracy: 2, pii: 'yes' },
      350 / 7,
    ],
    [
      "the README's example: (100 + 75·2 + 50·3 + 100) / 7",
      { greeting: 'yes', empathy: 4, accuracy: 2, pii: 'yes' },
      500 / 7,
    ],
  ];
  it.each(cases)('%s', (_name, ratings, expected) => {
    const result = score(ratings);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toBeCloseTo(expected, 10);
  });

  it('maps every point of every scale to 0–100', () => {
    const [greeting, empathy, accuracy] = card.sections.flatMap((s) => s.criteria);
    expect(['yes', 'no'].map((r) => ratingPoints(greeting!, r as Rating))).toEqual([100, 0]);
    expect([1, 2, 3, 4, 5].map((r) => ratingPoints(empathy!, r))).toEqual([0, 25, 50, 75, 100]);
    expect([1, 2, 3].map((r) => ratingPoints(accuracy!, r))).toEqual([0, 50, 100]);
    expect(ratingPoints(empathy!, 'na')).toBeNull();
  });

  it('uses fractional weights as they are: (100·0.5 + 0·1.5) / 2 = 25', () => {
    const weighted = ScorecardVersionSchema.parse({
      scorecardId: 'w',
      version: 1,
      name: 'Weights',
      sections: [
        {
          id: 's',
          title: 'S',
          criteria: [
            { id: 'a', label: 'A', weight: 0.5, scale: 'yes_no' },
            { id: 'b', label: 'B', weight: 1.5, scale: 'yes_no' },
          ],
        },
      ],
    });
    expect(score({ a: 'yes', b: 'no' }, weighted)).toBe(25);
  });

  it('a critical criterion on a 1–5 scale fails only at 1: at 2 it counts 25 like any other', () => {
    const critical = ScorecardVersionSchema.parse({
      scorecardId: 'c',
      version: 1,
      name: 'Critical scale',
      sections: [
        {
          id: 's',
          title: 'S',
          criteria: [
            { id: 'policy', label: 'Follows policy', weight: 1, scale: '1_5', critical: true },
            { id: 'tone', label: 'Tone', weight: 1, scale: 'yes_no' },
          ],
        },
      ],
    });
    expect(score({ policy: 2, tone: 'yes' }, critical)).toBe(62.5);
    expect(scoreReview(critical, { policy: 1, tone: 'yes' })).toMatchObject({ score: 0, criticalFailed: ['policy'] });
  });

  it('scores with the version a review was given under: a new version changes new reviews only', () => {
    const v2 = ScorecardVersionSchema.parse({
      ...card,
      version: 2,
      sections: [
        {
          id: 'tone',
          title: 'Tone',
          criteria: [
            { id: 'empathy', label: 'Shows empathy', weight: 4, scale: '1_5' },
            { id: 'closing', label: 'Closes properly', weight: 1, scale: 'yes_no' },
          ],
        },
        card.sections[1]!,
      ],
    });
    const ratings: Record<string, Rating> = { empathy: 4, accuracy: 3, pii: 'yes' };
    // v1: (75·2 + 100·3 + 100·1) / 6 = 550 / 6; v2: (75·4 + 100·3 + 100·1) / 8 = 700 / 8.
    expect(score(ratings, card)).toBeCloseTo(550 / 6, 10);
    expect(score(ratings, v2)).toBeCloseTo(87.5, 10);
    // A v1 criterion that v2 dropped cannot be scored with v2.
    expect(() => scoreReview(v2, { greeting: 'yes' })).toThrow(
      '"greeting" is not a criterion of this scorecard version.',
    );
  });

  it('refuses a rating that does not fit its criterion, saying what fits', () => {
    expect(() => scoreReview(card, { pii: 'na' })).toThrow(
      '"No personal data in public" cannot be marked not applicable.',
    );
    expect(() => scoreReview(card, { accuracy: 4 })).toThrow('"Accurate answer" is rated 1 to 3.');
    expect(() => scoreReview(card, { empathy: 'yes' })).toThrow('"Shows empathy" is rated 1 to 5.');
    expect(() => scoreReview(card, { greeting: 2 })).toThrow('"Greets the customer" is rated yes or no.');
  });

  it('counts what was rated, not applicable and left', () => {
    expect(scoreReview(card, { greeting: 'na', empathy: 4 })).toMatchObject({
      rated: 1,
      notApplicable: 1,
      unrated: 2,
      points: { greeting: null, empathy: 75, accuracy: null, pii: null },
      criticalFailed: [],
    });
  });

  it('rounds only for display', () => {
    expect(score({ greeting: 'no', empathy: 5, accuracy: 3, pii: 'yes' })).not.toBe(86);
    expect(displayScore(600 / 7)).toBe('86');
    expect(displayScore(650 / 7)).toBe('93');
    expect(displayScore(62.5)).toBe('63');
    expect(displayScore(0)).toBe('0');
    expect(displayScore(null)).toBe('—');
  });

  it('refuses a scorecard whose criteria share an id', () => {
    const result = ScorecardVersionSchema.safeParse({
      ...card,
      sections: [card.sections[0], { id: 'again', title: 'Again', criteria: [card.sections[0]!.criteria[0]] }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'criterion id "greeting" is used twice; each criterion needs its own id',
    );
  });
});

/** Random scorecards and, for each, random ratings that fit. */
const scale = fc.constantFrom('yes_no' as const, '1_3' as const, '1_5' as const);
const criterion = fc.record({
  weight: fc.double({ min: 0.01, max: 100, noNaN: true }),
  scale,
  allowNa: fc.boolean(),
  critical: fc.boolean(),
});
const scenario = fc.array(criterion, { minLength: 1, maxLength: 12 }).chain((criteria) => {
  const built = ScorecardVersionSchema.parse({
    scorecardId: 'p',
    version: 1,
    name: 'Property',
    sections: [
      {
        id: 's',
        title: 'S',
        criteria: criteria.map((c, i) => ({ id: `c${i}`, label: `C${i}`, ...c })),
      },
    ],
  });
  const rating = (c: (typeof criteria)[number]): fc.Arbitrary<Rating | undefined> => {
    const values: fc.Arbitrary<Rating>[] = [
      c.scale === 'yes_no'
        ? fc.constantFrom<Rating>('yes', 'no')
        : fc.integer({ min: 1, max: c.scale === '1_3' ? 3 : 5 }),
    ];
    if (c.allowNa) values.push(fc.constant<Rating>('na'));
    return fc.option(fc.oneof(...values), { nil: undefined });
  };
  return fc.tuple(fc.constant(built), fc.tuple(...criteria.map(rating)));
});

describe('the QA score formula, for any scorecard and ratings', () => {
  it('is within 0–100, null only when nothing is rated, 0 on a critical failure, and ignores not applicable', () => {
    fc.assert(
      fc.property(scenario, ([built, given]) => {
        const ratings: Record<string, Rating> = {};
        given.forEach((r, i) => {
          if (r !== undefined) ratings[`c${i}`] = r;
        });
        const result = scoreReview(built, ratings);
        if (result.rated === 0) expect(result.score).toBeNull();
        else {
          expect(result.score).not.toBeNull();
          expect(result.score!).toBeGreaterThanOrEqual(0);
          expect(result.score!).toBeLessThanOrEqual(100 + 1e-9);
        }
        if (result.criticalFailed.length) expect(result.score).toBe(0);
        // Marking the unrated criteria not applicable (where allowed) changes nothing, nor does
        // dropping the not-applicable ones.
        const withNa = { ...ratings };
        const withoutNa = Object.fromEntries(Object.entries(ratings).filter(([, r]) => r !== 'na'));
        built.sections[0]!.criteria.forEach((c) => {
          if (withNa[c.id] === undefined && c.allowNa) withNa[c.id] = 'na';
        });
        expect(scoreReview(built, withNa).score).toBe(result.score);
        expect(scoreReview(built, withoutNa).score).toBe(result.score);
      }),
      { numRuns: 2000, seed: 20261126 },
    );
  });
});

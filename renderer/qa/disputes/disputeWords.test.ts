import { describe, expect, it } from 'vitest';
import { criteriaOf } from '../../../shared/qa/scorecard';
import { SCORECARD } from '../qaTestKit';
import {
  acceptDefault,
  clock,
  commentProblem,
  decisionsFor,
  firstChars,
  ratingChoices,
  ratingFromValue,
  ratingWords,
  scorecardTitle,
  spanWords,
} from './disputeWords';

const [greeting, empathy, , script] = criteriaOf(SCORECARD);

describe('dispute words', () => {
  it('puts ratings into words on the criterion’s scale', () => {
    expect(ratingWords('yes', greeting)).toBe('Yes');
    expect(ratingWords('no', greeting)).toBe('No');
    expect(ratingWords('na', greeting)).toBe('Not applicable');
    expect(ratingWords(3, empathy)).toBe('3 of 5');
    expect(ratingWords(2, script)).toBe('2 of 3');
    expect(ratingWords(undefined, empathy)).toBe('Not rated');
    expect(ratingWords(null, empathy)).toBe('Not rated');
    expect(ratingWords(4, null)).toBe('4');
  });

  it('names a call’s time span in minutes and seconds', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(9_999)).toBe('0:09');
    expect(clock(75_000)).toBe('1:15');
    expect(clock(3_725_000)).toBe('62:05');
    expect(spanWords(15_000, 27_000)).toBe('0:15–0:27');
  });

  it('quotes the first 80 characters of a message, marked when cut', () => {
    expect(firstChars('short')).toBe('short');
    expect(firstChars('a'.repeat(80))).toBe('a'.repeat(80));
    expect(firstChars('a'.repeat(81))).toBe(`${'a'.repeat(80)}…`);
  });

  it('suggests yes, or one point better, for an accepted dispute', () => {
    expect(acceptDefault(greeting!, 'no')).toBe('yes');
    expect(acceptDefault(greeting!, 'na')).toBe('yes');
    expect(acceptDefault(empathy!, 2)).toBe(3);
    expect(acceptDefault(empathy!, 5)).toBeNull();
    expect(acceptDefault(script!, 'na')).toBeNull();
  });

  it('offers the ratings a scale has, and reads them back from a form', () => {
    expect(ratingChoices(greeting!)).toEqual(['yes', 'no', 'na']);
    expect(ratingChoices(empathy!)).toEqual([5, 4, 3, 2, 1]);
    expect(ratingChoices(script!)).toEqual([3, 2, 1, 'na']);
    expect(ratingFromValue('3')).toBe(3);
    expect(ratingFromValue('yes')).toBe('yes');
    expect(ratingFromValue('na')).toBe('na');
    expect(ratingFromValue('')).toBeNull();
    expect(ratingFromValue('6')).toBeNull();
    expect(ratingFromValue('2.5')).toBeNull();
  });

  it('refuses an empty or over-long comment with a sentence', () => {
    expect(commentProblem('  \n ', 'Say why.')).toBe('Say why.');
    expect(commentProblem(` ${'x'.repeat(5000)} `, 'Say why.')).toBeNull();
    expect(commentProblem('x'.repeat(5001), 'Say why.')).toBe(
      'The comment is 5,001 characters long; shorten it to 5,000 or fewer.',
    );
  });

  it('offers Accept and Reject on a yes/no criterion, and Partly accept too on a scale', () => {
    expect(decisionsFor(greeting!)).toEqual(['accepted', 'rejected']);
    expect(decisionsFor(empathy!)).toEqual(['accepted', 'partly_accepted', 'rejected']);
    expect(decisionsFor(null)).toEqual(['accepted', 'partly_accepted', 'rejected']);
  });

  it('names the scorecard version a review was scored with', () => {
    expect(scorecardTitle('Customer care', 2)).toBe('Customer care, version 2');
    expect(scorecardTitle(null, 3)).toBe('version 3');
  });
});

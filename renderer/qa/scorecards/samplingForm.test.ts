import { describe, expect, it } from 'vitest';
import { buildRule, describeRule, emptyRuleForm } from './samplingForm';

const base = { ...emptyRuleForm('card-1'), name: 'Picks', leadIds: ['lead-1'] };

describe('sampling rule form', () => {
  it('builds each kind of rule from what the lead typed', () => {
    expect(buildRule({ ...base, sharePercent: '12,5' })).toEqual({
      ok: true,
      input: {
        name: 'Picks',
        scorecardId: 'card-1',
        leadIds: ['lead-1'],
        rule: { kind: 'random_share', share: 0.125 },
      },
    });
    expect(buildRule({ ...base, kind: 'per_agent_week', perAgent: '3' })).toMatchObject({
      ok: true,
      input: { rule: { kind: 'per_agent_week', perAgent: 3 } },
    });
    expect(buildRule({ ...base, kind: 'risk', reachOn: true, reach: '12 300', slaBreached: true })).toMatchObject({
      ok: true,
      input: { rule: { kind: 'risk', publicReach: 12300, slaBreached: true } },
    });
  });

  it('refuses shares, counts and sentiments out of range, in words', () => {
    expect(buildRule({ ...base, sharePercent: '0' })).toEqual({
      ok: false,
      problems: { sharePercent: 'Enter a share above 0 and up to 100 percent, such as 10.' },
    });
    expect(buildRule({ ...base, sharePercent: '101' }).ok).toBe(false);
    expect(buildRule({ ...base, kind: 'per_agent_week', perAgent: '101' }).ok).toBe(false);
    expect(buildRule({ ...base, kind: 'risk', sentimentOn: true, sentiment: '-6' })).toEqual({
      ok: false,
      problems: { sentiment: 'Enter a sentiment from −5 (very negative) to 5 (very positive), such as −2.' },
    });
    expect(buildRule({ ...base, kind: 'risk', handleOn: true, handleMinutes: '0' })).toEqual({
      ok: false,
      problems: { handleMinutes: 'Enter a whole number of minutes, such as 60.' },
    });
    expect(buildRule({ ...base, scorecardId: '' })).toEqual({
      ok: false,
      problems: { scorecardId: 'Choose the scorecard the reviews use.' },
    });
  });

  it('tells a rule in one sentence', () => {
    expect(describeRule({ kind: 'per_agent_week', perAgent: 1 }, 'Care', ['Lee'])).toBe(
      'Each week, up to 1 resolved conversation of every agent goes to Lee to review with “Care”.',
    );
    expect(describeRule({ kind: 'random_share', share: 0.07 }, 'Care', ['Lee', 'Kim', 'Ola'])).toBe(
      'About 7 % of the conversations resolved in the last two weeks, picked at random, go to Lee, Kim or Ola (the agent’s own team lead first, else the least busy) to review with “Care”.',
    );
    expect(describeRule({ kind: 'risk', reopened: true }, 'Care', ['Lee'])).toBe(
      'Every conversation resolved in the last two weeks that was reopened goes to Lee to review with “Care”.',
    );
    expect(describeRule({ kind: 'risk' }, 'Care', ['Lee'])).toBe(
      'This rule picks nothing: it has no risk to look for.',
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  alignedValues,
  bucketLabel,
  buildSeries,
  chartedSeries,
  controlsProblem,
  csvFallbackName,
  defaultControls,
  filenameFromDisposition,
  formatScore,
  groupName,
  qualityQuery,
  type GroupDirectory,
  type QualityRow,
} from './qualitySeries';

const directory: GroupDirectory = {
  agents: new Map([
    ['agent-ann', 'Ann Agent'],
    ['agent-bo', 'Bo Agent'],
    ['agent-nameless', ''],
  ]),
  scorecards: new Map([['card-social', 'Customer care']]),
};

const W1 = '2026-01-05T00:00:00.000Z';
const W2 = '2026-01-12T00:00:00.000Z';
const W3 = '2026-01-19T00:00:00.000Z';

describe('quality series', () => {
  it('makes one series per group, each in bucket order, the groups by name, unknown ids as the id', () => {
    const rows: QualityRow[] = [
      { group: 'agent-bo', bucketStart: W2, score: 80, reviews: 2 },
      { group: 'agent-zed', bucketStart: W1, score: 50, reviews: 1 },
      { group: 'agent-ann', bucketStart: W3, score: 70.25, reviews: 3 },
      { group: 'agent-ann', bucketStart: W1, score: 90, reviews: 1 },
      { group: 'agent-bo', bucketStart: W1, score: 60, reviews: 4 },
    ];
    const view = buildSeries(rows, 'agent', directory);
    expect(view.buckets).toEqual([W1, W2, W3]);
    expect(view.series.map((s) => [s.key, s.name, s.reviews])).toEqual([
      ['agent-zed', 'agent-zed', 1],
      ['agent-ann', 'Ann Agent', 4],
      ['agent-bo', 'Bo Agent', 6],
    ]);
    expect(view.series[1]!.points).toEqual([
      { bucketStart: W1, score: 90, reviews: 1 },
      { bucketStart: W3, score: 70.25, reviews: 3 },
    ]);
    expect(view.series[2]!.points.map((p) => p.bucketStart)).toEqual([W1, W2]);
  });

  it('names channels by the app labels, scorecards by name, a team by its id and the null team as "No team"', () => {
    expect(groupName('channel', 'x_public', directory)).toBe('X post');
    expect(groupName('channel', 'voice', directory)).toBe('Phone call');
    expect(groupName('channel', 'pigeon', directory)).toBe('pigeon');
    expect(groupName('channel', 'toString', directory)).toBe('toString');
    expect(groupName('scorecard', 'card-social', directory)).toBe('Customer care');
    expect(groupName('scorecard', 'card-gone', directory)).toBe('card-gone');
    expect(groupName('agent', 'agent-nameless', directory)).toBe('agent-nameless');
    expect(groupName('team', 'team-north', directory)).toBe('team-north');
    expect(groupName('team', null, directory)).toBe('No team');
    const view = buildSeries(
      [
        { group: null, bucketStart: W1, score: 40, reviews: 1 },
        { group: 'team-north', bucketStart: W1, score: 60, reviews: 1 },
      ],
      'team',
      directory,
    );
    expect(view.series.map((s) => [s.key, s.name])).toEqual([
      ['', 'No team'],
      ['team-north', 'team-north'],
    ]);
  });

  it('names a group by the server label first, the mirror next, the id last; a channel by the app label', () => {
    expect(groupName('team', 'team-social', directory, 'Social care')).toBe('Social care');
    expect(groupName('team', 'team-social', directory, undefined)).toBe('team-social');
    expect(groupName('agent', 'agent-ann', directory, 'Ann A. (renamed)')).toBe('Ann A. (renamed)');
    expect(groupName('agent', 'agent-ann', directory, null)).toBe('Ann Agent');
    expect(groupName('agent', 'agent-ann', directory, '')).toBe('Ann Agent');
    expect(groupName('scorecard', 'card-social', directory, undefined)).toBe('Customer care');
    expect(groupName('scorecard', 'card-gone', directory, 'Old card')).toBe('Old card');
    // The server labels a channel by its id; the app's word wins, the label only for channels it does not know.
    expect(groupName('channel', 'x_public', directory, 'x_public')).toBe('X post');
    expect(groupName('channel', 'pigeon', directory, 'pigeon')).toBe('pigeon');
    expect(groupName('team', null, directory, null)).toBe('No team');
    const view = buildSeries(
      [
        { group: 'team-social', label: 'Social care', bucketStart: W1, score: 70, reviews: 2 },
        { group: 'team-billing', label: 'Billing', bucketStart: W1, score: 80, reviews: 1 },
        { group: null, label: null, bucketStart: W1, score: 60, reviews: 1 },
      ],
      'team',
      directory,
    );
    expect(view.series.map((s) => [s.key, s.name])).toEqual([
      ['team-billing', 'Billing'],
      ['', 'No team'],
      ['team-social', 'Social care'],
    ]);
  });

  it('aligns a series to every bucket with gaps as null, and keeps the most reviewed lines for the chart', () => {
    const view = buildSeries(
      [
        { group: 'a', bucketStart: W1, score: 10, reviews: 1 },
        { group: 'a', bucketStart: W3, score: 30, reviews: 2 },
        { group: 'b', bucketStart: W2, score: 20, reviews: 5 },
      ],
      'agent',
      directory,
    );
    expect(alignedValues(view.series[0]!, view.buckets)).toEqual({ scores: [10, null, 30], reviews: [1, null, 2] });
    expect(chartedSeries(view.series, 1).map((s) => s.key)).toEqual(['b']);
    expect(chartedSeries(view.series, 5).map((s) => s.key)).toEqual(['a', 'b']);
  });

  it('defaults to agents per week over the last 12 weeks up to today (UTC)', () => {
    expect(defaultControls(new Date('2026-03-30T23:30:00Z'))).toEqual({
      groupBy: 'agent',
      bucket: 'week',
      from: '2026-01-05',
      to: '2026-03-30',
    });
  });

  it('asks for the chosen dates with the to day included, and forces the agent line for an agent', () => {
    const controls = { groupBy: 'channel', bucket: 'month', from: '2026-01-01', to: '2026-01-31' } as const;
    expect(qualityQuery(controls, false)).toBe('groupBy=channel&bucket=month&from=2026-01-01&to=2026-02-01');
    expect(qualityQuery(controls, true)).toBe('groupBy=agent&bucket=month&from=2026-01-01&to=2026-02-01');
    expect(qualityQuery({ ...controls, from: '2026-02-28', to: '2026-02-28' }, false)).toContain('to=2026-03-01');
  });

  it('says what to do about missing or reversed dates', () => {
    const ok = { groupBy: 'agent', bucket: 'week', from: '2026-01-01', to: '2026-01-31' } as const;
    expect(controlsProblem(ok)).toBeNull();
    expect(controlsProblem({ ...ok, to: ok.from })).toBeNull();
    expect(controlsProblem({ ...ok, from: '' })).toBe('Choose a from date.');
    expect(controlsProblem({ ...ok, to: '2026-02-31x' })).toBe('Choose a to date.');
    expect(controlsProblem({ ...ok, from: '2026-02-01' })).toBe('The from date must be on or before the to date.');
  });

  it('names the CSV from content-disposition, never as a path, else from the controls', () => {
    const controls = { groupBy: 'team', bucket: 'week', from: '2026-01-01', to: '2026-01-31' } as const;
    const fallback = csvFallbackName(controls, false);
    expect(fallback).toBe('quality-team-2026-01-01-2026-01-31.csv');
    expect(csvFallbackName(controls, true)).toBe('quality-agent-2026-01-01-2026-01-31.csv');
    expect(
      filenameFromDisposition('attachment; filename="quality-team-week-2026-01-01-2026-02-01.csv"', fallback),
    ).toBe('quality-team-week-2026-01-01-2026-02-01.csv');
    expect(filenameFromDisposition("attachment; filename*=UTF-8''qualit%C3%A9.csv", fallback)).toBe('qualité.csv');
    expect(filenameFromDisposition('attachment; filename=plain.csv', fallback)).toBe('plain.csv');
    expect(filenameFromDisposition('attachment; filename="../../etc/x.csv"', fallback)).toBe('x.csv');
    expect(filenameFromDisposition('attachment; filename=".."', fallback)).toBe(fallback);
    expect(filenameFromDisposition('attachment', fallback)).toBe(fallback);
    expect(filenameFromDisposition(null, fallback)).toBe(fallback);
  });

  it('labels buckets in UTC and rounds scores to one decimal only for display', () => {
    expect(bucketLabel('week', W1)).toBe('5 Jan 2026');
    expect(bucketLabel('day', '2026-01-05T00:00:00.000Z')).toBe('5 Jan 2026');
    expect(bucketLabel('month', '2026-02-01T00:00:00.000Z')).toBe('Feb 2026');
    expect(bucketLabel('week', 'not a date')).toBe('not a date');
    expect(formatScore(83.333)).toBe('83.3');
    expect(formatScore(100)).toBe('100.0');
    expect(formatScore(0)).toBe('0.0');
  });
});

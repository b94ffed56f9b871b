import { CHANNEL_LABELS } from '../../inbox/channels';

/**
 * The pure side of the quality scores tab: the controls and the query they make, group names, the
 * series a chart draws and the table lists, and the CSV file name. Dates are UTC days, as the
 * server's buckets are.
 */

export type QualityGroupBy = 'agent' | 'team' | 'channel' | 'scorecard';
export type QualityBucket = 'day' | 'week' | 'month';

export const GROUP_BY_OPTIONS: { id: QualityGroupBy; label: string }[] = [
  { id: 'agent', label: 'Agent' },
  { id: 'team', label: 'Team' },
  { id: 'channel', label: 'Channel' },
  { id: 'scorecard', label: 'Scorecard' },
];

export const BUCKET_OPTIONS: { id: QualityBucket; label: string }[] = [
  { id: 'day', label: 'Day' },
  { id: 'week', label: 'Week' },
  { id: 'month', label: 'Month' },
];

export const groupByLabel = (groupBy: QualityGroupBy) =>
  GROUP_BY_OPTIONS.find((o) => o.id === groupBy)?.label ?? groupBy;

/** What the column of bucket starts is called. */
export const BUCKET_HEADINGS: Record<QualityBucket, string> = {
  day: 'Day',
  week: 'Week starting',
  month: 'Month',
};

export interface QualityControls {
  groupBy: QualityGroupBy;
  bucket: QualityBucket;
  /** First day counted, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day counted, YYYY-MM-DD (UTC), inclusive: the server's `to` is the day after. */
  to: string;
}

/** One row of `GET /api/qa/quality`. */
export interface QualityRow {
  /** Agent, team, channel or scorecard id; null for agents without a team when grouped by team. */
  group: string | null;
  /** The server's name for the group (agent, team or scorecard name; a channel's id), when it sends one. */
  label?: string | null | undefined;
  /** ISO instant of the bucket's start (UTC; weeks start on Monday). */
  bucketStart: string;
  /** Mean review score 0–100, unrounded. */
  score: number;
  reviews: number;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const isDay = (s: string) => DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
const addDays = (day: string, days: number) => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));

/** By agent, per week, over the last 12 weeks up to today. */
export function defaultControls(now: Date): QualityControls {
  const to = dayOf(now);
  return { groupBy: 'agent', bucket: 'week', from: addDays(to, -7 * 12), to };
}

/** What is wrong with the chosen dates, as a sentence saying what to do; null when they make a query. */
export function controlsProblem(controls: QualityControls): string | null {
  if (!isDay(controls.from)) return 'Choose a from date.';
  if (!isDay(controls.to)) return 'Choose a to date.';
  if (controls.from > controls.to) return 'The from date must be on or before the to date.';
  return null;
}

/**
 * The query string of `/api/qa/quality` and `/api/qa/quality.csv`. An agent asks for their own
 * agent line (the server forces it whatever is sent).
 */
export function qualityQuery(controls: QualityControls, agentView: boolean): string {
  return new URLSearchParams({
    groupBy: agentView ? 'agent' : controls.groupBy,
    bucket: controls.bucket,
    from: controls.from,
    to: addDays(controls.to, 1),
  }).toString();
}

/** The file name when the server's content-disposition cannot be read. */
export function csvFallbackName(controls: QualityControls, agentView: boolean): string {
  return `quality-${agentView ? 'agent' : controls.groupBy}-${controls.from}-${controls.to}.csv`;
}

/** The file name a content-disposition header gives, reduced to a plain name; else the fallback. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  let name: string | undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended?.[1]) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = undefined;
    }
  }
  name ??= /filename\s*=\s*"([^"]*)"/.exec(header)?.[1] ?? /filename\s*=\s*([^;\s]+)/.exec(header)?.[1];
  // A name, never a path: the save dialog must not be steered into another folder.
  const plain = name
    ?.split(/[/\\]/)
    .pop()
    ?.replace(/\p{Cc}/gu, '')
    .trim();
  return plain && plain !== '.' && plain !== '..' ? plain : fallback;
}

/** Names the groups are shown by, read live from the mirror. */
export interface GroupDirectory {
  agents: ReadonlyMap<string, string>;
  scorecards: ReadonlyMap<string, string>;
}

/**
 * A group's name: channels by the app's labels; agents, teams and scorecards by the server's label,
 * else (an older server) agents and scorecards by the mirror's names; unknown ids as the id.
 */
export function groupName(
  groupBy: QualityGroupBy,
  id: string | null,
  directory: GroupDirectory,
  label?: string | null,
): string {
  if (id === null) return groupBy === 'team' ? 'No team' : 'None';
  if (groupBy === 'channel') {
    return (Object.hasOwn(CHANNEL_LABELS, id) ? CHANNEL_LABELS[id as keyof typeof CHANNEL_LABELS] : label) || id;
  }
  const known =
    groupBy === 'agent' ? directory.agents.get(id) : groupBy === 'scorecard' ? directory.scorecards.get(id) : undefined;
  return label || known || id;
}

export interface QualityPoint {
  bucketStart: string;
  score: number;
  reviews: number;
}

export interface QualitySeries {
  /** The group id ('' for the null group). */
  key: string;
  name: string;
  /** In bucket order. */
  points: QualityPoint[];
  /** Reviews over the whole period. */
  reviews: number;
}

export interface QualityView {
  /** Every bucket start that has a figure, in order. */
  buckets: string[];
  /** One per group, by name. */
  series: QualitySeries[];
}

const timeOf = (iso: string) => Date.parse(iso);

/** The rows as one series per group, each in bucket order, the groups by name. */
export function buildSeries(
  rows: readonly QualityRow[],
  groupBy: QualityGroupBy,
  directory: GroupDirectory,
): QualityView {
  const byGroup = new Map<string, QualitySeries>();
  const buckets = new Map<number, string>();
  for (const row of rows) {
    const key = row.group ?? '';
    let series = byGroup.get(key);
    if (!series) {
      series = { key, name: groupName(groupBy, row.group, directory, row.label), points: [], reviews: 0 };
      byGroup.set(key, series);
    }
    series.points.push({ bucketStart: row.bucketStart, score: row.score, reviews: row.reviews });
    series.reviews += row.reviews;
    if (!buckets.has(timeOf(row.bucketStart))) buckets.set(timeOf(row.bucketStart), row.bucketStart);
  }
  const series = [...byGroup.values()];
  for (const s of series) s.points.sort((a, b) => timeOf(a.bucketStart) - timeOf(b.bucketStart));
  series.sort((a, b) => a.name.localeCompare(b.name) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    buckets: [...buckets.entries()].sort(([a], [b]) => a - b).map(([, iso]) => iso),
    series,
  };
}

/**
 * The series a chart can still tell apart: at most `limit` lines, those with the most reviews,
 * kept in name order. Every figure stays in the table.
 */
export function chartedSeries(series: readonly QualitySeries[], limit = 12): QualitySeries[] {
  if (series.length <= limit) return [...series];
  const kept = new Set([...series].sort((a, b) => b.reviews - a.reviews).slice(0, limit));
  return series.filter((s) => kept.has(s));
}

/** Each series' scores (and review counts) at every bucket, null where it has none. */
export function alignedValues(
  series: QualitySeries,
  buckets: readonly string[],
): { scores: (number | null)[]; reviews: (number | null)[] } {
  const at = new Map(series.points.map((p) => [timeOf(p.bucketStart), p]));
  const points = buckets.map((b) => at.get(timeOf(b)) ?? null);
  return { scores: points.map((p) => p?.score ?? null), reviews: points.map((p) => p?.reviews ?? null) };
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const MONTH_FORMAT = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'short', year: 'numeric' });

/** A bucket start as people read it: "5 Jan 2026" for a day or a week, "Jan 2026" for a month. */
export function bucketLabel(bucket: QualityBucket, iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return bucket === 'month' ? MONTH_FORMAT.format(date) : DAY_FORMAT.format(date);
}

/** Rounded only for display, to one decimal. */
export const formatScore = (score: number) => score.toFixed(1);

/**
 * The SLA clock an inbox row and a conversation header show (issue 5): the nearest target still
 * open, how long is left, and a state that changes colour as the breach nears.
 */

export type SlaState = 'none' | 'ok' | 'warning' | 'breached';

export interface SlaTargets {
  firstResponseAt?: unknown;
  firstResponseDue?: unknown;
  nextResponseDue?: unknown;
  resolutionDue?: unknown;
  resolvedAt?: unknown;
}

export interface SlaClock {
  state: SlaState;
  target: 'first_response' | 'next_response' | 'resolution' | null;
  /** Milliseconds left (negative once breached), or null without an open target. */
  remainingMs: number | null;
  label: string;
}

/** Warning from this share of the target left, but never later than 5 minutes before. */
const WARN_SHARE = 0.25;
const WARN_AT_LEAST_MS = 5 * 60_000;

const time = (v: unknown): number | null => (typeof v === 'string' ? Date.parse(v) || null : null);

/** From when a target due `at` shows as a warning: the last quarter of its span, and never less than 5 minutes. */
export function warnFrom(at: number, openedAt?: number): number {
  const span = openedAt !== undefined ? at - openedAt : null;
  return at - Math.max(WARN_AT_LEAST_MS, span ? span * WARN_SHARE : 0);
}

export function slaClock(c: SlaTargets, now: number, openedAt?: number): SlaClock {
  if (time(c.resolvedAt) !== null) return { state: 'none', target: null, remainingMs: null, label: '' };
  const open: [SlaClock['target'], number | null][] = [
    ['first_response', time(c.firstResponseAt) === null ? time(c.firstResponseDue) : null],
    ['next_response', time(c.nextResponseDue)],
    ['resolution', time(c.resolutionDue)],
  ];
  const due = open.filter((d): d is [SlaClock['target'], number] => d[1] !== null).sort((a, b) => a[1] - b[1])[0];
  if (!due) return { state: 'none', target: null, remainingMs: null, label: '' };
  const [target, at] = due;
  const remainingMs = at - now;
  const state: SlaState = remainingMs < 0 ? 'breached' : now >= warnFrom(at, openedAt) ? 'warning' : 'ok';
  return { state, target, remainingMs, label: (remainingMs < 0 ? 'overdue ' : '') + duration(Math.abs(remainingMs)) };
}

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}

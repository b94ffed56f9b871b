import { scalePoints, type Criterion, type Rating } from '../../../shared/qa/scorecard';
import type { DisputeRow, DisputeStep } from '../rows';

/** How reviews and disputes are put into words on both sides (the agent's and the lead's). */

/** A comment on a dispute or a decision: long enough to say why, short enough to read. */
export const COMMENT_MAX = 5000;

/** A rating as the agent reads it: Yes, No, 3 of 5, Not applicable. */
export function ratingWords(rating: Rating | null | undefined, criterion?: Criterion | null): string {
  if (rating === undefined || rating === null) return 'Not rated';
  if (rating === 'yes') return 'Yes';
  if (rating === 'no') return 'No';
  if (rating === 'na') return 'Not applicable';
  return criterion && criterion.scale !== 'yes_no' ? `${rating} of ${scalePoints(criterion.scale)}` : String(rating);
}

export const STEP_LABELS: Record<DisputeStep['kind'], string> = {
  opened: 'Opened',
  accepted: 'Accepted',
  partly_accepted: 'Partly accepted',
  rejected: 'Rejected',
};

export const STATUS_LABELS: Record<DisputeRow['status'], string> = {
  open: 'Open',
  accepted: 'Accepted',
  partly_accepted: 'Partly accepted',
  rejected: 'Rejected',
};

export type Decision = 'accepted' | 'partly_accepted' | 'rejected';

export const DECISION_LABELS: Record<Decision, string> = {
  accepted: 'Accept',
  partly_accepted: 'Partly accept',
  rejected: 'Reject',
};

/**
 * The decisions a criterion's dispute can get: a yes/no criterion is accepted or rejected (there
 * is no part of a yes); a scale can also be partly accepted. Unknown criterion: all three.
 */
export function decisionsFor(criterion: Criterion | null): Decision[] {
  return criterion?.scale === 'yes_no' ? ['accepted', 'rejected'] : ['accepted', 'partly_accepted', 'rejected'];
}

/** 75_000 → "1:15": a moment of a call, from its start. */
export function clock(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function spanWords(startMs: number, endMs: number): string {
  return `${clock(startMs)}–${clock(endMs)}`;
}

/** The first `n` characters of a message, marked when cut. */
export function firstChars(body: string, n = 80): string {
  return body.length > n ? `${body.slice(0, n)}…` : body;
}

/** Why a comment cannot be sent as typed, or null when it can. */
export function commentProblem(text: string, whenEmpty: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return whenEmpty;
  if (trimmed.length > COMMENT_MAX)
    return `The comment is ${trimmed.length.toLocaleString('en')} characters long; shorten it to ${COMMENT_MAX.toLocaleString('en')} or fewer.`;
  return null;
}

/** The ratings a criterion's scale offers, best first, with N/A last when allowed. */
export function ratingChoices(criterion: Criterion): Rating[] {
  const points: Rating[] =
    criterion.scale === 'yes_no'
      ? ['yes', 'no']
      : Array.from({ length: scalePoints(criterion.scale) }, (_, i) => scalePoints(criterion.scale) - i);
  return criterion.allowNa ? [...points, 'na'] : points;
}

/** A rating as a form value and back ('3' ↔ 3). */
export const ratingValue = (rating: Rating): string => String(rating);

export function ratingFromValue(value: string): Rating | null {
  if (value === 'yes' || value === 'no' || value === 'na') return value;
  const n = Number(value);
  return value !== '' && Number.isInteger(n) && n >= 1 && n <= 5 ? n : null;
}

/**
 * What an accepted dispute most likely gives: yes on a yes/no criterion, one point better on a
 * scale; nothing when there is no better point (the lead chooses).
 */
export function acceptDefault(criterion: Criterion, current: Rating | null | undefined): Rating | null {
  if (criterion.scale === 'yes_no') return 'yes';
  const top = scalePoints(criterion.scale);
  return typeof current === 'number' && current < top ? current + 1 : null;
}

/** "Customer care, version 2": the version a review was scored with; "version 3" when that version is not here. */
export function scorecardTitle(name: string | null, version: number): string {
  return name ? `${name}, version ${version}` : `version ${version}`;
}

/** When a dispute was opened: the server's time, or the optimistic first step's before it has answered. */
export const openedAt = (d: DisputeRow): string => d.createdAt ?? d.steps[0]?.at ?? '';

/** When a dispute was decided: the server's time, or the last step's. */
export const decidedAt = (d: DisputeRow): string => d.decidedAt ?? d.steps[d.steps.length - 1]?.at ?? openedAt(d);

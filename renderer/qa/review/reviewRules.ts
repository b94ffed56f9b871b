import { appliesTo, messageKinds } from '../../../shared/qa/applicability';
import type { AutoCheckResult } from '../../../shared/qa/autoChecks';
import {
  criteriaOf,
  scalePoints,
  type CommentAnchor,
  type Criterion,
  type Rating,
  type ScorecardVersion,
} from '../../../shared/qa/scorecard';
import type { Channel } from '../../../shared/domain';
import type { Message } from '../../conversation/rows';
import type { ReviewComment } from '../rows';

/** Pure rules of the review workspace: applicability, automatic prefill, keys, anchors. */

/** An automatic criterion's result as the server (or this screen, offline) decided it. */
export type { AutoCheckResult };

/** The criteria that apply to this conversation, and those that do not (shown, not asked). */
export function splitCriteria(
  card: Pick<ScorecardVersion, 'sections'>,
  channel: Channel,
  messages: readonly Pick<Message, 'direction' | 'visibility'>[],
): { applicable: Criterion[]; notApplicable: Criterion[] } {
  const shape = { channel, kinds: messageKinds(messages) };
  const applicable: Criterion[] = [];
  const notApplicable: Criterion[] = [];
  for (const c of criteriaOf(card)) (appliesTo(c, shape) ? applicable : notApplicable).push(c);
  return { applicable, notApplicable };
}

/**
 * The ratings the lead sees and saves: the automatic results fill criteria the lead has not rated
 * (the lead's own rating always wins), only for criteria that apply.
 */
export function withAutoRatings(
  ratings: Readonly<Record<string, Rating>>,
  auto: readonly AutoCheckResult[],
  applicable: readonly Criterion[],
): Record<string, Rating> {
  const ids = new Set(applicable.map((c) => c.id));
  const out: Record<string, Rating> = {};
  for (const result of auto) {
    if (ids.has(result.criterionId) && result.rating !== null) out[result.criterionId] = result.rating;
  }
  for (const [id, rating] of Object.entries(ratings)) if (ids.has(id)) out[id] = rating;
  return out;
}

/**
 * What a key does to the focused criterion: 1–n a point of its scale (on yes/no, 1 is No and 2
 * is Yes, as the formula counts them), y and n yes and no, 0 not applicable. Null: not a rating key.
 */
export function ratingForKey(criterion: Criterion, key: string): Rating | null {
  if (key === '0') return criterion.allowNa ? 'na' : null;
  if (criterion.scale === 'yes_no') {
    if (key === 'y' || key === '2') return 'yes';
    if (key === 'n' || key === '1') return 'no';
    return null;
  }
  const point = Number(key);
  return Number.isInteger(point) && point >= 1 && point <= scalePoints(criterion.scale) ? point : null;
}

/** The keys that rate a criterion, in words (a key that does not fit says this). */
export function keysFor(criterion: Criterion): string {
  const na = criterion.allowNa ? ', 0 not applicable' : '';
  return criterion.scale === 'yes_no'
    ? `y or 2 for yes, n or 1 for no${na}`
    : `1 to ${scalePoints(criterion.scale)}${na}`;
}

/** A rating in words: Yes, No, 3 of 5, Not applicable. */
export function ratingWords(criterion: Criterion, rating: Rating | undefined): string {
  if (rating === undefined) return 'Not rated';
  if (rating === 'na') return 'Not applicable';
  if (rating === 'yes') return 'Yes';
  if (rating === 'no') return 'No';
  return `${rating} of ${scalePoints(criterion.scale)}`;
}

/** m:ss, or h:mm:ss past an hour. */
export function formatOffset(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export interface Span {
  startMs: number;
  endMs: number;
}

/**
 * Where each transcript line sits in the call. When the telephony platform gave every line its
 * offsets (`startMs`/`endMs`), those; otherwise (system lines such as "Call answered" carry none,
 * and mixing two clocks would put lines out of order) the time since the first line, each lasting
 * until the next one starts.
 */
export function transcriptSpans(messages: readonly Message[]): Map<string, Span> {
  const segments = messages.filter((m) => m.direction === 'transcript');
  const given = segments.map((m) => {
    const { startMs, endMs } = m as Record<string, unknown>;
    return typeof startMs === 'number' && typeof endMs === 'number' && endMs >= startMs ? { startMs, endMs } : null;
  });
  const spans = new Map<string, Span>();
  if (given.every((g) => g !== null)) {
    segments.forEach((m, i) =>
      spans.set(m.id, { startMs: given[i]!.startMs, endMs: Math.max(given[i]!.endMs, given[i]!.startMs + 1) }),
    );
    return spans;
  }
  const times = segments.map((m) => Date.parse(m.createdAt ?? ''));
  const first = times.find((t) => !Number.isNaN(t)) ?? 0;
  const offsets = times.map((t) => (Number.isNaN(t) ? 0 : Math.max(0, t - first)));
  segments.forEach((m, i) => {
    const start = offsets[i]!;
    const next = offsets.slice(i + 1).find((o) => o > start);
    spans.set(m.id, { startMs: start, endMs: next ?? start + 1000 });
  });
  return spans;
}

/** The time span covering the chosen transcript segments (shift-click from one to another). */
export function spanOf(ids: readonly string[], spans: ReadonlyMap<string, Span>): Span | null {
  const chosen = ids.flatMap((id) => {
    const span = spans.get(id);
    return span ? [span] : [];
  });
  if (chosen.length === 0) return null;
  return {
    startMs: Math.min(...chosen.map((s) => s.startMs)),
    endMs: Math.max(...chosen.map((s) => s.endMs)),
  };
}

/** The messages a comment is shown beside: its message, or every segment its time span overlaps. */
export function anchoredMessageIds(anchor: CommentAnchor, spans: ReadonlyMap<string, Span>): string[] {
  if (anchor.kind !== 'time') return [anchor.messageId];
  return [...spans].filter(([, s]) => s.startMs < anchor.endMs && s.endMs > anchor.startMs).map(([id]) => id);
}

/** Comments by the message they are shown under: a time span under the first segment it overlaps. */
export function commentsByMessage(
  comments: readonly ReviewComment[],
  spans: ReadonlyMap<string, Span>,
): Map<string, ReviewComment[]> {
  const out = new Map<string, ReviewComment[]>();
  for (const comment of comments) {
    const at = anchoredMessageIds(comment.anchor, spans)[0];
    if (!at) continue;
    out.set(at, [...(out.get(at) ?? []), comment]);
  }
  return out;
}

/** The anchor in words, quoting the text it points at. */
export function describeAnchor(anchor: CommentAnchor, messages: ReadonlyMap<string, Message>): string {
  if (anchor.kind === 'time') return `Call ${formatOffset(anchor.startMs)}–${formatOffset(anchor.endMs)}`;
  const body = messages.get(anchor.messageId)?.body ?? '';
  if (anchor.kind === 'text') return `“${body.slice(anchor.start, anchor.end)}”`;
  return `Message “${body.length > 80 ? `${body.slice(0, 80)}…` : body}”`;
}

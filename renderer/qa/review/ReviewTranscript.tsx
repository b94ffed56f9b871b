import { Fragment, useMemo, type MouseEvent } from 'react';
import type { CommentAnchor } from '../../../shared/qa/scorecard';
import type { Message } from '../../conversation/rows';
import { messageAuthor } from '../../conversation/Transcript';
import { formatWhen } from '../../conversation/words';
import './review.css';
import type { ReviewComment } from '../rows';
import { commentsByMessage, describeAnchor, formatOffset, transcriptSpans, type Span } from './reviewRules';

/** The body with the commented text ranges marked; text only, whatever the customer wrote. */
function MarkedBody({ body, ranges }: { body: string; ranges: { start: number; end: number; id: string }[] }) {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const parts: { text: string; mark: string | null }[] = [];
  let at = 0;
  for (const r of sorted) {
    const start = Math.max(r.start, at);
    const end = Math.min(r.end, body.length);
    if (end <= start) continue;
    if (start > at) parts.push({ text: body.slice(at, start), mark: null });
    parts.push({ text: body.slice(start, end), mark: r.id });
    at = end;
  }
  if (at < body.length) parts.push({ text: body.slice(at), mark: null });
  return (
    <>
      {parts.map((p, i) =>
        p.mark ? (
          <mark key={i} className="rv-mark" data-testid="comment-mark" data-comment-id={p.mark}>
            {p.text}
          </mark>
        ) : (
          <Fragment key={i}>{p.text}</Fragment>
        ),
      )}
    </>
  );
}

/** Where the lead points for a new comment: one message, a range of its text, or call segments. */
export type Pointer =
  | { kind: 'message'; messageId: string }
  | { kind: 'text'; messageId: string; start: number; end: number }
  | { kind: 'segments'; ids: string[]; span: Span };

export function pointerAnchor(pointer: Pointer): CommentAnchor {
  if (pointer.kind === 'segments') return { kind: 'time', startMs: pointer.span.startMs, endMs: pointer.span.endMs };
  return pointer;
}

/** The characters of `body` the selection covers inside `element`, or null when it is elsewhere. */
function selectedRange(element: HTMLElement): { start: number; end: number } | null {
  const selection = element.ownerDocument.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
  const range = selection.getRangeAt(0);
  if (!element.contains(range.startContainer) || !element.contains(range.endContainer)) return null;
  const before = element.ownerDocument.createRange();
  before.selectNodeContents(element);
  before.setEnd(range.startContainer, range.startOffset);
  const start = before.toString().length;
  const end = start + range.toString().length;
  return end > start ? { start, end } : null;
}

/**
 * The whole conversation under review: every channel's messages, or the call transcript with
 * speakers and times. Click a message to comment on it, select part of its text to comment on that
 * range, click a call segment and shift-click another to comment on that span of the call.
 */
export function ReviewTranscript({
  messages,
  customerName,
  agentNames,
  comments,
  pointer,
  onPoint,
  evidenceIds,
  criterionLabels,
}: {
  messages: readonly Message[];
  customerName: string;
  agentNames: ReadonlyMap<string, string>;
  comments: readonly ReviewComment[];
  pointer: Pointer | null;
  /** Absent when the review is read-only. */
  onPoint?: (pointer: Pointer) => void;
  /** Messages the focused criterion's automatic evidence is about. */
  evidenceIds: ReadonlySet<string>;
  /** Criterion id to label: what a comment is about. */
  criterionLabels: ReadonlyMap<string, string>;
}) {
  const spans = useMemo(() => transcriptSpans(messages), [messages]);
  const byMessage = useMemo(() => commentsByMessage(comments, spans), [comments, spans]);
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const selected = new Set(pointer === null ? [] : pointer.kind === 'segments' ? pointer.ids : [pointer.messageId]);
  const segmentIds = messages.filter((m) => m.direction === 'transcript').map((m) => m.id);

  const point = (m: Message, event: MouseEvent<HTMLLIElement>) => {
    if (!onPoint) return;
    const body = event.currentTarget.querySelector<HTMLElement>('.rv-body');
    const range = body ? selectedRange(body) : null;
    if (range) return onPoint({ kind: 'text', messageId: m.id, ...range });
    const span = spans.get(m.id);
    if (!span) return onPoint({ kind: 'message', messageId: m.id });
    // Shift-click: from the segment chosen before to this one, in the call's order.
    if (event.shiftKey && pointer?.kind === 'segments') {
      const from = segmentIds.indexOf(pointer.ids[0]!);
      const to = segmentIds.indexOf(m.id);
      const ids = segmentIds.slice(Math.min(from, to), Math.max(from, to) + 1);
      const chosen = ids.map((id) => spans.get(id)!);
      return onPoint({
        kind: 'segments',
        ids,
        span: { startMs: Math.min(...chosen.map((s) => s.startMs)), endMs: Math.max(...chosen.map((s) => s.endMs)) },
      });
    }
    onPoint({ kind: 'segments', ids: [m.id], span });
  };

  return (
    <ol className="rv-transcript" aria-label="Conversation under review" data-testid="review-transcript">
      {messages.length === 0 && <li className="cv-empty">This conversation has no messages on this computer yet.</li>}
      {messages.map((m) => {
        const span = spans.get(m.id);
        const mine = byMessage.get(m.id) ?? [];
        const ranges = comments.flatMap((c) =>
          c.anchor.kind === 'text' && c.anchor.messageId === m.id
            ? [{ start: c.anchor.start, end: c.anchor.end, id: c.id }]
            : [],
        );
        if (pointer?.kind === 'text' && pointer.messageId === m.id)
          ranges.push({ start: pointer.start, end: pointer.end, id: 'new' });
        return (
          <li
            key={m.id}
            className={`rv-message cv-${m.direction} cv-${m.visibility}${selected.has(m.id) ? ' rv-selected' : ''}${evidenceIds.has(m.id) ? ' rv-evidence' : ''}`}
            data-testid="review-message"
            data-message-id={m.id}
            data-selected={selected.has(m.id)}
            aria-current={selected.has(m.id) ? 'true' : undefined}
            tabIndex={onPoint ? 0 : undefined}
            onMouseUp={(e) => point(m, e)}
            onKeyDown={(e) => {
              if (onPoint && (e.key === 'Enter' || e.key === ' ') && e.target === e.currentTarget) {
                e.preventDefault();
                onPoint(span ? { kind: 'segments', ids: [m.id], span } : { kind: 'message', messageId: m.id });
              }
            }}
          >
            <div className="cv-message-meta">
              {span && (
                <span className="rv-offset" data-testid="segment-time">
                  {formatOffset(span.startMs)}
                </span>
              )}
              <span className="cv-author">{messageAuthor(m, customerName, agentNames)}</span>
              <span className={`cv-badge cv-badge-${m.visibility}`}>
                {m.visibility === 'public' ? 'Public' : 'Private'}
              </span>
              {m.createdAt && !span && (
                <time className="cv-time" dateTime={m.createdAt}>
                  {formatWhen(m.createdAt)}
                </time>
              )}
            </div>
            <p className="rv-body">
              <MarkedBody body={m.body} ranges={ranges} />
            </p>
            {mine.length > 0 && (
              <ul className="rv-comments" aria-label="Review comments">
                {mine.map((c) => (
                  <li key={c.id} className="rv-comment" data-testid="transcript-comment" data-anchor={c.anchor.kind}>
                    <span className="rv-comment-anchor">
                      {c.anchor.kind === 'message' ? 'On this message' : describeAnchor(c.anchor, byId)}
                      {c.criterionId && criterionLabels.get(c.criterionId)
                        ? ` · about “${criterionLabels.get(c.criterionId)}”`
                        : ''}
                    </span>
                    <span className="rv-comment-author">{agentNames.get(c.authorId) ?? 'A lead'}:</span>{' '}
                    <span className="rv-comment-body">{c.body}</span>
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}

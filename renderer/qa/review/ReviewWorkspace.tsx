import { useEffect, useMemo, useRef, useState } from 'react';
import { messageKinds, unratedRequired, unratedSentence } from '../../../shared/qa/applicability';
import { displayScore, scoreReview } from '../../../shared/qa/score';
import type { Rating } from '../../../shared/qa/scorecard';
import { CHANNEL_LABELS } from '../../inbox/channels';
import { useCommands } from '../../shortcuts/useCommands';
import { useAppStore } from '../../store/store';
import type { ReviewTarget } from '../../store/qaSlice';
import { useSync, type SyncHandle } from '../../sync/ui/syncContext';
import { parseRow } from '../../conversation/rows';
import { ReviewRowSchema, type ReviewRow } from '../rows';
import { CriteriaPanel } from './CriteriaPanel';
import { ReviewTranscript, pointerAnchor, type Pointer } from './ReviewTranscript';
import { describeAnchor, keysFor, ratingForKey, splitCriteria, withAutoRatings } from './reviewRules';
import { useAutoChecks, useReviewData } from './useReviewData';
import './review.css';

/** How long the feedback waits after the last keystroke before it is saved (it is saved on leaving too). */
const FEEDBACK_SAVE_MS = 1500;

/**
 * The lead's review workspace (issue 8): the whole transcript with anchored comments beside the
 * scorecard's criteria, the score computed live with the one formula, overall feedback, and keys
 * for everything. Each change is an op in the outbox, so it works offline and lands exactly once;
 * a submitted review (and every review an agent opens) is shown read-only.
 */
export function ReviewWorkspace({ target }: { target: ReviewTarget }) {
  const sync = useSync();
  if (!sync) return <p className="rv-empty">Sign in to review conversations.</p>;
  return <OpenReview sync={sync} target={target} />;
}

function OpenReview({ sync, target }: { sync: SyncHandle; target: ReviewTarget }) {
  const { db, connection, agentId: me } = sync;
  const session = useAppStore((s) => s.session);
  const openReview = useAppStore((s) => s.openReview);
  const data = useReviewData(db, me, target);
  const [newId] = useState(() => target.reviewId ?? crypto.randomUUID());
  const review = data?.review ?? null;
  const reviewId = review?.id ?? newId;
  const card = data?.card ?? null;
  const conversation = data?.conversation ?? null;
  const messages = useMemo(() => data?.messages ?? [], [data?.messages]);
  const readOnly = review?.status === 'submitted' || session?.agent.role === 'agent';
  // A lead reading a submitted review still sees what the automatic checks found (agents cannot ask).
  const auto = useAutoChecks(db, session, card, conversation, messages, session?.agent.role !== 'agent');

  const split = useMemo(
    () => (card && conversation ? splitCriteria(card, conversation.channel, messages) : null),
    [card, conversation, messages],
  );
  const applicable = useMemo(() => split?.applicable ?? [], [split]);
  const shapeOf = () => ({ channel: conversation!.channel, kinds: messageKinds(messages) });
  const applicableIds = useMemo(() => new Set(applicable.map((c) => c.id)), [applicable]);
  const autoById = useMemo(() => new Map(auto.results.map((r) => [r.criterionId, r])), [auto.results]);
  const ratings = useMemo(
    () => (readOnly ? (review?.ratings ?? {}) : withAutoRatings(review?.ratings ?? {}, auto.results, applicable)),
    [readOnly, review?.ratings, auto.results, applicable],
  );
  const live = useMemo(() => {
    if (!card) return null;
    try {
      return scoreReview(card, ratings);
    } catch {
      return null;
    }
  }, [card, ratings]);

  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [lastRatedId, setLastRatedId] = useState<string | null>(null);
  const focused = applicable.find((c) => c.id === focusedId) ?? applicable[0] ?? null;
  const [pointer, setPointer] = useState<Pointer | null>(null);
  const [commentBody, setCommentBody] = useState('');
  const [commentCriterion, setCommentCriterion] = useState('');
  const [feedback, setFeedback] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const commentBox = useRef<HTMLTextAreaElement>(null);
  const feedbackTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const feedbackNow = feedback ?? review?.feedback ?? '';
  // What the queued commands build on: the newest state, never a render's (two quick keys lose nothing).
  const latest = useRef({ auto: auto.results, applicable, typed: feedback });
  latest.current = { auto: auto.results, applicable, typed: feedback };
  const chain = useRef<Promise<unknown>>(Promise.resolve());

  /**
   * Runs a command after those before it: each reads the review as the mirror holds it then (with
   * this screen's earlier ops applied) rather than as it was when the key was pressed.
   */
  const queued = <T,>(command: () => Promise<T>): Promise<T> => {
    const run = chain.current.then(command);
    chain.current = run.catch(() => undefined);
    return run;
  };

  const current = async () => parseRow(ReviewRowSchema, await db.reviews.get(reviewId));
  const ratingsOf = (row: ReviewRow | null) =>
    withAutoRatings(row?.ratings ?? {}, latest.current.auto, latest.current.applicable);
  // Compare-and-set: the version this screen shows. A new review (or one only this computer has) names none.
  const baseOf = (row: ReviewRow | null) => (row && row.version > 0 ? row.version : undefined);

  const saveNow = async (row: ReviewRow | null, patch: { ratings?: Record<string, Rating>; feedback?: string }) => {
    if (!card) return;
    await connection.enqueue(
      'review.save',
      {
        reviewId,
        conversationId: target.conversationId,
        scorecardId: card.scorecardId,
        scorecardVersion: card.version,
        ratings: { ...ratingsOf(row), ...patch.ratings },
        feedback: patch.feedback ?? latest.current.typed ?? row?.feedback ?? '',
        ...(target.calibrationId ? { calibrationId: target.calibrationId } : {}),
      },
      baseOf(row),
    );
  };

  const failed = (what: string) => (err: unknown) => setProblem(`${what}: ${(err as Error).message}`);

  const save = (patch: { ratings?: Record<string, Rating>; feedback?: string }) => {
    if (readOnly || !card) return;
    setProblem(null);
    void queued(async () => saveNow(await current(), patch)).catch(failed('Not saved'));
  };

  const rate = (criterionId: string, rating: Rating) => save({ ratings: { [criterionId]: rating } });

  const saveFeedback = () => {
    if (feedbackTimer.current) clearTimeout(feedbackTimer.current);
    feedbackTimer.current = null;
    const typed = latest.current.typed;
    if (typed === null) return;
    void queued(async () => {
      const row = await current();
      if (typed !== (row?.feedback ?? '')) await saveNow(row, { feedback: typed });
    }).catch(failed('Not saved'));
  };
  // Leaving the review saves what was typed: nothing is lost to a closed screen.
  const latestSaveFeedback = useRef(saveFeedback);
  latestSaveFeedback.current = saveFeedback;
  useEffect(() => () => latestSaveFeedback.current(), []);

  const addComment = () => {
    const body = commentBody.trim();
    if (!pointer) {
      setProblem('Choose what the comment is about: click a message, select text, or click call lines.');
      return;
    }
    if (!body) {
      setProblem('Write the comment first.');
      return;
    }
    setProblem(null);
    const anchor = pointerAnchor(pointer);
    void queued(async () => {
      // A comment needs its review on the server: a review only this screen knows is saved first (same outbox, in order).
      const row = await current();
      if (!row) await saveNow(null, {});
      await connection.enqueue('review.comment', {
        reviewId,
        commentId: crypto.randomUUID(),
        anchor,
        body,
        ...(commentCriterion ? { criterionId: commentCriterion } : {}),
      });
      setCommentBody('');
      setPointer(null);
    }).catch(failed('The comment was not added'));
  };

  const unrated = applicable.filter((c) => ratings[c.id] === undefined);
  const submit = () => {
    if (readOnly || !card) return;
    setProblem(null);
    void queued(async () => {
      // What the lead sees is what is submitted: automatic ratings and unsaved feedback are saved first.
      const row = await current();
      const stored = row?.ratings ?? {};
      const wanted = ratingsOf(row);
      if (scoreReview(card, wanted).score === null) {
        setProblem('Rate at least one criterion before submitting.');
        return;
      }
      const missing = unratedRequired(latest.current.applicable, wanted, shapeOf());
      if (missing.length) {
        setFocusedId(missing[0]!.id);
        setProblem(unratedSentence(missing));
        return;
      }
      const typed = latest.current.typed;
      const changed =
        !row ||
        (typed !== null && typed !== row.feedback) ||
        Object.keys(wanted).length !== Object.keys(stored).length ||
        Object.entries(wanted).some(([id, r]) => stored[id] !== r);
      if (changed) await saveNow(row, {});
      await connection.enqueue('review.submit', { reviewId }, changed ? undefined : baseOf(row));
      setFeedback(null);
    }).catch(failed('Not submitted'));
  };

  const move = (step: 1 | -1) => {
    if (!applicable.length) return;
    const at = focused ? applicable.indexOf(focused) : -1;
    const next = applicable[Math.min(applicable.length - 1, Math.max(0, at + step))];
    if (next) setFocusedId(next.id);
  };
  const rateByKey = (key: string) => {
    if (readOnly || !focused) return;
    const rating = ratingForKey(focused, key);
    if (rating === null) {
      setProblem(`${key} is not on the scale of “${focused.label}”: ${keysFor(focused)}.`);
      return;
    }
    rate(focused.id, rating);
    setLastRatedId(focused.id);
    move(1);
  };
  const editable = () => !readOnly && card !== null;
  useCommands([
    { id: 'review.next', title: 'Next criterion', section: 'Review', keys: ['j', 'Alt+ArrowDown'], run: () => move(1) },
    {
      id: 'review.previous',
      title: 'Previous criterion',
      section: 'Review',
      keys: ['k', 'Alt+ArrowUp'],
      run: () => move(-1),
    },
    ...(['1', '2', '3', '4', '5'] as const).map((key) => ({
      id: `review.rate${key}`,
      title: `Score ${key} (on yes/no: 1 is No, 2 is Yes)`,
      section: 'Review',
      keys: [key, `Alt+${key}`],
      run: () => rateByKey(key),
      enabled: editable,
    })),
    { id: 'review.yes', title: 'Yes', section: 'Review', keys: ['y'], run: () => rateByKey('y'), enabled: editable },
    { id: 'review.no', title: 'No', section: 'Review', keys: ['n'], run: () => rateByKey('n'), enabled: editable },
    {
      id: 'review.na',
      title: 'Not applicable',
      section: 'Review',
      keys: ['0', 'Alt+0'],
      run: () => rateByKey('0'),
      enabled: editable,
    },
    {
      id: 'review.comment',
      title: 'Comment on the chosen messages',
      section: 'Review',
      keys: ['c', 'Alt+C'],
      run: () => {
        if (!pointer && messages[0]) setPointer({ kind: 'message', messageId: messages[0].id });
        // About the criterion just scored (the keys moved on), else the one in focus.
        const about = lastRatedId ?? focused?.id;
        if (about) setCommentCriterion(about);
        commentBox.current?.focus();
      },
      enabled: editable,
    },
    {
      id: 'review.submit',
      title: 'Submit the review',
      section: 'Review',
      keys: ['Mod+Enter'],
      run: submit,
      enabled: editable,
    },
  ]);

  if (!data) return <p className="rv-empty">Loading the review…</p>;
  const back = () => {
    saveFeedback();
    openReview(null);
  };
  const header = (
    <button type="button" onClick={back} data-testid="review-back">
      Back to the list
    </button>
  );
  if (!card) {
    return (
      <section className="review-workspace" data-testid="review-workspace">
        {header}
        <p className="notice" role="alert">
          Scorecard version {target.scorecardVersion} is not on this computer yet. It arrives with the next sync; check
          the connection.
        </p>
      </section>
    );
  }
  if (!conversation) {
    return (
      <section className="review-workspace" data-testid="review-workspace">
        {header}
        <p className="notice" role="alert">
          This conversation is not on this computer. A lead sees their own team’s conversations; ask an admin if it
          should be yours to review.
        </p>
      </section>
    );
  }

  const byId = new Map(messages.map((m) => [m.id, m]));
  const criterionLabels = new Map(card.sections.flatMap((sec) => sec.criteria.map((c) => [c.id, c.label] as const)));
  const evidenceIds = new Set(focused ? (autoById.get(focused.id)?.messageIds ?? []) : []);
  const agentName = conversation.assignedAgentId
    ? (data.agentNames.get(conversation.assignedAgentId) ?? 'the agent')
    : 'nobody';
  const status = review?.status === 'submitted' ? 'Submitted' : review ? 'Draft' : 'New review';

  return (
    <section className="review-workspace" aria-labelledby="review-title" data-testid="review-workspace">
      <header className="rv-header">
        {header}
        <div className="rv-title">
          <h2 id="review-title">
            Review: {data.customerName || 'Customer'} on {CHANNEL_LABELS[conversation.channel]}, handled by {agentName}
          </h2>
          <p className="rv-subtitle" data-testid="review-scorecard">
            {card.name}, version {card.version}
            {target.calibrationId && ' · Blind calibration: the other leads’ scores stay hidden until you submit yours'}
          </p>
        </div>
        <p className="rv-score" aria-live="polite">
          <span className="rv-score-value" data-testid="live-score">
            {displayScore(live?.score ?? null)}
          </span>
          <span className="rv-score-label">
            {live?.criticalFailed.length ? 'Critical criterion failed' : 'Score'} · {status}
          </span>
        </p>
      </header>
      {problem && (
        <p className="notice notice-error" role="alert" data-testid="review-problem">
          {problem}
        </p>
      )}
      {auto.note && <p className="notice">{auto.note}</p>}
      <div className="rv-body-grid">
        <div className="rv-left">
          <ReviewTranscript
            messages={messages}
            customerName={data.customerName}
            agentNames={data.agentNames}
            comments={review?.comments ?? []}
            pointer={pointer}
            {...(readOnly ? {} : { onPoint: setPointer })}
            evidenceIds={evidenceIds}
            criterionLabels={criterionLabels}
          />
          {!readOnly && (
            <form
              className="rv-comment-form"
              onSubmit={(e) => {
                e.preventDefault();
                addComment();
              }}
            >
              <p className="rv-pointer" data-testid="comment-target">
                {pointer
                  ? `Comment on: ${describeAnchor(pointerAnchor(pointer), byId)}`
                  : 'Click a message, select part of its text, or click call lines (shift-click for a span) to comment.'}
              </p>
              <label>
                Comment
                <textarea
                  ref={commentBox}
                  value={commentBody}
                  maxLength={5000}
                  rows={2}
                  data-testid="comment-body"
                  onChange={(e) => setCommentBody(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                      e.preventDefault();
                      e.stopPropagation();
                      addComment();
                    }
                  }}
                />
              </label>
              <label>
                About
                <select
                  value={commentCriterion}
                  onChange={(e) => setCommentCriterion(e.target.value)}
                  data-testid="comment-criterion"
                >
                  <option value="">The conversation in general</option>
                  {applicable.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" data-testid="add-comment">
                Add comment
              </button>
            </form>
          )}
        </div>
        <div className="rv-right">
          <CriteriaPanel
            sections={card.sections}
            applicable={applicableIds}
            ratings={ratings}
            auto={autoById}
            focusedId={focused?.id ?? null}
            onFocus={setFocusedId}
            onRate={rate}
            readOnly={readOnly}
          />
          <label className="rv-feedback">
            Overall feedback
            {readOnly ? (
              <p data-testid="feedback-read">{review?.feedback || 'No overall feedback.'}</p>
            ) : (
              <textarea
                value={feedbackNow}
                rows={4}
                maxLength={10_000}
                data-testid="review-feedback"
                onChange={(e) => {
                  setFeedback(e.target.value);
                  if (feedbackTimer.current) clearTimeout(feedbackTimer.current);
                  feedbackTimer.current = setTimeout(() => latestSaveFeedback.current(), FEEDBACK_SAVE_MS);
                }}
                onBlur={saveFeedback}
              />
            )}
          </label>
          {!readOnly && (
            <div className="rv-submit">
              <p data-testid="unrated-count">
                {unrated.length === 0
                  ? 'Every criterion that applies is rated.'
                  : `${unrated.length} ${unrated.length === 1 ? 'criterion' : 'criteria'} not rated yet; ${unrated.length === 1 ? 'it leaves' : 'they leave'} the score.`}
              </p>
              <button type="button" className="primary" onClick={submit} data-testid="submit-review">
                Submit review (Ctrl+Enter)
              </button>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

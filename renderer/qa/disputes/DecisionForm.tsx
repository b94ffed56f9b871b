import { useId, useState } from 'react';
import { displayScore } from '../../../shared/qa/score';
import type { Criterion, Rating } from '../../../shared/qa/scorecard';
import { useSync } from '../../sync/ui/syncContext';
import type { ScorecardVersionRow } from '../rows';
import { CommentForm, useCommentForm } from './CommentForm';
import {
  acceptDefault,
  commentProblem,
  DECISION_LABELS,
  decisionsFor,
  ratingChoices,
  ratingFromValue,
  ratingValue,
  ratingWords,
  type Decision,
} from './disputeWords';
import { scoreWith } from './reviewLookups';

/** What a decision was before the server refused it: the form starts from it so nothing typed is lost. */
export interface DecisionDraft {
  decision: Decision;
  comment: string;
  rating?: Rating | undefined;
}

/**
 * The lead decides an open dispute: accept (or, on a scale, partly accept) with the criterion's
 * new rating, or reject; a comment for the agent either way. Queued as a `dispute.decide` op
 * (offline too).
 */
export function DecisionForm({
  disputeId,
  agentName,
  criterion,
  card,
  ratings,
  current,
  initial,
}: {
  disputeId: string;
  agentName: string;
  /** Null when the review's scorecard version is not here: only a rejection can be sent. */
  criterion: Criterion | null;
  card: ScorecardVersionRow | null;
  /** The review's ratings now, for the score a new rating would give. */
  ratings: Readonly<Record<string, Rating>>;
  current: Rating | undefined;
  initial?: DecisionDraft | undefined;
}) {
  const { connection } = useSync()!;
  const decisions = decisionsFor(criterion);
  // A refused draft may hold a decision this criterion no longer offers (partly accepting a yes/no).
  const [decision, setDecision] = useState<Decision | null>(
    initial && decisions.includes(initial.decision) ? initial.decision : null,
  );
  const [rating, setRating] = useState(initial?.rating === undefined ? '' : ratingValue(initial.rating));
  // The rating follows the decision (Accept suggests one) until the lead picks one.
  const [ratingPicked, setRatingPicked] = useState(initial?.rating !== undefined);
  const form = useCommentForm(initial?.comment ?? '', 'decision');
  const { setError } = form;
  const id = useId();
  const needsRating = decision === 'accepted' || decision === 'partly_accepted';
  const chosen = ratingFromValue(rating);
  const preview = needsRating && chosen !== null && criterion ? scoreWith(card, ratings, criterion.id, chosen) : null;

  const choose = (next: Decision) => {
    setDecision(next);
    setError(null);
    if (!ratingPicked && criterion) {
      const suggested = next === 'accepted' ? acceptDefault(criterion, current) : null;
      setRating(suggested === null ? '' : ratingValue(suggested));
    }
  };

  const problem = (): string | null => {
    if (!decision)
      return decisions.includes('partly_accepted')
        ? 'Choose whether you accept, partly accept or reject this dispute.'
        : 'Choose whether you accept or reject this dispute.';
    if (needsRating && chosen === null)
      return `Choose the new rating: ${decision === 'accepted' ? 'an accepted' : 'a partly accepted'} dispute changes the rating.`;
    if (decision === 'partly_accepted' && chosen === current)
      return `A partly accepted dispute changes the rating: choose a rating other than the current one (${ratingWords(current, criterion)}), or reject the dispute.`;
    return commentProblem(form.comment, `Write a comment telling ${agentName} why you decided this.`);
  };

  const send = () =>
    void form.submit(problem, () => {
      const text = form.comment.trim();
      return connection.enqueue(
        'dispute.decide',
        decision === 'rejected'
          ? { disputeId, decision, comment: text }
          : { disputeId, decision: decision!, comment: text, rating: chosen! },
      );
    });

  return (
    <CommentForm
      name="decision"
      state={form}
      label={`Comment for ${agentName}`}
      hint="Required."
      rows={3}
      sendLabel="Send decision"
      onSend={send}
      fieldClassName="qd-field qd-field-wide"
    >
      <fieldset className="qd-decisions">
        <legend>Decision</legend>
        {decisions.map((d) => (
          <label key={d} className="qd-radio">
            <input
              type="radio"
              name={`${id}-decision`}
              value={d}
              checked={decision === d}
              disabled={d !== 'rejected' && !criterion}
              data-testid={`decision-${d}`}
              onChange={() => choose(d)}
            />
            {DECISION_LABELS[d]}
          </label>
        ))}
      </fieldset>
      {!criterion && (
        <p className="qd-muted">
          The scorecard version of this review is not on this computer yet, so a new rating cannot be chosen; you can
          reject now or decide once it has synced.
        </p>
      )}
      {needsRating && criterion && (
        <div className="qd-field">
          <label htmlFor={`${id}-rating`}>New rating</label>
          <select
            id={`${id}-rating`}
            value={rating}
            data-testid="decision-rating"
            onChange={(e) => {
              setRating(e.target.value);
              setRatingPicked(true);
              setError(null);
            }}
          >
            <option value="">Choose a rating…</option>
            {ratingChoices(criterion).map((r) => (
              <option key={ratingValue(r)} value={ratingValue(r)}>
                {ratingWords(r, criterion)}
                {r === current ? ' (current)' : ''}
              </option>
            ))}
          </select>
          {preview !== null && (
            <span className="qd-muted" data-testid="decision-score-preview">
              Score with this rating: {displayScore(preview)}
            </span>
          )}
        </div>
      )}
    </CommentForm>
  );
}

import type { Criterion } from '../../../shared/qa/scorecard';
import { formatWhen } from '../../conversation/words';
import { describeReason } from '../../sync/syncWords';
import type { SyncIssueRow } from '../../sync/db';
import type { DisputeRow } from '../rows';
import type { DecideOp } from './disputeOps';
import { ratingWords, STEP_LABELS } from './disputeWords';

/**
 * Every step of a dispute, oldest first: who, when, what they wrote and how the rating changed.
 * A decision still waiting in the outbox shows as the step it will add.
 */
export function DisputeSteps({
  dispute,
  criterion,
  nameOf,
  waitingOpen = false,
  waitingDecision,
  currentRating,
}: {
  dispute: DisputeRow;
  criterion: Criterion | null;
  nameOf: (id: string) => string;
  waitingOpen?: boolean;
  waitingDecision?: DecideOp | undefined;
  /** The criterion's rating now: the "from" of a decision not yet sent. */
  currentRating?: Parameters<typeof ratingWords>[0];
}) {
  return (
    <ol className="qd-steps" aria-label="Steps of this dispute" data-testid="dispute-steps">
      {dispute.steps.map((step, i) => (
        <li key={i} className="qd-step" data-testid="dispute-step" data-kind={step.kind}>
          <p className="qd-step-head">
            <strong>{STEP_LABELS[step.kind]}</strong> by {nameOf(step.by)}
            {step.at && <span className="qd-muted"> · {formatWhen(step.at)}</span>}
            {step.kind === 'opened' && waitingOpen && (
              <span className="qd-waiting" data-testid="dispute-waiting">
                {' '}
                · waiting to be sent; it goes to your lead when you are back online
              </span>
            )}
          </p>
          {step.to !== undefined && (
            <p className="qd-change" data-testid="dispute-step-change">
              Rating changed from {ratingWords(step.from, criterion)} to {ratingWords(step.to, criterion)}
            </p>
          )}
          {step.comment && <p className="qd-comment">{step.comment}</p>}
        </li>
      ))}
      {waitingDecision && (
        <li className="qd-step qd-step-waiting" data-testid="dispute-step" data-kind={waitingDecision.payload.decision}>
          <p className="qd-step-head">
            <strong>{STEP_LABELS[waitingDecision.payload.decision]}</strong> by you
            <span className="qd-waiting"> · waiting to be sent; it goes when you are back online</span>
          </p>
          {waitingDecision.payload.rating !== undefined && (
            <p className="qd-change" data-testid="dispute-step-change">
              Rating changes from {ratingWords(currentRating, criterion)} to{' '}
              {ratingWords(waitingDecision.payload.rating, criterion)}
            </p>
          )}
          <p className="qd-comment">{waitingDecision.payload.comment}</p>
        </li>
      )}
    </ol>
  );
}

/** An action the server refused: what happened and where it is kept. */
export function RefusedNotice({ issue, what, text }: { issue: SyncIssueRow; what: string; text: string }) {
  return (
    <div className="qd-refused" role="status" data-testid="dispute-refused">
      <p>
        {what} was not applied: {describeReason(issue.reason, issue.detail)}. What you wrote is kept under Sync issues,
        where you can try again or discard it:
      </p>
      <p className="qd-comment">{text}</p>
    </div>
  );
}

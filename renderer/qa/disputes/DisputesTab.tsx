import { useLiveQuery } from 'dexie-react-hooks';
import { useId } from 'react';
import { displayScore } from '../../../shared/qa/score';
import { parseRows } from '../../conversation/rows';
import { useAppStore } from '../../store/store';
import type { SyncDb } from '../../sync/db';
import { useSync } from '../../sync/ui/syncContext';
import { DisputeRowSchema, ReviewRowSchema, type DisputeRow, type ReviewRow } from '../rows';
import { DecisionForm } from './DecisionForm';
import { loadDisputeOps, type DisputeOps } from './disputeOps';
import { DisputeSteps, RefusedNotice } from './DisputeSteps';
import { decidedAt, openedAt, ratingWords, STATUS_LABELS, STEP_LABELS } from './disputeWords';
import { cardOf, cardTitle, conversationTitle, criterionOf, loadLookups, nameOf, type Lookups } from './reviewLookups';
import './disputes.css';

interface LeadDisputes {
  open: DisputeRow[];
  decided: DisputeRow[];
  reviews: Map<string, ReviewRow>;
  lookups: Lookups;
  ops: DisputeOps;
}

/** Every dispute this lead sees (their team's, decided by the server): open ones first, oldest waiting first. */
async function loadLeadDisputes(db: SyncDb): Promise<LeadDisputes> {
  const disputes = parseRows(DisputeRowSchema, await db.disputes.toArray());
  const reviewIds = [...new Set(disputes.map((d) => d.reviewId))];
  const reviews = new Map(
    parseRows(ReviewRowSchema, (await db.reviews.bulkGet(reviewIds)).filter(Boolean)).map((r) => [r.id, r]),
  );
  const [lookups, ops] = await Promise.all([
    loadLookups(
      db,
      [...reviews.values()].map((r) => r.conversationId),
    ),
    loadDisputeOps(db),
  ]);
  return {
    open: disputes.filter((d) => d.status === 'open').sort((a, b) => openedAt(a).localeCompare(openedAt(b))),
    decided: disputes.filter((d) => d.status !== 'open').sort((a, b) => decidedAt(b).localeCompare(decidedAt(a))),
    reviews,
    lookups,
    ops,
  };
}

/**
 * The lead's "Disputes": agents contesting a criterion of a submitted review. An open one is
 * decided here (accept, or on a scale partly accept, with the new rating; or reject); every step
 * stays shown.
 */
export function DisputesTab() {
  const { db } = useSync()!;
  const data = useLiveQuery(() => loadLeadDisputes(db), [db]);
  const titleId = useId();

  return (
    <section className="qd-tab" aria-labelledby={titleId} data-testid="disputes">
      <h2 id={titleId}>Disputes</h2>
      {!data ? (
        <p className="qd-muted">Loading disputes…</p>
      ) : (
        <>
          <section className="qd-group" aria-label="Open disputes">
            <h3>Open ({data.open.length})</h3>
            {data.open.length === 0 ? (
              <p data-testid="disputes-open-empty">No open disputes. When an agent disputes a rating, it shows here.</p>
            ) : (
              <ul className="qd-disputes">
                {data.open.map((d) => (
                  <DisputeItem key={d.id} dispute={d} data={data} />
                ))}
              </ul>
            )}
          </section>
          <section className="qd-group" aria-label="Decided disputes">
            <h3>Decided ({data.decided.length})</h3>
            {data.decided.length === 0 ? (
              <p className="qd-muted">None decided yet.</p>
            ) : (
              <ul className="qd-disputes">
                {data.decided.map((d) => (
                  <DisputeItem key={d.id} dispute={d} data={data} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </section>
  );
}

function DisputeItem({ dispute, data }: { dispute: DisputeRow; data: LeadDisputes }) {
  const openReview = useAppStore((s) => s.openReview);
  const titleId = useId();
  const { lookups, ops } = data;
  const review = data.reviews.get(dispute.reviewId);
  const card = review ? cardOf(lookups, review) : null;
  const criterion = criterionOf(card, dispute.criterionId);
  const label = criterion?.label ?? dispute.criterionId;
  const agentName = nameOf(lookups, dispute.agentId || review?.agentId || '');
  const current = review?.ratings[dispute.criterionId];
  const waiting = ops.waitingDecisions.get(dispute.id);
  const refused = ops.refusedDecisions.get(dispute.id);

  return (
    <li className="qd-dispute-item" aria-labelledby={titleId} data-testid="dispute-item" data-dispute-id={dispute.id}>
      <h4 id={titleId}>
        {agentName} disputes “{label}”
      </h4>
      <span className="qd-badge" data-testid="dispute-status">
        {waiting ? `${STEP_LABELS[waiting.payload.decision]}, waiting to be sent` : STATUS_LABELS[dispute.status]}
      </span>
      {review ? (
        <dl className="qd-facts">
          <dt>Conversation</dt>
          <dd data-testid="dispute-conversation">{conversationTitle(lookups, review.conversationId)}</dd>
          <dt>Scorecard</dt>
          <dd>{cardTitle(lookups, review)}</dd>
          <dt>Rating now</dt>
          <dd data-testid="dispute-current-rating">{ratingWords(current, criterion)}</dd>
          <dt>Review score now</dt>
          <dd className="qd-score" data-testid="dispute-review-score">
            {displayScore(review.score)}
          </dd>
        </dl>
      ) : (
        <p className="qd-muted">The review is not on this computer yet.</p>
      )}
      {criterion?.guidance && <p className="qd-muted qd-guidance">{criterion.guidance}</p>}
      <DisputeSteps
        dispute={dispute}
        criterion={criterion}
        nameOf={(id) => nameOf(lookups, id)}
        waitingDecision={waiting}
        currentRating={current}
      />
      {review && (
        <button
          type="button"
          className="link"
          data-testid="open-disputed-review"
          onClick={() =>
            openReview({
              conversationId: review.conversationId,
              scorecardId: review.scorecardId,
              scorecardVersion: review.scorecardVersion,
              reviewId: review.id,
            })
          }
        >
          Open the review
        </button>
      )}
      {dispute.status === 'open' && !waiting && (
        <>
          {refused && <RefusedNotice issue={refused.issue} what="Your decision" text={refused.op.payload.comment} />}
          <DecisionForm
            key={refused?.issue.id ?? 'new'}
            disputeId={dispute.id}
            agentName={agentName}
            criterion={criterion}
            card={card}
            ratings={review?.ratings ?? {}}
            current={current}
            initial={refused ? refused.op.payload : undefined}
          />
        </>
      )}
    </li>
  );
}

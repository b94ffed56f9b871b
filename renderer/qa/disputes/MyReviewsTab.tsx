import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { displayScore } from '../../../shared/qa/score';
import { parseRows } from '../../conversation/rows';
import { formatWhen } from '../../conversation/words';
import type { SyncDb } from '../../sync/db';
import { useSync } from '../../sync/ui/syncContext';
import { DisputeRowSchema, ReviewRowSchema, type DisputeRow, type ReviewRow } from '../rows';
import { loadDisputeOps, type DisputeOps } from './disputeOps';
import { ReviewDetail } from './ReviewDetail';
import { cardTitle, conversationTitle, loadLookups, nameOf, type Lookups } from './reviewLookups';
import './disputes.css';

interface MyReviews {
  reviews: ReviewRow[];
  disputes: DisputeRow[];
  lookups: Lookups;
  ops: DisputeOps;
}

const reviewedAt = (r: ReviewRow) => r.submittedAt ?? r.updatedAt ?? r.createdAt ?? '';

/** The signed-in agent's submitted reviews, newest first, with their disputes. */
async function loadMyReviews(db: SyncDb, agentId: string): Promise<MyReviews> {
  const reviews = parseRows(ReviewRowSchema, await db.reviews.where('agentId').equals(agentId).toArray())
    .filter((r) => r.agentId === agentId && r.status === 'submitted')
    .sort((a, b) => reviewedAt(b).localeCompare(reviewedAt(a)));
  const disputes = parseRows(
    DisputeRowSchema,
    await db.disputes
      .where('reviewId')
      .anyOf(reviews.map((r) => r.id))
      .toArray(),
  );
  const [lookups, ops] = await Promise.all([
    loadLookups(
      db,
      reviews.map((r) => r.conversationId),
    ),
    loadDisputeOps(db),
  ]);
  return { reviews, disputes, lookups, ops };
}

/**
 * The agent's "My reviews": every submitted review of their conversations; opening one shows
 * how each criterion was rated and lets them dispute a rating (offline too: the dispute is an op).
 */
export function MyReviewsTab() {
  const { db, agentId } = useSync()!;
  const data = useLiveQuery(() => loadMyReviews(db, agentId), [db, agentId]);
  const [openId, setOpenId] = useState<string | null>(null);
  const titleId = useId();

  const open = data?.reviews.find((r) => r.id === openId);
  return (
    <section className="qd-tab" aria-labelledby={titleId} data-testid="my-reviews">
      <h2 id={titleId}>My reviews</h2>
      {!data ? (
        <p className="qd-muted">Loading your reviews…</p>
      ) : data.reviews.length === 0 ? (
        <p data-testid="my-reviews-empty">
          No reviews of your conversations yet. When a team lead submits one, it shows here.
        </p>
      ) : (
        <div className="qd-layout">
          <ul className="qd-list" aria-label="Your reviews, newest first">
            {data.reviews.map((review) => {
              const openDisputes = data.disputes.filter((d) => d.reviewId === review.id && d.status === 'open').length;
              return (
                <li key={review.id}>
                  <button
                    type="button"
                    className="qd-list-item"
                    aria-current={review.id === openId ? 'true' : undefined}
                    data-testid="my-review-item"
                    data-review-id={review.id}
                    onClick={() => setOpenId(review.id)}
                  >
                    <span className="qd-item-title">{conversationTitle(data.lookups, review.conversationId)}</span>
                    <span className="qd-muted">
                      Reviewed by {nameOf(data.lookups, review.reviewerId)}
                      {review.submittedAt && ` on ${formatWhen(review.submittedAt)}`}
                    </span>
                    <span className="qd-muted">{cardTitle(data.lookups, review)}</span>
                    <span className="qd-item-score">
                      Score <strong data-testid="my-review-score">{displayScore(review.score)}</strong>
                      {openDisputes > 0 && (
                        <span className="qd-badge">
                          {openDisputes === 1 ? '1 dispute open' : `${openDisputes} disputes open`}
                        </span>
                      )}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          {open ? (
            <ReviewDetail
              key={open.id}
              review={open}
              lookups={data.lookups}
              disputes={data.disputes.filter((d) => d.reviewId === open.id)}
              ops={data.ops}
            />
          ) : (
            <p className="qd-muted qd-placeholder">Open a review to see how each criterion was rated.</p>
          )}
        </div>
      )}
    </section>
  );
}

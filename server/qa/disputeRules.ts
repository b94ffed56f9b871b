import { scoreReview } from '../../shared/qa/score';
import { criteriaOf, ratingProblem, scalePoints, type Criterion, type Rating } from '../../shared/qa/scorecard';
import type { Queryable } from '../db/db';
import { teamOf } from '../store/publish';
import type { ChangeWriter } from '../sync/changeLog';
import { applied, reject, type OpRule } from '../sync/opContext';
import { publishedScorecard } from './publishedScorecard';
import { mayEdit, publishReview, type ReviewRow } from './reviewRules';

interface DisputeStep {
  kind: 'opened' | 'accepted' | 'partly_accepted' | 'rejected';
  by: string;
  comment: string;
  at: string;
  /** The criterion's rating before and after a decision that changed it. */
  from?: Rating | null;
  to?: Rating;
}

interface DisputeRow {
  id: string;
  review_id: string;
  criterion_id: string;
  agent_id: string;
  status: 'open' | 'accepted' | 'partly_accepted' | 'rejected';
  steps: DisputeStep[];
  created_at: Date;
  decided_at: Date | null;
}

function disputeData(row: DisputeRow) {
  return {
    id: row.id,
    reviewId: row.review_id,
    criterionId: row.criterion_id,
    agentId: row.agent_id,
    status: row.status,
    steps: row.steps,
    createdAt: row.created_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
  };
}

/** Both sides see every step: the agent who disputes, the reviewer and the agent's team leads. */
async function publishDispute(tx: Queryable, changes: ChangeWriter, row: DisputeRow, review: ReviewRow) {
  changes.append('dispute', row.id, disputeData(row), {
    agentId: review.reviewer_id,
    teamId: await teamOf(tx, review.agent_id),
  });
  changes.append('dispute', row.id, disputeData(row), { agentId: row.agent_id });
}

const reviewOf = async (tx: Queryable, id: string) =>
  (await tx.query<ReviewRow>('select * from reviews where id = $1 for update', [id])).rows[0];

export const disputeOpenRule: OpRule<'dispute.open'> = async (op, ctx) => {
  const review = await reviewOf(ctx.tx, op.payload.reviewId);
  // An agent learns nothing of reviews that are not theirs.
  // A calibration review scores the leads, not the agent: it is never the agent's to see or dispute.
  if (!review || review.agent_id !== ctx.viewer.agentId || review.status !== 'submitted' || review.calibration_id)
    return reject('not_found', 'You have no submitted review with this id.');
  if (!(op.payload.criterionId in review.ratings)) return reject('invalid_op', 'Dispute a criterion the review rated.');
  const step: DisputeStep = {
    kind: 'opened',
    by: ctx.viewer.agentId,
    comment: op.payload.comment,
    at: ctx.now.toISOString(),
  };
  const { rows: existing } = await ctx.tx.query<DisputeRow>('select * from disputes where id = $1', [
    op.payload.disputeId,
  ]);
  if (existing[0]) return applied;
  const { rows: open } = await ctx.tx.query(
    "select 1 from disputes where review_id = $1 and criterion_id = $2 and status = 'open'",
    [review.id, op.payload.criterionId],
  );
  if (open.length) return reject('stale', 'This criterion is already disputed; wait for the lead’s decision.');
  const { rows } = await ctx.tx.query<DisputeRow>(
    `insert into disputes (id, review_id, criterion_id, agent_id, steps, created_at) values ($1, $2, $3, $4, $5, $6) returning *`,
    [op.payload.disputeId, review.id, op.payload.criterionId, ctx.viewer.agentId, JSON.stringify([step]), ctx.now],
  );
  await publishDispute(ctx.tx, ctx.changes, rows[0]!, review);
  return applied;
};

/**
 * Why a dispute cannot be partly accepted with this rating, or null: a yes/no criterion has no
 * part of a yes (accept or reject it), and on a scale partly accepting changes the rating.
 */
function partlyAcceptedProblem(criterion: Criterion, current: Rating | null, rating: Rating): string | null {
  if (criterion.scale === 'yes_no')
    return `“${criterion.label}” is rated yes or no: accept the dispute or reject it; it cannot be partly accepted.`;
  if (rating !== current) return null;
  const words = rating === 'na' ? 'not applicable' : `${String(rating)} of ${scalePoints(criterion.scale)}`;
  return `A partly accepted dispute changes the rating: “${criterion.label}” is already ${words}; choose another rating, or reject the dispute.`;
}

export const disputeDecideRule: OpRule<'dispute.decide'> = async (op, ctx) => {
  if (ctx.viewer.role === 'agent') return reject('forbidden', 'Only team leads and admins decide disputes.');
  const { rows: disputes } = await ctx.tx.query<DisputeRow>('select * from disputes where id = $1 for update', [
    op.payload.disputeId,
  ]);
  const dispute = disputes[0];
  if (!dispute) return reject('not_found', 'This dispute does not exist.');
  const review = (await reviewOf(ctx.tx, dispute.review_id))!;
  if (!(await mayEdit(ctx, review))) return reject('forbidden', 'This dispute is for another team’s lead.');
  if (dispute.status !== 'open')
    return reject('stale', `This dispute was already decided (${dispute.status.replace('_', ' ')}).`);

  const step: DisputeStep = {
    kind: op.payload.decision,
    by: ctx.viewer.agentId,
    comment: op.payload.comment,
    at: ctx.now.toISOString(),
  };
  let updated = review;
  if (op.payload.rating !== undefined) {
    // A review is only ever saved against a published version.
    const card = (await publishedScorecard(ctx.tx, review.scorecard_id, review.scorecard_version))!;
    const criterion = criteriaOf(card).find((c) => c.id === dispute.criterion_id)!;
    const problem = ratingProblem(criterion, op.payload.rating);
    if (problem) return reject('invalid_op', problem);
    const current = review.ratings[dispute.criterion_id] ?? null;
    if (op.payload.decision === 'partly_accepted') {
      const partly = partlyAcceptedProblem(criterion, current, op.payload.rating);
      if (partly) return reject('invalid_op', partly);
    }
    const ratings = { ...review.ratings, [dispute.criterion_id]: op.payload.rating };
    step.from = current;
    step.to = op.payload.rating;
    // The review keeps its scorecard version; only the disputed criterion's rating changes.
    const { rows } = await ctx.tx.query<ReviewRow>(
      `update reviews set ratings = $2, score = $3, version = version + 1, updated_at = $4, last_client_id = $5
       where id = $1 returning *`,
      [review.id, JSON.stringify(ratings), scoreReview(card, ratings).score, ctx.now, op.clientId],
    );
    updated = rows[0]!;
    await publishReview(ctx.tx, ctx.changes, updated);
  }
  const { rows } = await ctx.tx.query<DisputeRow>(
    `update disputes set status = $2, steps = steps || $3::jsonb, decided_at = $4 where id = $1 returning *`,
    [dispute.id, op.payload.decision, JSON.stringify([step]), ctx.now],
  );
  await publishDispute(ctx.tx, ctx.changes, rows[0]!, updated);
  return applied;
};

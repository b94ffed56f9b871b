import { scoreReview } from '../../shared/qa/score';
import type { Channel } from '../../shared/domain';
import { appliesTo, messageKinds, unratedRequired, unratedSentence } from '../../shared/qa/applicability';
import { criteriaOf, type CommentAnchor, type Rating, type ScorecardVersion } from '../../shared/qa/scorecard';
import type { Queryable } from '../db/db';
import type { Audience } from '../sync/audience';
import { teamOf } from '../store/publish';
import type { ChangeWriter } from '../sync/changeLog';
import { applied, reject, type OpContext, type OpRule } from '../sync/opContext';
import { publishedScorecard } from './publishedScorecard';
import { completeAssignments } from './sampling';

export interface ReviewRow {
  id: string;
  conversation_id: string;
  agent_id: string;
  reviewer_id: string;
  scorecard_id: string;
  scorecard_version: number;
  ratings: Record<string, Rating>;
  feedback: string;
  score: number | null;
  status: 'draft' | 'submitted';
  version: number;
  last_client_id: string | null;
  comments: ReviewComment[];
  calibration_id: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
}

interface ReviewComment {
  id: string;
  anchor: CommentAnchor;
  body: string;
  criterionId: string | null;
  authorId: string;
  at: string;
}

export function reviewData(row: ReviewRow) {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    reviewerId: row.reviewer_id,
    scorecardId: row.scorecard_id,
    scorecardVersion: row.scorecard_version,
    ratings: row.ratings,
    feedback: row.feedback,
    comments: row.comments,
    calibrationId: row.calibration_id,
    score: row.score,
    status: row.status,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    submittedAt: row.submitted_at?.toISOString() ?? null,
  };
}

/**
 * Who sees a review: its reviewer and the reviewed agent's team leads; the agent reviewed only
 * once it is submitted (a draft is the lead's work in progress).
 */
export async function publishReview(tx: Queryable, changes: ChangeWriter, row: ReviewRow): Promise<void> {
  // A calibration review is blind: its reviewer only, until revealCalibration.
  if (row.calibration_id) {
    changes.append('review', row.id, reviewData(row), { agentId: row.reviewer_id });
    return;
  }
  const leads: Audience = { agentId: row.reviewer_id, teamId: await teamOf(tx, row.agent_id) };
  changes.append('review', row.id, reviewData(row), leads);
  if (row.status === 'submitted') changes.append('review', row.id, reviewData(row), { agentId: row.agent_id });
}

const onlyLeads = (ctx: OpContext) =>
  ctx.viewer.role === 'agent' ? reject('forbidden', 'Only team leads and admins score conversations.') : null;

/**
 * The reviewer, an admin, or a lead of the reviewed agent's team may change a review. A blind
 * calibration review is its reviewer's alone: no other lead may see, change, comment or submit it.
 */
export async function mayEdit(ctx: OpContext, review: ReviewRow): Promise<boolean> {
  if (review.reviewer_id === ctx.viewer.agentId) return true;
  if (review.calibration_id) return false;
  if (ctx.viewer.role === 'admin') return true;
  return ctx.viewer.teamId !== null && (await teamOf(ctx.tx, review.agent_id)) === ctx.viewer.teamId;
}

/**
 * Compare-and-set on the review's version, across devices: a save from the device that wrote it
 * last follows its own earlier saves (one outbox, in seq order); from any other device it must
 * name the version it was made on, or it would silently undo what the other lead changed.
 */
function conflict(review: ReviewRow, op: { clientId: string; baseVersion?: number | undefined }) {
  return review.last_client_id !== op.clientId && op.baseVersion !== review.version
    ? reject('version_conflict', `This review changed since you last saw it (now version ${review.version}).`)
    : null;
}

/**
 * Why this lead may not change the review, or null. Another lead's blind calibration review does
 * not exist for them (they learn nothing of it); another team's review is forbidden.
 */
async function refusedEdit(ctx: OpContext, review: ReviewRow) {
  if (review.calibration_id && review.reviewer_id !== ctx.viewer.agentId)
    return reject('not_found', 'This review does not exist.');
  return (await mayEdit(ctx, review)) ? null : reject('forbidden', 'This review belongs to another team’s lead.');
}

async function lockedReview(ctx: OpContext, id: string): Promise<ReviewRow | undefined> {
  const { rows } = await ctx.tx.query<ReviewRow>('select * from reviews where id = $1 for update', [id]);
  return rows[0];
}

export const reviewSaveRule: OpRule<'review.save'> = async (op, ctx) => {
  const refused = onlyLeads(ctx);
  if (refused) return refused;
  const { reviewId, conversationId, scorecardId, scorecardVersion, ratings } = op.payload;
  const { rows: conversations } = await ctx.tx.query<{ assigned_agent_id: string | null; channel: Channel }>(
    'select assigned_agent_id, channel from conversations where id = $1',
    [conversationId],
  );
  const conversation = conversations[0];
  if (!conversation) return reject('not_found', 'This conversation does not exist.');
  const agentId = conversation.assigned_agent_id;
  if (!agentId) return reject('invalid_op', 'Nobody handled this conversation: there is no agent to review.');
  if (agentId === ctx.viewer.agentId) return reject('forbidden', 'You cannot score your own conversation.');

  const card = await publishedScorecard(ctx.tx, scorecardId, scorecardVersion);
  if (!card) return reject('not_found', 'That scorecard version is not published.');
  let score: number | null;
  try {
    score = scoreReview(card, ratings).score;
  } catch (err) {
    return reject('invalid_op', (err as Error).message);
  }
  const misplaced = await ratedButNotApplying(ctx, card, conversation.channel, conversationId, ratings);
  if (misplaced) return reject('invalid_op', `“${misplaced}” does not apply to this conversation; leave it unrated.`);

  if (op.payload.calibrationId) {
    const problem = await calibrationProblem(ctx, op.payload.calibrationId, op.payload);
    if (problem) return problem;
  }
  const existing = await lockedReview(ctx, reviewId);
  if (existing) {
    const refused = await refusedEdit(ctx, existing);
    if (refused) return refused;
    if (existing.status === 'submitted') return reject('stale', 'This review was submitted; it no longer changes.');
    const stale = conflict(existing, op);
    if (stale) return stale;
    if (existing.conversation_id !== conversationId || existing.scorecard_id !== scorecardId) {
      return reject('invalid_op', 'A review stays on its conversation and scorecard.');
    }
  }
  const { rows } = await ctx.tx.query<ReviewRow>(
    `insert into reviews (id, conversation_id, agent_id, reviewer_id, scorecard_id, scorecard_version, ratings, feedback, score, created_at, updated_at, last_client_id, calibration_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12)
     on conflict (id) do update set scorecard_version = excluded.scorecard_version, ratings = excluded.ratings,
       feedback = excluded.feedback, score = excluded.score, version = reviews.version + 1, updated_at = excluded.updated_at,
       last_client_id = excluded.last_client_id
     returning *`,
    [
      reviewId,
      conversationId,
      agentId,
      ctx.viewer.agentId,
      scorecardId,
      scorecardVersion,
      JSON.stringify(ratings),
      op.payload.feedback ?? '',
      score,
      ctx.now,
      op.clientId,
      op.payload.calibrationId ?? null,
    ],
  );
  await publishReview(ctx.tx, ctx.changes, rows[0]!);
  return applied;
};

/**
 * The label of a criterion rated (other than not applicable) that does not apply to the
 * conversation's channel or kinds of message, or null: the score weighs only what applies.
 */
async function ratedButNotApplying(
  ctx: OpContext,
  card: ScorecardVersion,
  channel: Channel,
  conversationId: string,
  ratings: Record<string, Rating>,
): Promise<string | null> {
  const rated = criteriaOf(card).filter((c) => ratings[c.id] !== undefined && ratings[c.id] !== 'na');
  if (!rated.some((c) => c.channels.length || c.messageKinds.length)) return null;
  const shape = await conversationShape(ctx, channel, conversationId);
  return rated.find((c) => !appliesTo(c, shape))?.label ?? null;
}

async function conversationShape(ctx: OpContext, channel: Channel, conversationId: string) {
  const { rows } = await ctx.tx.query<{
    direction: 'inbound' | 'outbound' | 'note' | 'transcript';
    visibility: 'public' | 'private';
  }>('select distinct direction, visibility from messages where conversation_id = $1', [conversationId]);
  return { channel, kinds: messageKinds(rows) };
}

/** What must be rated before the review can be submitted, in a sentence; null when nothing. */
async function requiredUnrated(ctx: OpContext, review: ReviewRow): Promise<string | null> {
  const card = await publishedScorecard(ctx.tx, review.scorecard_id, review.scorecard_version);
  if (!card) return null;
  const { rows } = await ctx.tx.query<{ channel: Channel }>('select channel from conversations where id = $1', [
    review.conversation_id,
  ]);
  const shape = await conversationShape(ctx, rows[0]!.channel, review.conversation_id);
  return unratedSentence(unratedRequired(criteriaOf(card), review.ratings, shape)) || null;
}

/** A calibration review: by a participant, on the calibration's conversation and version, while open. */
async function calibrationProblem(
  ctx: OpContext,
  calibrationId: string,
  payload: { conversationId: string; scorecardId: string; scorecardVersion: number },
) {
  const { rows } = await ctx.tx.query<{
    conversation_id: string;
    scorecard_id: string;
    scorecard_version: number;
    participants: string[];
    status: string;
  }>('select * from calibrations where id = $1', [calibrationId]);
  const calibration = rows[0];
  if (!calibration || !calibration.participants.includes(ctx.viewer.agentId))
    return reject('not_found', 'You take part in no calibration with this id.');
  if (calibration.status !== 'open') return reject('stale', 'This calibration is closed: its reference is agreed.');
  if (
    calibration.conversation_id !== payload.conversationId ||
    calibration.scorecard_id !== payload.scorecardId ||
    calibration.scorecard_version !== payload.scorecardVersion
  )
    return reject(
      'invalid_op',
      'A calibration review scores the calibration’s conversation with its scorecard version.',
    );
  return null;
}

/**
 * Once a participant submitted, they see every submitted review of the calibration (and each
 * later one as it is submitted); who has not submitted sees none of the others'.
 */
export async function revealCalibration(tx: Queryable, changes: ChangeWriter, calibrationId: string): Promise<void> {
  const { rows } = await tx.query<ReviewRow>(
    "select * from reviews where calibration_id = $1 and status = 'submitted' order by submitted_at, id",
    [calibrationId],
  );
  for (const viewer of rows) {
    for (const review of rows) changes.append('review', review.id, reviewData(review), { agentId: viewer.reviewer_id });
  }
}

export const reviewSubmitRule: OpRule<'review.submit'> = async (op, ctx) => {
  const refused = onlyLeads(ctx);
  if (refused) return refused;
  const existing = await lockedReview(ctx, op.payload.reviewId);
  if (!existing) return reject('not_found', 'This review does not exist.');
  const notYours = await refusedEdit(ctx, existing);
  if (notYours) return notYours;
  if (existing.status === 'submitted') return applied;
  const stale = conflict(existing, op);
  if (stale) return stale;
  if (existing.score === null) return reject('invalid_op', 'Rate at least one criterion before submitting.');
  const missing = await requiredUnrated(ctx, existing);
  if (missing) return reject('invalid_op', missing);
  const { rows } = await ctx.tx.query<ReviewRow>(
    `update reviews set status = 'submitted', submitted_at = $2, updated_at = $2, version = version + 1, last_client_id = $3
     where id = $1 returning *`,
    [existing.id, ctx.now, op.clientId],
  );
  await publishReview(ctx.tx, ctx.changes, rows[0]!);
  if (existing.calibration_id) await revealCalibration(ctx.tx, ctx.changes, existing.calibration_id);
  else await completeAssignments(ctx.tx, ctx.changes, ctx.viewer.agentId, existing.conversation_id);
  return applied;
};

/**
 * A comment anchored where the lead points: the message must be in the reviewed conversation, a
 * text range inside its text, a time span on a conversation that has a call transcript. Comments
 * add up: no compare-and-set (two leads' comments never undo each other); a resent one is kept once.
 */
export const reviewCommentRule: OpRule<'review.comment'> = async (op, ctx) => {
  const refused = onlyLeads(ctx);
  if (refused) return refused;
  const review = await lockedReview(ctx, op.payload.reviewId);
  if (!review) return reject('not_found', 'This review does not exist.');
  const notYours = await refusedEdit(ctx, review);
  if (notYours) return notYours;
  if (review.comments.some((c) => c.id === op.payload.commentId)) return applied;
  const { anchor } = op.payload;
  if (anchor.kind === 'time') {
    const { rows } = await ctx.tx.query(
      "select 1 from messages where conversation_id = $1 and direction = 'transcript' limit 1",
      [review.conversation_id],
    );
    if (!rows.length)
      return reject('invalid_op', 'A time span points into a call transcript; this conversation has none.');
  } else {
    const { rows } = await ctx.tx.query<{ body: string }>(
      'select body from messages where id = $1 and conversation_id = $2',
      [anchor.messageId, review.conversation_id],
    );
    if (!rows[0]) return reject('invalid_op', 'That message is not in the reviewed conversation.');
    if (anchor.kind === 'text' && anchor.end > rows[0].body.length) {
      return reject('invalid_op', `The text range ends past the message (${rows[0].body.length} characters).`);
    }
  }
  const comment: ReviewComment = {
    id: op.payload.commentId,
    anchor,
    body: op.payload.body,
    criterionId: op.payload.criterionId ?? null,
    authorId: ctx.viewer.agentId,
    at: ctx.now.toISOString(),
  };
  const { rows } = await ctx.tx.query<ReviewRow>(
    'update reviews set comments = comments || $2::jsonb, updated_at = $3 where id = $1 returning *',
    [review.id, JSON.stringify([comment]), ctx.now],
  );
  await publishReview(ctx.tx, ctx.changes, rows[0]!);
  return applied;
};

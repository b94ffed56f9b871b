import { scoreReview } from '../../shared/qa/score';
import type { Rating } from '../../shared/qa/scorecard';
import { publishForReview } from '../store/publish';
import type { ChangeWriter } from '../sync/changeLog';
import { applied, reject, type OpRule } from '../sync/opContext';
import { publishedScorecard } from './publishedScorecard';

interface CalibrationRow {
  id: string;
  conversation_id: string;
  scorecard_id: string;
  scorecard_version: number;
  created_by: string;
  participants: string[];
  status: 'open' | 'agreed';
  reference: Record<string, Rating> | null;
  reference_score: number | null;
  created_at: Date;
  agreed_at: Date | null;
}

function calibrationData(row: CalibrationRow) {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    scorecardId: row.scorecard_id,
    scorecardVersion: row.scorecard_version,
    createdBy: row.created_by,
    participants: row.participants,
    status: row.status,
    reference: row.reference,
    referenceScore: row.reference_score,
    createdAt: row.created_at.toISOString(),
    agreedAt: row.agreed_at?.toISOString() ?? null,
  };
}

/** Every participant (and its creator) sees the calibration itself; the reviews stay blind. */
function publishCalibration(changes: ChangeWriter, row: CalibrationRow): void {
  for (const agentId of new Set([row.created_by, ...row.participants])) {
    changes.append('calibration', row.id, calibrationData(row), { agentId });
  }
}

export const calibrationStartRule: OpRule<'calibration.start'> = async (op, ctx) => {
  if (ctx.viewer.role === 'agent') return reject('forbidden', 'Only team leads and admins run calibrations.');
  const { calibrationId, conversationId, scorecardId, scorecardVersion } = op.payload;
  const participants = [...new Set(op.payload.participantIds)];
  const { rows: existing } = await ctx.tx.query('select 1 from calibrations where id = $1', [calibrationId]);
  if (existing.length) return applied;
  const { rows: leads } = await ctx.tx.query<{ id: string }>(
    "select id from agents where id = any($1) and role in ('lead', 'admin')",
    [participants],
  );
  if (leads.length !== participants.length)
    return reject('invalid_op', 'Every participant of a calibration is a team lead or an admin.');
  const { rows: conversations } = await ctx.tx.query<{ assigned_agent_id: string | null; name: string | null }>(
    'select c.assigned_agent_id, a.name from conversations c left join agents a on a.id = c.assigned_agent_id where c.id = $1',
    [conversationId],
  );
  if (!conversations.length) return reject('not_found', 'This conversation does not exist.');
  // Nobody scores their own conversation: such a participant could never submit, nor the calibration end.
  const handler = conversations[0]!.assigned_agent_id;
  if (handler && participants.includes(handler))
    return reject(
      'invalid_op',
      `${conversations[0]!.name ?? handler} handled this conversation and cannot score it; leave them out.`,
    );
  if (!(await publishedScorecard(ctx.tx, scorecardId, scorecardVersion)))
    return reject('not_found', 'That scorecard version is not published.');
  const { rows } = await ctx.tx.query<CalibrationRow>(
    `insert into calibrations (id, conversation_id, scorecard_id, scorecard_version, created_by, participants, created_at)
     values ($1, $2, $3, $4, $5, $6, $7) returning *`,
    [calibrationId, conversationId, scorecardId, scorecardVersion, ctx.viewer.agentId, participants, ctx.now],
  );
  publishCalibration(ctx.changes, rows[0]!);
  await publishForReview(ctx.tx, ctx.changes, conversationId, participants);
  return applied;
};

export const calibrationAgreeRule: OpRule<'calibration.agree'> = async (op, ctx) => {
  const { rows: found } = await ctx.tx.query<CalibrationRow>('select * from calibrations where id = $1 for update', [
    op.payload.calibrationId,
  ]);
  const calibration = found[0];
  if (!calibration || (calibration.created_by !== ctx.viewer.agentId && ctx.viewer.role !== 'admin'))
    return reject('not_found', 'You started no calibration with this id.');
  if (calibration.status === 'agreed') return reject('stale', 'This calibration’s reference is already agreed.');
  const { rows: submitted } = await ctx.tx.query<{ reviewer_id: string }>(
    "select reviewer_id from reviews where calibration_id = $1 and status = 'submitted'",
    [calibration.id],
  );
  const waiting = calibration.participants.filter((p) => !submitted.some((s) => s.reviewer_id === p));
  if (waiting.length) {
    const { rows: names } = await ctx.tx.query<{ id: string; name: string }>(
      'select id, name from agents where id = any($1) order by name',
      [waiting],
    );
    return reject(
      'invalid_op',
      `Agree the reference once everyone submitted; still scoring: ${names.map((n) => n.name || n.id).join(', ')}.`,
    );
  }
  const card = (await publishedScorecard(ctx.tx, calibration.scorecard_id, calibration.scorecard_version))!;
  let score: number | null;
  try {
    score = scoreReview(card, op.payload.ratings).score;
  } catch (err) {
    return reject('invalid_op', (err as Error).message);
  }
  const { rows } = await ctx.tx.query<CalibrationRow>(
    `update calibrations set status = 'agreed', reference = $2, reference_score = $3, agreed_at = $4 where id = $1 returning *`,
    [calibration.id, JSON.stringify(op.payload.ratings), score, ctx.now],
  );
  publishCalibration(ctx.changes, rows[0]!);
  return applied;
};

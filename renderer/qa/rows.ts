import { z } from 'zod';
import { CommentAnchorSchema, RatingSchema, SectionSchema, type Rating } from '../../shared/qa/scorecard';

/**
 * The QA mirror rows (scorecard versions, reviews, disputes, calibrations, review assignments),
 * parsed as the conversation view parses its rows: loose objects with defaults, so a newer server
 * or an optimistic row never breaks a screen, and a row without what it must have is left out.
 */

const text = z.string().catch('');
const maybeText = z.string().nullable().catch(null);

export const ScorecardVersionRowSchema = z.looseObject({
  /** `${scorecardId}@${version}` */
  id: z.string(),
  scorecardId: z.string(),
  version: z.number().int().min(1),
  name: text,
  sections: z.array(SectionSchema),
  status: z.enum(['draft', 'published']).catch('published'),
  publishedAt: maybeText,
});
export type ScorecardVersionRow = z.infer<typeof ScorecardVersionRowSchema>;

export const ReviewCommentSchema = z.looseObject({
  id: z.string(),
  anchor: CommentAnchorSchema,
  body: text,
  criterionId: maybeText,
  authorId: text,
  at: text,
});
export type ReviewComment = z.infer<typeof ReviewCommentSchema>;

/** Ratings as stored: a criterion id to its rating; anything unreadable is dropped, not guessed. */
const RatingsSchema = z
  .record(z.string(), z.unknown())
  .catch({})
  .transform((raw) => {
    const out: Record<string, Rating> = {};
    for (const [id, value] of Object.entries(raw)) {
      const parsed = RatingSchema.safeParse(value);
      if (parsed.success) out[id] = parsed.data;
    }
    return out;
  });

export const ReviewRowSchema = z.looseObject({
  id: z.string(),
  conversationId: z.string(),
  /** The agent reviewed; absent on an optimistic row until the server fills it in. */
  agentId: maybeText,
  reviewerId: text,
  scorecardId: z.string(),
  scorecardVersion: z.number().int().min(1),
  ratings: RatingsSchema,
  feedback: text,
  comments: z
    .array(z.unknown())
    .catch([])
    .transform((list) =>
      list.flatMap((c) => {
        const parsed = ReviewCommentSchema.safeParse(c);
        return parsed.success ? [parsed.data] : [];
      }),
    ),
  calibrationId: maybeText,
  /** The server's score (one formula, shared/qa/score.ts); null when nothing is rated yet. */
  score: z.number().nullable().catch(null),
  status: z.enum(['draft', 'submitted']).catch('draft'),
  /** Compare-and-set: what `baseVersion` names on the next save. 0 before the server has it. */
  version: z.number().int().min(0).catch(0),
  createdAt: maybeText,
  updatedAt: maybeText,
  submittedAt: maybeText,
});
export type ReviewRow = z.infer<typeof ReviewRowSchema>;

export const DisputeStepSchema = z.looseObject({
  kind: z.enum(['opened', 'accepted', 'partly_accepted', 'rejected']),
  by: text,
  comment: text,
  at: text,
  from: RatingSchema.nullable().optional().catch(undefined),
  to: RatingSchema.optional().catch(undefined),
});
export type DisputeStep = z.infer<typeof DisputeStepSchema>;

export const DisputeRowSchema = z.looseObject({
  id: z.string(),
  reviewId: z.string(),
  criterionId: z.string(),
  agentId: text,
  status: z.enum(['open', 'accepted', 'partly_accepted', 'rejected']),
  steps: z.array(DisputeStepSchema).catch([]),
  createdAt: maybeText,
  decidedAt: maybeText,
});
export type DisputeRow = z.infer<typeof DisputeRowSchema>;

export const CalibrationRowSchema = z.looseObject({
  id: z.string(),
  conversationId: z.string(),
  scorecardId: z.string(),
  scorecardVersion: z.number().int().min(1),
  createdBy: text,
  participants: z.array(z.string()).catch([]),
  status: z.enum(['open', 'agreed']).catch('open'),
  reference: RatingsSchema.nullable().catch(null),
  referenceScore: z.number().nullable().catch(null),
  createdAt: maybeText,
  agreedAt: maybeText,
});
export type CalibrationRow = z.infer<typeof CalibrationRowSchema>;

export const AssignmentRowSchema = z.looseObject({
  id: z.string(),
  ruleId: text,
  conversationId: z.string(),
  agentId: text,
  leadId: text,
  reason: text,
  status: z.enum(['open', 'done']).catch('open'),
  scorecardId: z.string(),
  createdAt: maybeText,
});
export type AssignmentRow = z.infer<typeof AssignmentRowSchema>;

/** The newest published version of each scorecard, by scorecard id. */
export function newestVersions(rows: readonly ScorecardVersionRow[]): Map<string, ScorecardVersionRow> {
  const newest = new Map<string, ScorecardVersionRow>();
  for (const row of rows) {
    if (row.status !== 'published') continue;
    const held = newest.get(row.scorecardId);
    if (!held || held.version < row.version) newest.set(row.scorecardId, row);
  }
  return newest;
}

export const scorecardRowId = (scorecardId: string, version: number) => `${scorecardId}@${version}`;

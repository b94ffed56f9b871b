import { z } from 'zod';
import { ChannelSchema } from '../domain';

/**
 * QA scorecards (DESIGN.md domain: Scorecard): sections of weighted criteria, each on its own
 * scale, some critical, each applying to some channels and kinds of message. A scorecard is
 * versioned: a published version never changes, and a review keeps the version it was scored with.
 */

const Id = z.string().min(1).max(64);

/** yes/no, or a 1–n scale. */
export const ScaleSchema = z.enum(['yes_no', '1_3', '1_5']);
export type Scale = z.infer<typeof ScaleSchema>;

/** The highest point of a 1–n scale; yes/no is a scale of two points (no = 1, yes = 2). */
export function scalePoints(scale: Scale): number {
  return scale === 'yes_no' ? 2 : scale === '1_3' ? 3 : 5;
}

/** What a criterion looks at: public posts, private messages, email, a call's transcript. */
export const MessageKindSchema = z.enum(['public', 'private', 'transcript']);
export type MessageKind = z.infer<typeof MessageKindSchema>;

/** Criteria the data can decide: filled in with their evidence, overridable by the lead. */
export const AutoCheckSchema = z.enum([
  'first_response_sla',
  'tone_template',
  'pii_in_public',
  'spelling',
  'consistency',
]);
export type AutoCheck = z.infer<typeof AutoCheckSchema>;

export const CriterionSchema = z
  .object({
    id: Id,
    label: z.string().min(1).max(200),
    /** What the lead looks for, shown beside the scale. */
    guidance: z.string().max(2000).default(''),
    /** Relative weight in the section-free weighted mean: 1 is normal, 3 counts three times as much. */
    weight: z.number().positive().max(100),
    scale: ScaleSchema,
    /** The lead may mark it not applicable to this conversation; it then leaves the mean. */
    allowNa: z.boolean().default(true),
    /** Failing it (no, or the lowest point of its scale) sets the whole review to 0. */
    critical: z.boolean().default(false),
    /** Channels it applies to; empty means every channel. */
    channels: z.array(ChannelSchema).max(7).default([]),
    /** Kinds of message it applies to; empty means every kind. */
    messageKinds: z.array(MessageKindSchema).max(3).default([]),
    auto: AutoCheckSchema.optional(),
  })
  .strict();
export type Criterion = z.output<typeof CriterionSchema>;

export const SectionSchema = z
  .object({
    id: Id,
    title: z.string().min(1).max(200),
    criteria: z.array(CriterionSchema).min(1).max(50),
  })
  .strict();
export type Section = z.output<typeof SectionSchema>;

export const ScorecardVersionSchema = z
  .object({
    scorecardId: Id,
    version: z.number().int().min(1),
    name: z.string().min(1).max(200),
    sections: z.array(SectionSchema).min(1).max(20),
  })
  .strict()
  .superRefine((card, ctx) => {
    const seen = new Set<string>();
    for (const [s, section] of card.sections.entries()) {
      for (const [c, criterion] of section.criteria.entries()) {
        if (seen.has(criterion.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sections', s, 'criteria', c, 'id'],
            message: `criterion id "${criterion.id}" is used twice; each criterion needs its own id`,
          });
        }
        seen.add(criterion.id);
      }
    }
  });
export type ScorecardVersion = z.output<typeof ScorecardVersionSchema>;

/** Every criterion of a scorecard, in order. */
export function criteriaOf(card: Pick<ScorecardVersion, 'sections'>): Criterion[] {
  return card.sections.flatMap((s) => s.criteria);
}

/** A lead's rating of one criterion: yes or no, a point of a 1–n scale, or not applicable. */
export const RatingSchema = z.union([
  z.literal('yes'),
  z.literal('no'),
  z.number().int().min(1).max(5),
  z.literal('na'),
]);
export type Rating = z.infer<typeof RatingSchema>;

/** Why a rating does not fit its criterion, or null when it does. */
export function ratingProblem(criterion: Criterion, rating: Rating): string | null {
  if (rating === 'na') return criterion.allowNa ? null : `"${criterion.label}" cannot be marked not applicable.`;
  if (criterion.scale === 'yes_no') {
    return rating === 'yes' || rating === 'no' ? null : `"${criterion.label}" is rated yes or no.`;
  }
  const points = scalePoints(criterion.scale);
  return typeof rating === 'number' && rating >= 1 && rating <= points
    ? null
    : `"${criterion.label}" is rated 1 to ${points}.`;
}

/**
 * Where a review comment points: a whole message, a range of a message's text (UTF-16 offsets,
 * end exclusive), or a span of a call's transcript (milliseconds from the call's start).
 */
export const CommentAnchorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), messageId: Id }).strict(),
  z
    .object({ kind: z.literal('text'), messageId: Id, start: z.number().int().min(0), end: z.number().int().min(1) })
    .strict()
    .refine((a) => a.start < a.end, { message: 'a text range ends after it starts', path: ['end'] }),
  z
    .object({
      kind: z.literal('time'),
      startMs: z.number().int().min(0).max(86_400_000),
      endMs: z.number().int().min(1).max(86_400_000),
    })
    .strict()
    .refine((a) => a.startMs < a.endMs, { message: 'a time span ends after it starts', path: ['endMs'] }),
]);
export type CommentAnchor = z.infer<typeof CommentAnchorSchema>;

/** What an admin or lead sends to create a scorecard or replace its draft (HTTP). */
export const ScorecardDraftInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    sections: z.array(SectionSchema).min(1).max(20),
  })
  .strict();
export type ScorecardDraftInput = z.input<typeof ScorecardDraftInputSchema>;

/** A scorecard version as the change log and the HTTP routes carry it. */
export interface ScorecardVersionView {
  /** `${scorecardId}@${version}`: one mirror row per version. */
  id: string;
  scorecardId: string;
  version: number;
  name: string;
  sections: Section[];
  status: 'draft' | 'published';
  publishedAt: string | null;
}

/**
 * A sampling rule as a lead sets it: which resolved conversations get a review, by whom. Risk picks
 * take any of their conditions; leave out the ones not wanted.
 */
export const SamplingRuleInputSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    scorecardId: Id,
    /** The leads who review; a lead is never given their own conversation. */
    leadIds: z.array(Id).min(1).max(50),
    rule: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('random_share'), share: z.number().gt(0).max(1) }).strict(),
      z.object({ kind: z.literal('per_agent_week'), perAgent: z.number().int().min(1).max(100) }).strict(),
      z
        .object({
          kind: z.literal('risk'),
          /** Sentiment at or below this (−5 … 5). */
          negativeSentiment: z.number().min(-5).max(5).optional(),
          slaBreached: z.boolean().optional(),
          /** A public complaint (negative sentiment) from an author with at least this many followers. */
          publicReach: z.number().int().min(0).optional(),
          /** From first contact to resolution, longer than this. */
          longHandleMinutes: z.number().int().min(1).optional(),
          /** Wrapped up more than once: it came back. */
          reopened: z.boolean().optional(),
        })
        .strict(),
    ]),
  })
  .strict();
export type SamplingRuleInput = z.infer<typeof SamplingRuleInputSchema>;

import { z } from 'zod';
import type { ScorecardDraftInput, SamplingRuleInput } from '../../../shared/qa/scorecard';
import { SamplingRuleInputSchema } from '../../../shared/qa/scorecard';
import { qaRequest, type ApiResult, type ApiSession } from '../qaApi';
import { ScorecardVersionRowSchema, type ScorecardVersionRow } from '../rows';

/**
 * The scorecard and sampling routes (server/qa/scorecardRoutes.ts, samplingRoutes.ts), online only.
 * Answers are parsed leniently: one unreadable scorecard version or rule is left out, not fatal.
 */

const each = <S extends z.ZodType>(schema: S) =>
  z.array(z.unknown()).transform((list) =>
    list.flatMap((item) => {
      const parsed = schema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  );

const VersionListSchema = z.object({ versions: each(ScorecardVersionRowSchema) });

export const RuleSchema = SamplingRuleInputSchema.shape.rule;

export const SamplingRuleRowSchema = z.looseObject({
  id: z.string(),
  name: z.string().catch(''),
  scorecardId: z.string().catch(''),
  leadIds: z.array(z.string()).catch([]),
  enabled: z.boolean().catch(true),
  /** Null when this app does not know the rule's kind (a newer server). */
  rule: RuleSchema.nullable().catch(null),
});
export type SamplingRuleRow = z.infer<typeof SamplingRuleRowSchema>;

const RuleListSchema = z.object({ rules: each(SamplingRuleRowSchema) });

const path = (id: string) => encodeURIComponent(id);

export async function listScorecardVersions(session: ApiSession): Promise<ApiResult<ScorecardVersionRow[]>> {
  const result = await qaRequest(session, '/api/scorecards', VersionListSchema);
  return result.ok ? { ok: true, data: result.data.versions } : result;
}

/** A new scorecard: its first draft (version 1). */
export function createScorecard(session: ApiSession, input: ScorecardDraftInput) {
  return qaRequest(session, '/api/scorecards', ScorecardVersionRowSchema, { method: 'POST', body: input });
}

/** Replaces the scorecard's draft, or starts the draft of its next version. */
export function saveScorecardDraft(session: ApiSession, scorecardId: string, input: ScorecardDraftInput) {
  return qaRequest(session, `/api/scorecards/${path(scorecardId)}/draft`, ScorecardVersionRowSchema, {
    method: 'PUT',
    body: input,
  });
}

export function publishScorecard(session: ApiSession, scorecardId: string) {
  return qaRequest(session, `/api/scorecards/${path(scorecardId)}/publish`, ScorecardVersionRowSchema, {
    method: 'POST',
  });
}

export async function listSamplingRules(session: ApiSession): Promise<ApiResult<SamplingRuleRow[]>> {
  const result = await qaRequest(session, '/api/qa/sampling-rules', RuleListSchema);
  return result.ok ? { ok: true, data: result.data.rules } : result;
}

export function createSamplingRule(session: ApiSession, input: SamplingRuleInput) {
  return qaRequest(session, '/api/qa/sampling-rules', z.object({ id: z.string() }), { method: 'POST', body: input });
}

export function runSamplingNow(session: ApiSession) {
  return qaRequest(session, '/api/qa/sampling/run', z.object({ assigned: z.number().int().min(0) }), {
    method: 'POST',
  });
}

/** One scorecard as the list shows it: its newest published version and its pending draft. */
export interface ScorecardSummary {
  scorecardId: string;
  name: string;
  published: ScorecardVersionRow | null;
  draft: ScorecardVersionRow | null;
}

/** Versions (in the server's order: oldest scorecard first, versions ascending) grouped by scorecard. */
export function summarize(versions: readonly ScorecardVersionRow[]): ScorecardSummary[] {
  const cards = new Map<string, ScorecardSummary>();
  for (const v of versions) {
    const card = cards.get(v.scorecardId) ?? { scorecardId: v.scorecardId, name: v.name, published: null, draft: null };
    if (v.status === 'draft') card.draft = v;
    else if (!card.published || card.published.version < v.version) card.published = v;
    card.name = card.published?.name ?? card.draft?.name ?? v.name;
    cards.set(v.scorecardId, card);
  }
  return [...cards.values()];
}

/** "Not saved: <why>": the server's or the network's sentence, with what happens to the lead's work. */
export function failureSentence(what: string, result: { status: number; message: string }): string {
  const kept = 'What you entered is still here.';
  return result.status === 0
    ? `${what}: you are offline. ${result.message} ${kept}`
    : `${what}: ${result.message} ${kept}`;
}

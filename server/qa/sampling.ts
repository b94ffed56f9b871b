import { createHash } from 'node:crypto';
import type { SamplingRuleInput } from '../../shared/qa/scorecard';
import type { Db, Queryable } from '../db/db';
import { publishForReview } from '../store/publish';
import { withChanges, type ChangeWriter, type PendingChange } from '../sync/changeLog';

type Rule = SamplingRuleInput['rule'];

interface RuleRow {
  id: string;
  name: string;
  kind: Rule['kind'];
  params: Rule;
  scorecard_id: string;
  lead_ids: string[];
}

interface Candidate {
  id: string;
  agent_id: string;
  resolved_at: Date;
  sentiment: number;
  reach: number;
  channel: string;
  breached: boolean;
  handle_minutes: number;
  wrap_ups: number;
}

interface AssignmentRow {
  id: string;
  rule_id: string;
  conversation_id: string;
  agent_id: string;
  lead_id: string;
  reason: string;
  status: string;
  created_at: Date;
}

/** An assignment is its lead's own to-do list: nobody else sees it. */
function publishAssignment(changes: ChangeWriter, row: AssignmentRow, scorecardId: string): void {
  changes.append(
    'assignment',
    row.id,
    {
      id: row.id,
      ruleId: row.rule_id,
      conversationId: row.conversation_id,
      agentId: row.agent_id,
      leadId: row.lead_id,
      reason: row.reason,
      status: row.status,
      scorecardId,
      createdAt: row.created_at.toISOString(),
    },
    { agentId: row.lead_id },
  );
}

/**
 * A lead's submitted review of a conversation settles their open assignments of it, whichever rule
 * made them: the conversation is reviewed, and the lead's list moves on.
 */
export async function completeAssignments(
  tx: Queryable,
  changes: ChangeWriter,
  leadId: string,
  conversationId: string,
): Promise<void> {
  const { rows } = await tx.query<AssignmentRow & { scorecard_id: string }>(
    `update review_assignments a set status = 'done' from sampling_rules r
     where r.id = a.rule_id and a.lead_id = $1 and a.conversation_id = $2 and a.status = 'open'
     returning a.*, r.scorecard_id`,
    [leadId, conversationId],
  );
  for (const row of rows) publishAssignment(changes, row, row.scorecard_id);
}

/** How far back resolved conversations are sampled. */
const LOOKBACK_DAYS = 14;

/**
 * A stable coin per rule and conversation: the same conversation is in or out of a rule's random
 * share on every run, so runs after a restart neither double nor skip the share.
 */
export function inShare(ruleId: string, conversationId: string, share: number): boolean {
  const digest = createHash('sha256').update(`${ruleId}:${conversationId}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < share;
}

/** Why a conversation is a risk pick under the rule, or null. */
export function riskReason(rule: Extract<Rule, { kind: 'risk' }>, c: Candidate): string | null {
  if (rule.negativeSentiment !== undefined && c.sentiment <= rule.negativeSentiment)
    return `negative sentiment (${c.sentiment.toFixed(1)})`;
  if (rule.slaBreached && c.breached) return 'SLA breached';
  if (
    rule.publicReach !== undefined &&
    (c.channel === 'x_public' || c.channel === 'facebook') &&
    c.sentiment < 0 &&
    c.reach >= rule.publicReach
  )
    return `public complaint with ${c.reach.toLocaleString('en')} followers`;
  if (rule.longHandleMinutes !== undefined && c.handle_minutes > rule.longHandleMinutes)
    return `long handle time (${Math.round(c.handle_minutes)} min)`;
  if (rule.reopened && c.wrap_ups > 1) return 'reopened';
  return null;
}

/** Monday 00:00 UTC of the week `at` falls in. */
function weekStart(at: Date): Date {
  const day = (at.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - day));
}

/**
 * Runs every enabled sampling rule once over the conversations resolved in the last two weeks:
 * new review assignments, each published to its lead. A conversation is assigned at most once per
 * rule; its own agent never reviews it; among the rule's other leads the least loaded gets it.
 */
export async function runSampling(db: Db, now: Date): Promise<{ assigned: number; changes: PendingChange[] }> {
  const { value, changes } = await withChanges(db, async (tx, changes) => {
    const { rows: rules } = await tx.query<RuleRow>(
      'select * from sampling_rules where enabled order by created_at, id',
    );
    let assigned = 0;
    for (const rule of rules) assigned += await runRule(tx, changes, rule, now);
    return assigned;
  });
  return { assigned: value, changes };
}

async function runRule(tx: Queryable, changes: ChangeWriter, rule: RuleRow, now: Date): Promise<number> {
  const { rows: candidates } = await tx.query<Candidate>(
    `select c.id, c.assigned_agent_id as agent_id, c.resolved_at, c.sentiment, c.reach, c.channel,
            cardinality(c.sla_breaches) > 0 as breached,
            extract(epoch from (c.resolved_at - c.created_at)) / 60 as handle_minutes,
            (select count(*)::int from dispositions d where d.conversation_id = c.id) as wrap_ups
     from conversations c
     where c.status = 'resolved' and c.assigned_agent_id is not null
       and c.resolved_at > $2 and c.resolved_at <= $3
       -- Once per rule; never while another rule's assignment of it is open, nor once reviewed.
       and not exists (select 1 from review_assignments a
                       where a.conversation_id = c.id and (a.rule_id = $1 or a.status = 'open'))
       and not exists (select 1 from reviews r where r.conversation_id = c.id and r.calibration_id is null)
     order by c.resolved_at desc, c.id`,
    [rule.id, new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000), now],
  );
  const { rows: load } = await tx.query<{ lead_id: string; open: number }>(
    "select lead_id, count(*)::int as open from review_assignments where status = 'open' and lead_id = any($1) group by lead_id",
    [rule.lead_ids],
  );
  const openByLead = new Map(rule.lead_ids.map((id) => [id, 0]));
  // A lead reviews their own team's agents first: the conversations they already follow.
  const { rows: teams } = await tx.query<{ id: string; team_id: string | null }>(
    'select id, team_id from agents where id = any($1)',
    [[...new Set([...rule.lead_ids, ...candidates.map((c) => c.agent_id)])]],
  );
  const teamOf = new Map(teams.map((t) => [t.id, t.team_id]));
  for (const l of load) openByLead.set(l.lead_id, l.open);
  const perAgentThisWeek = new Map<string, number>();
  if (rule.params.kind === 'per_agent_week') {
    const { rows } = await tx.query<{ agent_id: string; n: number }>(
      'select agent_id, count(*)::int as n from review_assignments where rule_id = $1 and created_at >= $2 group by agent_id',
      [rule.id, weekStart(now)],
    );
    for (const r of rows) perAgentThisWeek.set(r.agent_id, r.n);
  }

  let assigned = 0;
  for (const c of candidates) {
    let reason: string | null = null;
    const params = rule.params;
    if (params.kind === 'random_share')
      reason = inShare(rule.id, c.id, params.share)
        ? `picked at random (${Math.round(params.share * 1000) / 10} % of resolved)`
        : null;
    else if (params.kind === 'per_agent_week') {
      const n = perAgentThisWeek.get(c.agent_id) ?? 0;
      if (n < params.perAgent) {
        reason = `${n + 1} of ${params.perAgent} this week`;
        perAgentThisWeek.set(c.agent_id, n + 1);
      }
    } else reason = riskReason(params, c);
    if (!reason) continue;
    // Nobody reviews their own conversation; a lead of the agent's team before the others, then
    // the least loaded (then by id).
    const team = teamOf.get(c.agent_id) ?? null;
    const outside = (id: string) => (team !== null && teamOf.get(id) === team ? 0 : 1);
    const lead = [...openByLead.entries()]
      .filter(([id]) => id !== c.agent_id)
      .sort((a, b) => outside(a[0]) - outside(b[0]) || a[1] - b[1] || a[0].localeCompare(b[0]))[0];
    if (!lead) continue;
    const { rows } = await tx.query<AssignmentRow>(
      `insert into review_assignments (id, rule_id, conversation_id, agent_id, lead_id, reason, created_at)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (rule_id, conversation_id) do nothing returning *`,
      [crypto.randomUUID(), rule.id, c.id, c.agent_id, lead[0], `${rule.name}: ${reason}`, now],
    );
    const row = rows[0];
    if (!row) continue;
    await publishForReview(tx, changes, c.id, [lead[0]]);
    openByLead.set(lead[0], lead[1] + 1);
    assigned++;
    publishAssignment(changes, row, rule.scorecard_id);
  }
  return assigned;
}

import { SamplingRuleInputSchema, type SamplingRuleInput } from '../../../shared/qa/scorecard';

/**
 * The new-sampling-rule form as the lead fills it (numbers stay text until saved), turned into a
 * `SamplingRuleInput` with every problem named by field, and a rule told in one sentence.
 */

export type RuleKind = SamplingRuleInput['rule']['kind'];
export type Rule = SamplingRuleInput['rule'];

export interface RuleForm {
  name: string;
  scorecardId: string;
  leadIds: string[];
  kind: RuleKind;
  /** A random share, in percent (the rule holds 0–1). */
  sharePercent: string;
  perAgent: string;
  sentimentOn: boolean;
  sentiment: string;
  slaBreached: boolean;
  reachOn: boolean;
  reach: string;
  handleOn: boolean;
  handleMinutes: string;
  reopened: boolean;
}

/** Field of the form to what is wrong with it. `risk` is the risk picks as a whole. */
export type RuleProblems = Partial<Record<keyof RuleForm | 'risk', string>>;

export function emptyRuleForm(scorecardId = ''): RuleForm {
  return {
    name: '',
    scorecardId,
    leadIds: [],
    kind: 'random_share',
    sharePercent: '10',
    perAgent: '2',
    sentimentOn: false,
    sentiment: '-2',
    slaBreached: false,
    reachOn: false,
    reach: '10000',
    handleOn: false,
    handleMinutes: '60',
    reopened: false,
  };
}

/** "2,5" is two and a half; an empty box is not a number. */
const decimal = (text: string) => {
  const t = text.trim().replace(',', '.');
  return t === '' ? Number.NaN : Number(t);
};
/** "10,000" and "10 000" are ten thousand. */
const whole = (text: string) => {
  const t = text.replace(/[\s,_']/g, '');
  return t === '' ? Number.NaN : Number(t);
};

const SCHEMA_FIELDS: Record<string, keyof RuleForm> = {
  name: 'name',
  scorecardId: 'scorecardId',
  leadIds: 'leadIds',
  share: 'sharePercent',
  perAgent: 'perAgent',
  negativeSentiment: 'sentiment',
  publicReach: 'reach',
  longHandleMinutes: 'handleMinutes',
};

export function buildRule(
  form: RuleForm,
): { ok: true; input: SamplingRuleInput } | { ok: false; problems: RuleProblems } {
  const problems: RuleProblems = {};
  if (!form.name.trim()) problems.name = 'Give the rule a name, such as “Weekly picks”.';
  else if (form.name.trim().length > 200) problems.name = 'Keep the name to 200 characters or fewer.';
  if (!form.scorecardId) problems.scorecardId = 'Choose the scorecard the reviews use.';
  if (!form.leadIds.length) problems.leadIds = 'Tick at least one lead to do the reviews.';
  else if (form.leadIds.length > 50) problems.leadIds = 'A rule has at most 50 reviewers.';

  let rule: Rule;
  if (form.kind === 'random_share') {
    const percent = decimal(form.sharePercent);
    if (!(percent > 0 && percent <= 100))
      problems.sharePercent = 'Enter a share above 0 and up to 100 percent, such as 10.';
    rule = { kind: 'random_share', share: percent / 100 };
  } else if (form.kind === 'per_agent_week') {
    const perAgent = whole(form.perAgent);
    if (!(Number.isInteger(perAgent) && perAgent >= 1 && perAgent <= 100))
      problems.perAgent = 'Enter a whole number of conversations from 1 to 100.';
    rule = { kind: 'per_agent_week', perAgent };
  } else {
    rule = { kind: 'risk' };
    if (form.sentimentOn) {
      const sentiment = decimal(form.sentiment);
      if (!(sentiment >= -5 && sentiment <= 5))
        problems.sentiment = 'Enter a sentiment from −5 (very negative) to 5 (very positive), such as −2.';
      rule.negativeSentiment = sentiment;
    }
    if (form.slaBreached) rule.slaBreached = true;
    if (form.reachOn) {
      const reach = whole(form.reach);
      if (!(Number.isInteger(reach) && reach >= 0)) problems.reach = 'Enter a number of followers, such as 10000.';
      rule.publicReach = reach;
    }
    if (form.handleOn) {
      const minutes = whole(form.handleMinutes);
      if (!(Number.isInteger(minutes) && minutes >= 1))
        problems.handleMinutes = 'Enter a whole number of minutes, such as 60.';
      rule.longHandleMinutes = minutes;
    }
    if (form.reopened) rule.reopened = true;
    if (Object.keys(rule).length === 1) problems.risk = 'Tick at least one risk to look for.';
  }
  const input: SamplingRuleInput = {
    name: form.name.trim(),
    scorecardId: form.scorecardId,
    leadIds: form.leadIds,
    rule,
  };
  if (Object.keys(problems).length) return { ok: false, problems };

  // The server's own check, in case this form ever lets through what the schema refuses.
  const parsed = SamplingRuleInputSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = SCHEMA_FIELDS[String(issue.path.at(-1))] ?? 'name';
      problems[field] ??= `${issue.message}.`;
    }
    return { ok: false, problems };
  }
  return { ok: true, input };
}

const minus = (n: number) => String(n).replace('-', '−');

/** "Lee", or "Lee, Kim or Ola (the agent's own team lead first, else the least busy)": as server/qa/sampling.ts picks. */
function reviewers(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? 'nobody';
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)!} (the agent’s own team lead first, else the least busy)`;
}

function anyOf(clauses: readonly string[]): string {
  return clauses.length <= 1 ? (clauses[0] ?? '') : `${clauses.slice(0, -1).join(', ')} or ${clauses.at(-1)!}`;
}

/** What a rule does, in one sentence. */
export function describeRule(rule: Rule, scorecard: string, leadNames: readonly string[]): string {
  const to = `${reviewers(leadNames)} to review with “${scorecard}”`;
  if (rule.kind === 'random_share') {
    const percent = Number((rule.share * 100).toFixed(2));
    return `About ${percent} % of the conversations resolved in the last two weeks, picked at random, go to ${to}.`;
  }
  if (rule.kind === 'per_agent_week') {
    const n = rule.perAgent === 1 ? '1 resolved conversation' : `${rule.perAgent} resolved conversations`;
    return `Each week, up to ${n} of every agent ${rule.perAgent === 1 ? 'goes' : 'go'} to ${to}.`;
  }
  const clauses = [
    rule.negativeSentiment !== undefined && `had sentiment at or below ${minus(rule.negativeSentiment)}`,
    rule.slaBreached && 'breached its SLA',
    rule.publicReach !== undefined &&
      `was a public complaint (a negative X or Facebook post) from someone with at least ${rule.publicReach.toLocaleString('en')} followers`,
    rule.longHandleMinutes !== undefined &&
      `took longer than ${rule.longHandleMinutes} minutes from first contact to resolution`,
    rule.reopened && 'was reopened',
  ].filter((c): c is string => typeof c === 'string');
  if (!clauses.length) return `This rule picks nothing: it has no risk to look for.`;
  return `Every conversation resolved in the last two weeks that ${anyOf(clauses)} goes to ${to}.`;
}

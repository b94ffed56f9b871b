import type { Channel } from '../domain';
import { personalData } from '../replyChecks';
import { toneFor, type Tone } from '../tones';
import {
  criteriaOf,
  scalePoints,
  type AutoCheck,
  type Criterion,
  type Rating,
  type ScorecardVersion,
} from './scorecard';

/**
 * Criteria the data can decide (issue 8), filled in with their evidence for the lead to keep or
 * override: the first response within its SLA target, the channel's tone followed (greeting and
 * closing), no personal data in a public reply. Pure: the server and the lead's screen both run them
 * on the conversation as they hold it.
 */

export interface ConversationFacts {
  channel: Channel;
  firstResponseDue: string | null;
  firstResponseAt: string | null;
  messages: readonly {
    id: string;
    direction: 'inbound' | 'outbound' | 'note' | 'transcript';
    visibility: 'public' | 'private';
    body: string;
    speaker?: string | null;
    via?: string | null;
    templateId?: string | null;
  }[];
}

export interface AutoResult {
  /** On a yes/no view: the criterion's own scale maps it (`asRating`). */
  verdict: 'yes' | 'no' | 'na';
  evidence: string;
  /** The messages the evidence is about. */
  messageIds: string[];
}

const minutes = (ms: number) => `${Math.max(0, Math.round(ms / 60_000))} min`;

export function firstResponseWithinSla(facts: ConversationFacts, now: Date): AutoResult {
  if (!facts.firstResponseDue) return { verdict: 'na', evidence: 'No first-response target applied.', messageIds: [] };
  const due = Date.parse(facts.firstResponseDue);
  if (!facts.firstResponseAt) {
    return due < now.getTime()
      ? {
          verdict: 'no',
          evidence: `No response yet; the target passed ${minutes(now.getTime() - due)} ago.`,
          messageIds: [],
        }
      : { verdict: 'na', evidence: 'No response yet, and the target has not passed.', messageIds: [] };
  }
  const at = Date.parse(facts.firstResponseAt);
  return at <= due
    ? { verdict: 'yes', evidence: `First response ${minutes(due - at)} before the target.`, messageIds: [] }
    : { verdict: 'no', evidence: `First response ${minutes(at - due)} after the target.`, messageIds: [] };
}

export function noPersonalDataInPublic(facts: ConversationFacts): AutoResult {
  const replies = facts.messages.filter((m) => m.direction === 'outbound' && m.visibility === 'public');
  if (!replies.length) return { verdict: 'na', evidence: 'No public reply.', messageIds: [] };
  const flagged = replies.map((m) => ({ m, found: personalData(m.body) })).filter((r) => r.found.length > 0);
  if (!flagged.length)
    return {
      verdict: 'yes',
      evidence: `${replies.length} public ${replies.length === 1 ? 'reply' : 'replies'}, no personal data.`,
      messageIds: [],
    };
  const what = flagged.flatMap((r) => r.found.map((f) => `${f.kind} “${f.text}”`));
  return {
    verdict: 'no',
    evidence: `Personal data in a public reply: ${what.join(', ')}.`,
    messageIds: flagged.map((r) => r.m.id),
  };
}

const GREETING =
  /^\s*(?:dear|hello|hi|hey|good (?:morning|afternoon|evening)|thank you for calling|thanks for calling)\b/iu;
/** On a call the agent may open with who answers: "Skyward Air, Dana speaking", "this is Dana". */
const CALL_GREETING = /^[^.!?]{0,80}\b(?:speaking|this is|my name is|you'?re through to)\b/iu;
const EMAIL_CLOSING =
  /(?:kind regards|best regards|warm regards|regards|sincerely|best wishes|many thanks)[,.!]?\s*(?:\n.*){0,2}$/iu;
const CALL_CLOSING =
  /(?:anything else|have a (?:[\p{L}]+ )?(?:day|trip|flight|journey|evening|weekend|one)|have a (?:good|great|nice|lovely)|take care|enjoy your|goodbye|bye|thank you for calling|thanks for calling)/iu;
/** A social sign-off: the agent's initials after a caret (^AB), or a name after a dash, a comma or on the last line. */
const SOCIAL_SIGN_OFF = /(?:\^[A-Z]{1,3}|[-–—,]\s*[A-Z][\p{L}]+|\n\s*[A-Z][\p{L}]+(?: [A-Z][\p{L}]+)?)[.!]?\s*$/u;

const SIGN_OFF = 'a sign-off (initials such as ^AB, or the agent’s name at the end)';

/** Per tone: how it closes, in words the lead reads, and what the conversation is called. */
const PARTS: Record<Tone, { closing: RegExp | null; closingName: string; kind: string }> = {
  email: {
    closing: EMAIL_CLOSING,
    closingName: 'a closing such as “Kind regards” and a signature',
    kind: 'An email',
  },
  phone_script: {
    closing: CALL_CLOSING,
    closingName: 'a closing line such as “Anything else I can help with?” or “Have a good day”',
    kind: 'A call',
  },
  public_social: { closing: SOCIAL_SIGN_OFF, closingName: SIGN_OFF, kind: 'A public reply' },
  private_social: { closing: SOCIAL_SIGN_OFF, closingName: SIGN_OFF, kind: 'A private message' },
  chat: { closing: null, closingName: '', kind: 'A chat' },
};
/** What a greeting looks like, per tone, for the evidence. */
const GREETING_NAME: Record<Tone, string> = {
  email: 'a greeting such as “Dear Maya”',
  phone_script: 'a greeting such as “Thank you for calling” or “Skyward Air, Dana speaking”',
  public_social: 'a greeting such as “Hi Maya”',
  private_social: 'a greeting such as “Hi Maya”',
  chat: 'a greeting such as “Hi Maya”',
};

/**
 * The tone template of the conversation's channel followed: the first reply greets, the last one
 * closes as the channel's tone does (email: greeting, closing, signature; a call: the agent's first
 * and last turns; social: greeting and sign-off; chat: greeting).
 */
export function toneTemplateFollowed(facts: ConversationFacts): AutoResult {
  const voice = facts.channel === 'voice';
  const replies = facts.messages.filter((m) =>
    voice ? m.direction === 'transcript' && m.speaker === 'agent' : m.direction === 'outbound' && !m.via,
  );
  if (!replies.length)
    return { verdict: 'na', evidence: voice ? 'No agent turns in the transcript.' : 'No reply.', messageIds: [] };
  const first = replies[0]!;
  const last = replies[replies.length - 1]!;
  const tone = toneFor(facts.channel, first.visibility);
  const missing: string[] = [];
  const { closing, closingName, kind } = PARTS[tone];
  const greets = GREETING.test(first.body) || (voice && CALL_GREETING.test(first.body));
  if (!greets) missing.push(GREETING_NAME[tone]);
  if (closing && !closing.test(last.body.trim())) missing.push(closingName);
  const ids = [...new Set([first.id, last.id])];
  return missing.length
    ? {
        verdict: 'no',
        evidence: `${kind}: missing ${missing.join(' and ')}.`,
        messageIds: ids,
      }
    : {
        verdict: 'yes',
        evidence: closing ? 'Greets the customer and closes as agreed for this channel.' : 'Greets the customer.',
        messageIds: ids,
      };
}

/** An automatic verdict on the criterion's own scale: yes is its top point, no its lowest. */
export function asRating(
  criterion: Pick<Criterion, 'scale' | 'allowNa'>,
  verdict: AutoResult['verdict'],
): Rating | null {
  if (verdict === 'na') return criterion.allowNa ? 'na' : null;
  if (criterion.scale === 'yes_no') return verdict;
  return verdict === 'yes' ? scalePoints(criterion.scale) : 1;
}

/** A template's text as a pattern: each `{variable}` matches any filled-in value. */
function renderingPattern(text: string): RegExp {
  const parts = text.split(/\{\w+\}/u).map((p) => p.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&').replace(/\s+/gu, '\\s+'));
  return new RegExp(`^\\s*${parts.join('[\\s\\S]+?')}\\s*$`, 'u');
}

/**
 * Consistency across channels: every reply that came from an approved answer (the composer
 * records its template) used that answer's rendering for the reply's own tone, variables filled,
 * not another tone's text or a rewrite. No reply from a template: nothing to judge.
 */
export function consistentWithApprovedAnswer(
  facts: ConversationFacts,
  templates: ReadonlyMap<string, { title: string; renderings: Partial<Record<Tone, string>> }>,
): AutoResult {
  const used = facts.messages.filter((m) => m.direction === 'outbound' && m.templateId);
  if (!used.length) return { verdict: 'na', evidence: 'No reply came from an approved answer.', messageIds: [] };
  const off: string[] = [];
  const ids: string[] = [];
  for (const m of used) {
    const template = templates.get(m.templateId!);
    const tone = toneFor(m.via === 'email' ? 'email' : facts.channel, m.visibility);
    const rendering = template?.renderings[tone];
    if (!template || !rendering) {
      off.push(`“${template?.title ?? m.templateId}” has no ${tone.replace('_', ' ')} version`);
      ids.push(m.id);
    } else if (!renderingPattern(rendering).test(m.body)) {
      off.push(`“${template.title}” was changed from its ${tone.replace('_', ' ')} version`);
      ids.push(m.id);
    }
  }
  return off.length
    ? { verdict: 'no', evidence: `${off.join('; ')}.`, messageIds: ids }
    : {
        verdict: 'yes',
        evidence: `${used.length === 1 ? 'The reply' : `${used.length} replies`} used the approved answer written for ${used.length === 1 ? 'its' : 'their'} channel.`,
        messageIds: [],
      };
}

/** One automatic criterion decided: its result on the criterion's own scale. */
export interface AutoCheckResult extends AutoResult {
  criterionId: string;
  check: AutoCheck;
  rating: Rating | null;
}

/**
 * Every automatic criterion of a scorecard version decided on a conversation, the one mapping of
 * check to rule that the server and the lead's screen (offline) share. Spelling needs a dictionary
 * the screen does not load: without `spelling`, those criteria are left out.
 */
export function decideAutoChecks(
  card: Pick<ScorecardVersion, 'sections'>,
  facts: ConversationFacts,
  context: {
    now: Date;
    templates: ReadonlyMap<string, { title: string; renderings: Partial<Record<Tone, string>> }>;
    spelling?: (facts: ConversationFacts) => AutoResult;
  },
): AutoCheckResult[] {
  const decide: Record<AutoCheck, (() => AutoResult) | undefined> = {
    first_response_sla: () => firstResponseWithinSla(facts, context.now),
    tone_template: () => toneTemplateFollowed(facts),
    pii_in_public: () => noPersonalDataInPublic(facts),
    spelling: context.spelling && (() => context.spelling!(facts)),
    consistency: () => consistentWithApprovedAnswer(facts, context.templates),
  };
  return criteriaOf(card).flatMap((c) => {
    const run = c.auto && decide[c.auto];
    if (!c.auto || !run) return [];
    const result = run();
    return [{ criterionId: c.id, check: c.auto, rating: asRating(c, result.verdict), ...result }];
  });
}

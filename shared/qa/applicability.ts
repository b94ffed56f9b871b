import type { Channel } from '../domain';
import type { Criterion, MessageKind } from './scorecard';

/** What a conversation holds, as far as criteria care: its channel and the kinds of message in it. */
export interface ConversationShape {
  channel: Channel;
  kinds: ReadonlySet<MessageKind>;
}

/**
 * The kinds of message a conversation holds: public posts and replies, private messages (DMs,
 * email, chat, private replies), a call transcript. Internal notes are the team's, not the
 * customer's conversation, and count as none.
 */
export function messageKinds(
  messages: readonly { direction: 'inbound' | 'outbound' | 'note' | 'transcript'; visibility: 'public' | 'private' }[],
): Set<MessageKind> {
  const kinds = new Set<MessageKind>();
  for (const m of messages) {
    if (m.direction === 'note') continue;
    if (m.direction === 'transcript') kinds.add('transcript');
    else kinds.add(m.visibility === 'public' ? 'public' : 'private');
  }
  return kinds;
}

/**
 * Whether a criterion applies to a conversation: its channel is among the criterion's channels
 * (none listed: every channel) and the conversation holds at least one of its message kinds (none
 * listed: any). Phone script adherence asks for a transcript; public tone for public posts.
 */
export function appliesTo(criterion: Pick<Criterion, 'channels' | 'messageKinds'>, shape: ConversationShape): boolean {
  if (criterion.channels.length > 0 && !criterion.channels.includes(shape.channel)) return false;
  return criterion.messageKinds.length === 0 || criterion.messageKinds.some((k) => shape.kinds.has(k));
}

/**
 * Criteria a review cannot be submitted without: those that apply and are critical (their
 * failure decides the score) or cannot be marked not applicable. Others left unrated leave the mean.
 */
export function unratedRequired(
  criteria: readonly Pick<Criterion, 'id' | 'label' | 'critical' | 'allowNa' | 'channels' | 'messageKinds'>[],
  ratings: Readonly<Record<string, unknown>>,
  shape: ConversationShape,
): { id: string; label: string; why: 'critical' | 'no_na' }[] {
  return criteria
    .filter((c) => (c.critical || !c.allowNa) && ratings[c.id] === undefined && appliesTo(c, shape))
    .map((c) => ({ id: c.id, label: c.label, why: c.critical ? 'critical' : 'no_na' }));
}

/** The sentence that says what to rate before submitting, naming each criterion and why. */
export function unratedSentence(missing: readonly { label: string; why: 'critical' | 'no_na' }[]): string {
  if (!missing.length) return '';
  const why = (m: { why: 'critical' | 'no_na' }) => (m.why === 'critical' ? 'critical' : 'cannot be not applicable');
  if (missing.length === 1) return `Rate “${missing[0]!.label}” before submitting (${why(missing[0]!)}).`;
  return `Rate these before submitting: ${missing.map((m) => `“${m.label}” (${why(m)})`).join(', ')}.`;
}

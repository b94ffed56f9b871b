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

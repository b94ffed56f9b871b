import { isPublicChannel, type Channel } from '../../shared/domain';
import { fillTemplate } from '../../shared/replyChecks';
import { toneFor } from '../../shared/tones';
import type { Template } from './rows';

/** The composer's choices that depend only on the conversation: pure, so tests pin them down. */

export type Visibility = 'public' | 'private';

export interface ReplyTarget {
  visibility: Visibility;
  label: string;
  /** Sent by email to the customer's address instead of on the conversation's channel. */
  via?: 'email';
}

export const targetKey = (t: { visibility: Visibility; via?: 'email' | undefined }) => t.via ?? t.visibility;

/** The tone a reply takes: an email is a formal email, whatever the thread it answers. */
export function replyTone(channel: Channel, t: { visibility: Visibility; via?: 'email' | undefined }) {
  return t.via === 'email' ? 'email' : toneFor(channel, t.visibility);
}

/**
 * A public channel offers a public reply or a private message; every other channel has one way
 * back. A social or chat thread can also be answered by email when the customer has an address.
 */
export function replyTargets(channel: Channel, emailAddress?: string | null): ReplyTarget[] {
  const email: ReplyTarget[] =
    emailAddress && channel !== 'email' && channel !== 'voice'
      ? [{ visibility: 'private', via: 'email', label: `Email to ${emailAddress}` }]
      : [];
  if (isPublicChannel(channel)) {
    return [
      { visibility: 'public', label: 'Public reply' },
      { visibility: 'private', label: 'Private message' },
      ...email,
    ];
  }
  const label: Record<Exclude<Channel, 'x_public' | 'facebook'>, string> = {
    x_dm: 'Direct message',
    messenger: 'Messenger message',
    email: 'Email reply',
    chat: 'Chat message',
    voice: 'Call script',
  };
  return [{ visibility: 'private', label: label[channel as keyof typeof label] }, ...email];
}

export function defaultVisibility(channel: Channel): Visibility {
  return isPublicChannel(channel) ? 'public' : 'private';
}

/** X counts a post's length its own way and stops at 280; direct messages are not posts. */
export function countsAsXPost(channel: Channel, visibility: Visibility): boolean {
  return channel === 'x_public' && visibility === 'public';
}

/** The longest body an op carries (shared/protocol.ts). */
export const MAX_BODY = 20_000;

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => [...w][0]!.toUpperCase())
    .join('');
}

/** The variables an approved answer may use here; a blank one stays `{name}` and is flagged. */
export function templateValues(input: {
  customerName: string;
  agentName: string;
  conversationId: string;
}): Record<string, string> {
  const firstName = input.customerName.trim().split(/\s+/)[0] ?? '';
  return {
    firstName,
    agentName: input.agentName.trim(),
    agentInitials: initials(input.agentName),
    caseId: input.conversationId,
  };
}

/** `{variables}` still in the text: the agent has to write those words before it can go. */
export function placeholdersLeft(text: string): string[] {
  return fillTemplate(text, {}).missing;
}

/** Templates whose title or topic holds every word of the query, by title. */
export function searchTemplates(templates: readonly Template[], query: string): Template[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return templates
    .filter((t) => {
      const hay = `${t.title} ${t.topic}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    })
    .sort((a, b) => a.title.localeCompare(b.title));
}

import { DISPOSITIONS, type ConversationStatus, type Presence } from '../../shared/domain';
import type { PersonalDataKind } from '../../shared/replyChecks';

/** How the conversation view names things, in the agent's words. */

export const STATUS_LABELS: Record<ConversationStatus, string> = {
  queued: 'Queued',
  offered: 'Offered',
  assigned: 'Open',
  wrap_up: 'Wrap-up',
  resolved: 'Resolved',
  reopened: 'Reopened',
};

/** A wrap-up disposition by its label; an unknown code (a newer server) as it came, made readable. */
export function dispositionLabel(code: string | null): string | null {
  if (!code) return null;
  return DISPOSITIONS.find((d) => d.code === code)?.label ?? humanize(code);
}

export const PRESENCE_LABELS: Record<Presence, string> = {
  available: 'available',
  busy: 'busy',
  after_call_work: 'after-call work',
  away: 'away',
  offline: 'offline',
};

const IDENTITY_KINDS: Record<string, string> = {
  x_handle: 'X',
  facebook_id: 'Facebook',
  email: 'Email',
  phone: 'Phone',
  chat_visitor: 'Web chat visitor',
};

export function identityKindLabel(kind: string): string {
  return IDENTITY_KINDS[kind] ?? humanize(kind);
}

export const PERSONAL_DATA_LABELS: Record<PersonalDataKind, string> = {
  email: 'an email address',
  phone: 'a phone number',
  reference: 'a reference number',
  card: 'a card number',
};

/** `same_name` → "Same name": keys and codes from the server, readable without a lookup table. */
export function humanize(code: string): string {
  const spaced = code.replaceAll('_', ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

/** Any value from the network as one line of text (objects as JSON); never markup. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** An evidence item as label/value pairs; a bare value becomes one pair. */
export function evidenceFields(item: unknown): [string, string][] {
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    return Object.entries(item as Record<string, unknown>).map(([k, v]) => [
      humanize(k),
      k === 'type' && typeof v === 'string' ? humanize(v) : asText(v),
    ]);
  }
  return [['Evidence', asText(item)]];
}

function listOf(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}

export interface OtherViewer {
  agentId: string;
  name: string;
  typing: boolean;
}

/** "Maya Chen is typing a reply. Sam Ortiz is also viewing." — empty when nobody else is here. */
export function collisionText(others: readonly OtherViewer[]): string {
  const name = (o: OtherViewer) => o.name || 'Another agent';
  const typing = others.filter((o) => o.typing).map(name);
  const viewing = others.filter((o) => !o.typing).map(name);
  const parts: string[] = [];
  if (typing.length) parts.push(`${listOf(typing)} ${typing.length > 1 ? 'are' : 'is'} typing a reply.`);
  if (viewing.length) parts.push(`${listOf(viewing)} ${viewing.length > 1 ? 'are' : 'is'} also viewing.`);
  return parts.join(' ');
}

/** The sentence of a failed command: a SyncRequestError's message is written for the agent. */
export function failureSentence(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message || 'Something went wrong on this computer.';
}

export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

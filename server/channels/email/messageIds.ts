import { createHash } from 'node:crypto';

/**
 * Message-IDs in one normal form everywhere (provider_message_id, thread keys, meta, the sender's
 * own ids): the id without its angle brackets, as written (ids are case-sensitive). `<a@b>` and
 * `a@b` are the same message.
 */

/** Longest id kept: providerMessageId and threadKey hold 512 characters. */
const MAX_ID_LENGTH = 500;
/** References kept for threading: the root and the newest ones (RFC 5322 §3.6.4 allows trimming). */
const MAX_REFERENCES = 50;

/** The normal form of one Message-ID, or null when it is not a usable id (empty, spaces, controls). */
export function normalMessageId(value: string | undefined | null): string | null {
  if (typeof value !== 'string') return null;
  let id = value.trim();
  if (id.startsWith('<')) id = id.slice(1);
  if (id.endsWith('>')) id = id.slice(0, -1);
  id = id.trim();
  // A msg-id is one token: no whitespace, no brackets, no control characters (RFC 5322 §3.6.4).
  if (!id || id.length > MAX_ID_LENGTH || /[\s<>\p{Cc}\p{Cs}\uFFFD]/u.test(id)) return null;
  return id;
}

/** Every usable id of a Message-ID list header (`<a@b> <c@d>`, or ids written without brackets). */
export function messageIdList(value: string | readonly string[] | undefined | null): string[] {
  if (value === undefined || value === null) return [];
  const text = typeof value === 'string' ? value : value.join(' ');
  const bracketed = [...text.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!);
  const tokens = bracketed.length > 0 ? bracketed : text.split(/[\s,]+/);
  const ids: string[] = [];
  for (const token of tokens) {
    const id = normalMessageId(token);
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The root and the newest references: enough to thread, bounded whatever a sender writes. */
export function trimReferences(ids: readonly string[]): string[] {
  if (ids.length <= MAX_REFERENCES) return [...ids];
  return [ids[0]!, ...ids.slice(ids.length - (MAX_REFERENCES - 1))];
}

/**
 * A stable id for a message that has no Message-ID: the hash of its raw bytes, so the same
 * message delivered twice is a duplicate. `.invalid` (RFC 2606) is never a real mail domain.
 */
export function messageIdFromBytes(raw: Buffer): string {
  return `sha256-${createHash('sha256').update(raw).digest('hex').slice(0, 40)}${GENERATED_DOMAIN}`;
}

const GENERATED_DOMAIN = '@switchboard.invalid';

/** An id we made up for a message that had none: no mail client knows it, so it is never sent. */
export const isGeneratedId = (id: string): boolean => id.endsWith(GENERATED_DOMAIN);

/** The header form of a normal id. */
export const bracketed = (id: string): string => `<${id}>`;

import { simpleParser, type Attachment, type HeaderValue, type ParsedMail } from 'mailparser';
import { messageIdFromBytes, messageIdList, normalMessageId, trimReferences } from './messageIds';
import { htmlToPlainText, sanitizeEmailHtml } from './sanitizeHtml';

/**
 * One raw MIME message (RFC 5322) as the backend takes it in, from the webhook or IMAP: who wrote
 * it, its text and sanitised HTML, its threading ids in normal form, and its attachments.
 */

export interface InboundEmail {
  /** Normal form (messageIds.ts); a hash of the raw bytes when the message has none. */
  messageId: string;
  inReplyTo: string[];
  /** Oldest first: the first is the thread's root. */
  references: string[];
  from: { address: string; name: string | null };
  replyTo: string | null;
  subject: string | null;
  text: string;
  html: string | null;
  htmlTruncated: boolean;
  /** When we got it (IMAP: when the mail server did): orders it among the agents' replies. */
  occurredAt: Date;
  /** The Date header, when readable: the sender's clock, kept for display only. */
  sentAt: Date | null;
  attachments: Attachment[];
}

export type ParsedEmail =
  | { kind: 'email'; email: InboundEmail }
  /** Nothing to store, and nothing wrong: mail we sent ourselves, or an automatic reply. */
  | { kind: 'ignored'; reason: 'own_address' | 'automatic'; detail: string }
  /** Not a message we can store: 400 with the reason. */
  | { kind: 'refused'; reason: string };

export interface ParseOptions {
  /** Our own address, lowercased (EMAIL_FROM). */
  ourAddress: string;
  /** When the message reached us or our mail server. */
  receivedAt: Date;
}

/** InteractionSchema's bounds: longer text is cut with a note rather than refused. */
const MAX_TEXT = 100_000;
const TEXT_CUT_NOTE = '\n[… message cut: longer than 100,000 characters]';
const MAX_SUBJECT = 1000;
const MAX_DISPLAY_NAME = 200;
const MAX_ADDRESS = 320;

export async function parseEmail(raw: Buffer, options: ParseOptions): Promise<ParsedEmail> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, {
      keepCidLinks: true,
      checksumAlgo: 'sha256',
      // Text from HTML is made from the sanitised HTML below (no tracker or script URLs in it).
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
    });
  } catch (err) {
    return { kind: 'refused', reason: `The body is not a MIME message: ${(err as Error).message}` };
  }

  const automatic = automaticReason(mail.headers);
  if (automatic) return { kind: 'ignored', reason: 'automatic', detail: automatic };

  const from = firstAddress(mail.from?.value ?? []);
  if (!from) {
    const written = mail.from?.text ? ` (it says "${mail.from.text.slice(0, 100)}")` : '';
    return {
      kind: 'refused',
      reason: `The message has no usable From address${written}: the customer could not be answered. Nothing was stored.`,
    };
  }
  if (from.address === options.ourAddress) {
    return { kind: 'ignored', reason: 'own_address', detail: `mail from our own address ${from.address}` };
  }

  const html = typeof mail.html === 'string' && mail.html.trim() ? sanitizeEmailHtml(mail.html) : null;
  let text = (mail.text ?? '').trim();
  if (!text && html) text = htmlToPlainText(html.full);
  if (text.length > MAX_TEXT) text = `${text.slice(0, MAX_TEXT - TEXT_CUT_NOTE.length)}${TEXT_CUT_NOTE}`;

  const subject = (mail.subject ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_SUBJECT);
  return {
    kind: 'email',
    email: {
      messageId: normalMessageId(mail.messageId) ?? messageIdFromBytes(raw),
      inReplyTo: messageIdList(mail.inReplyTo),
      references: trimReferences(messageIdList(mail.references)),
      from,
      replyTo: firstAddress(mail.replyTo?.value ?? [])?.address ?? null,
      subject: subject || null,
      text,
      html: html?.html || null,
      htmlTruncated: html?.truncated ?? false,
      occurredAt: options.receivedAt,
      sentAt: sentAt(mail),
      attachments: mail.attachments,
    },
  };
}

/**
 * Why a message is an automatic one we do not file as customer mail, or null. Auto-Submitted
 * other than "no" (RFC 3834: out-of-office, vacation and bounce messages), Precedence bulk, junk
 * or auto_reply (newsletters and older responders), the X-Autoreply/X-Autorespond headers, and
 * delivery or read reports (multipart/report). Precedence: list is kept: a support address that
 * is itself a group or list alias marks every customer's mail that way.
 */
function automaticReason(headers: Map<string, HeaderValue>): string | null {
  const autoSubmitted = headerText(headers.get('auto-submitted')).split(';')[0]!.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = headerText(headers.get('precedence')).trim().toLowerCase();
  if (['bulk', 'junk', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return 'an X-Autoreply header';
  const contentType = headerText(headers.get('content-type')).toLowerCase();
  if (contentType === 'multipart/report') return 'a delivery or read report (multipart/report)';
  return null;
}

function headerText(value: HeaderValue | undefined): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return headerText(value[0]);
  if (value && typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  return '';
}

interface MailboxLike {
  name?: string;
  address?: string;
  group?: MailboxLike[];
}

/** The first mailbox with a plausible address, groups flattened; the address lowercased. */
function firstAddress(list: readonly MailboxLike[]): { address: string; name: string | null } | null {
  for (const entry of list) {
    if (entry.group) {
      const inner = firstAddress(entry.group);
      if (inner) return inner;
      continue;
    }
    const address = (entry.address ?? '').trim().toLowerCase();
    const at = address.lastIndexOf('@');
    if (at < 1 || at === address.length - 1 || address.length > MAX_ADDRESS) continue;
    if (/[\s<>()[\],;:"\p{Cc}\uFFFD]/u.test(address)) continue;
    const name = (entry.name ?? '')
      .replace(/[\p{Cc}\uFFFD]/gu, '')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, MAX_DISPLAY_NAME);
    return { address, name: name && name.toLowerCase() !== address ? name : null };
  }
  return null;
}

/**
 * The Date header, if it is a date. Not the message's time in the conversation: a sender's clock
 * minutes off would put the customer's answer before the reply it answers.
 */
function sentAt(mail: ParsedMail): Date | null {
  // mailparser puts its own clock in `date` when the header is unreadable: read the line itself.
  const line = mail.headerLines.find((h) => h.key === 'date')?.line;
  if (!line) return null;
  const date = new Date(line.slice(line.indexOf(':') + 1).trim());
  if (Number.isNaN(date.getTime())) return null;
  const year = date.getUTCFullYear();
  return year >= 1970 && year <= 9999 ? date : null;
}

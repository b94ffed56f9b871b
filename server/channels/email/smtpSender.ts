import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer/lib/errors';
import type { Channel } from '../../../shared/domain';
import { DeliveryError, type ChannelContext, type ChannelSender, type OutboundReply, type SendResult } from '../types';
import { bracketed, isGeneratedId, normalMessageId, trimReferences } from './messageIds';
import { ourAddress } from './ourAddress';

/**
 * Agents' email replies out over SMTP (SMTP_URL), threaded so the customer's mail client files
 * them under their message: In-Reply-To their newest mail, References the thread. Our Message-ID
 * is minted from the reply's id, so a resend after a lost answer is the same message, and the
 * customer's answer to it finds its way back (threading.ts looks our ids up too).
 */

/** Where a social thread answered by email started, for the subject line. */
const NETWORK_NAMES: Partial<Record<Channel, string>> = {
  x_public: 'X',
  x_dm: 'X',
  facebook: 'Facebook',
  messenger: 'Messenger',
};

/** A reply to "Re: Re: Fwd: x" is "Re: x": the usual reply prefixes, in a few languages, once. */
const REPLY_PREFIXES = /^\s*(?:(?:re|aw|sv|antw|vs|ref|fwd?|wg)(?:\[\d+\])?\s*:\s*)+/i;

/** Retrying these cannot help: the configuration or the message itself is wrong. */
const PERMANENT_CODES = new Set(['ECONFIG', 'ENOAUTH', 'EENVELOPE', 'EMAXRECIPIENTS', 'EREQUIRETLS']);

export interface SmtpTimeouts {
  connectMs: number;
  greetingMs: number;
  /** Silence on an open connection. */
  idleMs: number;
}

/** Short: the dispatcher retries with backoff, so a hung server must not hold a delivery. */
const TIMEOUTS: SmtpTimeouts = { connectMs: 10_000, greetingMs: 10_000, idleMs: 30_000 };

export function createEmailSender(ctx: ChannelContext, timeouts: SmtpTimeouts = TIMEOUTS): ChannelSender {
  const from = ourAddress(ctx.config.EMAIL_FROM);
  const url = ctx.config.SMTP_URL;
  const transport = url
    ? nodemailer.createTransport({
        url,
        connectionTimeout: timeouts.connectMs,
        greetingTimeout: timeouts.greetingMs,
        socketTimeout: timeouts.idleMs,
        dnsTimeout: timeouts.connectMs,
      })
    : null;

  return {
    connector: 'email',
    channels: ['email'],
    async send(reply: OutboundReply): Promise<SendResult> {
      if (!transport)
        throw new DeliveryError('Email sending is not configured: set SMTP_URL.', false, 'not_configured');
      if (reply.recipient.kind !== 'email' || !reply.recipient.value.includes('@')) {
        throw new DeliveryError('The customer has no email address to send this reply to.', false, 'no_recipient');
      }
      const messageId = `${reply.messageId}@${from.domain}`;
      const threaded = reply.conversationChannel === 'email';
      const inReplyTo = threaded ? answeredId(reply) : null;
      const references = threaded
        ? trimReferences(
            reply.threadMessageIds
              .map((id) => normalMessageId(id))
              .filter((id): id is string => id !== null && !isGeneratedId(id)),
          )
        : [];
      try {
        await transport.sendMail({
          from: from.name ? { name: from.name, address: from.address } : from.address,
          to: reply.recipient.displayName
            ? { name: reply.recipient.displayName, address: reply.recipient.value }
            : reply.recipient.value,
          subject: threaded ? replySubject(reply.subject) : freshSubject(from.name, reply.conversationChannel),
          text: reply.body,
          messageId: bracketed(messageId),
          ...(inReplyTo ? { inReplyTo: bracketed(inReplyTo) } : {}),
          ...(references.length > 0 ? { references: references.map(bracketed).join(' ') } : {}),
        });
      } catch (err) {
        throw deliveryError(err as NodemailerError);
      }
      return { providerMessageId: messageId, meta: { messageId } };
    },
    close() {
      transport?.close();
      return Promise.resolve();
    },
  };
}

/** The customer's newest message, in normal form: its Message-ID as we stored it. */
function answeredId(reply: OutboundReply): string | null {
  if (!reply.inReplyTo) return null;
  const fromMeta = reply.inReplyTo.meta.messageId;
  const id = normalMessageId(typeof fromMeta === 'string' ? fromMeta : reply.inReplyTo.providerMessageId);
  return id && !isGeneratedId(id) ? id : null;
}

export function replySubject(subject: string | null): string {
  const bare = (subject ?? '').replace(REPLY_PREFIXES, '').trim();
  return `Re: ${bare || 'Your message'}`;
}

/** The subject of the first email on a thread that started elsewhere: where and with whom. */
export function freshSubject(brand: string | null, channel: Channel): string {
  if (channel === 'voice') return `Your call with ${brand ?? 'us'}`;
  if (channel === 'chat') return `Your chat with ${brand ?? 'us'}`;
  const network = NETWORK_NAMES[channel] ?? 'email';
  return brand ? `Your message to ${brand} on ${network}` : `Your message on ${network}`;
}

/** SMTP 4xx and no answer at all may pass later; 5xx (but 503, a session hiccup) never will. */
function deliveryError(err: NodemailerError): DeliveryError {
  const said = (err.response ?? err.message).replace(/\s+/g, ' ').trim().slice(0, 300);
  if (typeof err.responseCode === 'number' && err.responseCode >= 400) {
    const permanent = err.responseCode >= 500 && err.responseCode !== 503;
    return permanent
      ? new DeliveryError(`The mail server refused the reply: ${said}`, false)
      : new DeliveryError(`The mail server deferred the reply: ${said}`, true);
  }
  if (err.code && PERMANENT_CODES.has(err.code)) {
    return new DeliveryError(`The reply cannot be sent by email: ${said}`, false);
  }
  return new DeliveryError(`The mail server could not be reached: ${said}`, true);
}

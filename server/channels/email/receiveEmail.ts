import type { InteractionInput } from '../../../shared/ingest';
import type { ChannelContext, IngestBatchOutcome } from '../types';
import { attachmentSummary, planAttachments, storeAttachments, type AttachmentPlan } from './attachments';
import { ourAddress } from './ourAddress';
import { parseEmail, type InboundEmail } from './parseEmail';
import { threadKeyOf } from './threading';

/**
 * The one way an inbound email is taken in, from the webhook and from IMAP polling alike:
 * parse, skip our own and automatic mail, thread, store through `ctx.ingest`, then attachments.
 */
export type Received =
  | { status: 'refused'; reason: string }
  | { status: 'ignored'; reason: 'own_address' | 'automatic'; detail: string }
  | { status: 'ingested'; outcome: IngestBatchOutcome; attachments: number };

/** `receivedAt`: when the mail server got it (IMAP's INTERNALDATE); now when not given. */
export type EmailReceiver = (raw: Buffer, receivedAt?: Date) => Promise<Received>;

/** Reads EMAIL_FROM once: a wrong one stops the server at start, not every message. */
export function createEmailReceiver(ctx: ChannelContext): EmailReceiver {
  const own = ourAddress(ctx.config.EMAIL_FROM).address;
  return async (raw, receivedAt) => {
    const now = new Date(ctx.now());
    // A server clock ahead of ours must not date a message in our future.
    const at = receivedAt && receivedAt.getTime() < now.getTime() ? receivedAt : now;
    const parsed = await parseEmail(raw, { ourAddress: own, receivedAt: at });
    if (parsed.kind === 'refused') return { status: 'refused', reason: parsed.reason };
    if (parsed.kind === 'ignored') return { status: 'ignored', reason: parsed.reason, detail: parsed.detail };

    const { email } = parsed;
    const plan = planAttachments(email.attachments, ctx.config.EMAIL_MAX_ATTACHMENT_BYTES);
    const threadKey = await threadKeyOf(ctx.db, email);
    const outcome = await ctx.ingest('email', [toInteraction(email, threadKey, plan)]);
    // Also on a duplicate: a redelivery fills in attachments a stop in between left unstored.
    const result = outcome.status === 'stored' ? outcome.results[0] : undefined;
    const attachments = result?.messageId ? await storeAttachments(ctx.db, result.messageId, plan, now) : 0;
    return { status: 'ingested', outcome, attachments };
  };
}

export function toInteraction(email: InboundEmail, threadKey: string, plan: AttachmentPlan): InteractionInput {
  const meta: NonNullable<InteractionInput['meta']> = {
    messageId: email.messageId,
    inReplyTo: email.inReplyTo[0] ?? null,
    references: email.references.join(' ') || null,
  };
  if (email.replyTo && email.replyTo !== email.from.address) meta.replyTo = email.replyTo;
  if (email.html) meta.html = email.html;
  if (email.htmlTruncated) meta.htmlTruncated = true;
  if (email.sentAt) meta.sentAt = email.sentAt.toISOString();
  if (plan.rows.length > 0) {
    meta.attachmentCount = plan.rows.length + plan.omitted;
    meta.attachments = attachmentSummary(plan);
  }
  const text =
    email.text || (plan.rows.length > 0 ? `[Attachments: ${plan.rows.map((r) => r.filename).join(', ')}]` : '');
  return {
    provider: 'email',
    providerMessageId: email.messageId,
    channel: 'email',
    threadKey,
    kind: 'message',
    author: {
      kind: 'email',
      value: email.from.address,
      ...(email.from.name ? { displayName: email.from.name } : {}),
    },
    text: text.slice(0, 100_000),
    ...(email.subject ? { subject: email.subject } : {}),
    occurredAt: email.occurredAt.toISOString(),
    meta,
  };
}

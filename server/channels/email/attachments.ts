import type { Attachment } from 'mailparser';
import type { Db } from '../../db/db';

/**
 * Files that came with an inbound email, kept beside the message (migration 007). A file over
 * EMAIL_MAX_ATTACHMENT_BYTES gets a row without content and a reason the agent can read, so the
 * conversation still says it was sent.
 */

/** Rows kept per message: a MIME bomb of ten thousand tiny parts does not become ten thousand rows. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 50;

export interface PlannedAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  /** The Content-ID without brackets, for `cid:` images in the message's HTML. */
  contentId: string | null;
  content: Buffer | null;
  skippedReason: string | null;
}

export interface AttachmentPlan {
  rows: PlannedAttachment[];
  /** Attachments past MAX_ATTACHMENTS_PER_MESSAGE: named in the summary only. */
  omitted: number;
}

export function planAttachments(attachments: readonly Attachment[], maxBytes: number): AttachmentPlan {
  const rows = attachments.slice(0, MAX_ATTACHMENTS_PER_MESSAGE).map((a, index): PlannedAttachment => {
    const size = a.content.length;
    const tooLarge = size > maxBytes;
    return {
      filename: safeFilename(a.filename, index),
      contentType: safeContentType(a.contentType),
      size,
      sha256: a.checksum,
      contentId: a.cid ? a.cid.replace(/[\p{Cc}<>\s]/gu, '').slice(0, 500) || null : null,
      content: tooLarge ? null : a.content,
      skippedReason: tooLarge
        ? `Not stored: ${formatBytes(size)} is over the ${formatBytes(maxBytes)} limit for attachments (EMAIL_MAX_ATTACHMENT_BYTES). Ask the customer to send a smaller file or a link.`
        : null,
    };
  });
  return { rows, omitted: Math.max(0, attachments.length - rows.length) };
}

/** One line for the message's meta: what came with it, and what was not kept. */
export function attachmentSummary(plan: AttachmentPlan): string {
  const parts = plan.rows.map(
    (r) => `${r.filename} (${r.contentType}, ${formatBytes(r.size)}${r.content ? '' : ', not stored: too large'})`,
  );
  if (plan.omitted > 0) parts.push(`${plan.omitted} more not stored (over ${MAX_ATTACHMENTS_PER_MESSAGE} per message)`);
  const summary = parts.join('; ');
  return summary.length > 2000 ? `${summary.slice(0, 1999)}…` : summary;
}

/**
 * Stores the attachments of a stored message once. A redelivery of a message whose attachments
 * were not stored (the process stopped between the two) fills them in; otherwise it is a no-op.
 */
export async function storeAttachments(db: Db, messageId: string, plan: AttachmentPlan, now: Date): Promise<number> {
  if (plan.rows.length === 0) return 0;
  return db.transaction(async (tx) => {
    // The message row lock serialises two redeliveries racing on PostgreSQL.
    const { rows: message } = await tx.query('select id from messages where id = $1 for update', [messageId]);
    if (message.length === 0) return 0;
    const { rows: existing } = await tx.query('select 1 from attachments where message_id = $1 limit 1', [messageId]);
    if (existing.length > 0) return 0;
    for (const row of plan.rows) {
      await tx.query(
        `insert into attachments (id, message_id, filename, content_type, size, sha256, content_id, content, skipped_reason, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          crypto.randomUUID(),
          messageId,
          row.filename,
          row.contentType,
          row.size,
          row.sha256,
          row.contentId,
          row.content,
          row.skippedReason,
          now,
        ],
      );
    }
    return plan.rows.length;
  });
}

/** A name to show and to save as: no path, no control characters, never empty. */
function safeFilename(name: string | undefined, index: number): string {
  const base = (name ?? '')
    .split(/[/\\]/)
    .pop()!
    .replace(/[\p{Cc}\p{Cf}\uFFFD]/gu, '')
    .trim()
    .slice(0, 255);
  return base && base !== '.' && base !== '..' ? base : `attachment-${index + 1}`;
}

function safeContentType(type: string | undefined): string {
  const value = (type ?? '').toLowerCase().trim();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(value)
    ? value
    : 'application/octet-stream';
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

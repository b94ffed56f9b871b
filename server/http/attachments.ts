import type { FastifyInstance } from 'fastify';
import type { AccessClaims, TokenIssuer } from '../auth/tokens';
import type { Db } from '../db/db';
import { conversationAudience } from '../store/publish';
import { canSee } from '../sync/audience';
import { claimsOf, routeGuards } from './auth';
import { sendError } from './errors';

/** Types a browser would render or run if opened: always downloaded as bytes instead. */
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml|image\/svg|text\/xml|application\/xml|text\/javascript|application\/javascript)/iu;

interface AttachmentRow {
  id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size: number | string;
  sha256: string;
  content_id: string | null;
  skipped_reason: string | null;
  conversation_id: string;
  assigned_agent_id: string | null;
}

/**
 * Files that came with inbound email, for whoever may see the message's conversation (its agent,
 * their team's leads, admins; every lead while it is queued): the list of a message's files, and
 * one file's bytes, always as a download (`nosniff`, active types as octet-stream), since a
 * customer's file is hostile input.
 */
export function registerAttachmentRoutes(app: FastifyInstance, deps: { db: Db; tokens: TokenIssuer }): void {
  const { requireRole } = routeGuards(deps.tokens);
  const anyone = { preHandler: requireRole(['agent', 'lead', 'admin']) };
  const mayOpen = async (viewer: AccessClaims, assignee: string | null) =>
    canSee(viewer, await conversationAudience(deps.db, { assigned_agent_id: assignee }));

  const select = `select a.id, a.message_id, a.filename, a.content_type, a.size, a.sha256, a.content_id, a.skipped_reason,
      m.conversation_id, c.assigned_agent_id
    from attachments a join messages m on m.id = a.message_id join conversations c on c.id = m.conversation_id`;

  app.get('/api/messages/:id/attachments', anyone, async (request, reply) => {
    const viewer = claimsOf(request);
    const { id } = request.params as { id: string };
    const { rows: messages } = await deps.db.query<{ assigned_agent_id: string | null }>(
      'select c.assigned_agent_id from messages m join conversations c on c.id = m.conversation_id where m.id = $1',
      [id],
    );
    // Not found and not yours answer alike: a message id reveals nothing.
    if (!messages[0] || !(await mayOpen(viewer, messages[0].assigned_agent_id)))
      return sendError(reply, 404, 'not_found', 'No such message among your conversations.');
    const { rows } = await deps.db.query<AttachmentRow>(
      `${select} where a.message_id = $1 order by a.created_at, a.id`,
      [id],
    );
    return {
      attachments: rows.map((a) => ({
        id: a.id,
        filename: a.filename,
        contentType: a.content_type,
        size: Number(a.size),
        contentId: a.content_id,
        skippedReason: a.skipped_reason,
      })),
    };
  });

  app.get('/api/attachments/:id', anyone, async (request, reply) => {
    const viewer = claimsOf(request);
    const { id } = request.params as { id: string };
    const { rows } = await deps.db.query<AttachmentRow>(`${select} where a.id = $1`, [id]);
    const row = rows[0];
    if (!row || !(await mayOpen(viewer, row.assigned_agent_id)))
      return sendError(reply, 404, 'not_found', 'No such attachment among your conversations.');
    if (row.skipped_reason) return sendError(reply, 410, 'not_stored', `This file was not kept: ${row.skipped_reason}`);
    const { rows: content } = await deps.db.query<{ content: Buffer }>(
      'select content from attachments where id = $1',
      [id],
    );
    const type = ACTIVE_TYPES.test(row.content_type) ? 'application/octet-stream' : row.content_type;
    return reply
      .header('content-type', type)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.filename)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(content[0]?.content ?? Buffer.alloc(0));
  });
}

import type { FastifyInstance } from 'fastify';
import {
  ScorecardDraftInputSchema,
  ScorecardVersionSchema,
  type Section,
  type ScorecardVersionView,
} from '../../shared/qa/scorecard';
import { describeIssues } from '../../shared/settings';
import type { TokenIssuer } from '../auth/tokens';
import type { Db, Queryable } from '../db/db';
import { claimsOf, routeGuards } from '../http/auth';
import { sendError } from '../http/errors';
import { withChanges, type PendingChange } from '../sync/changeLog';

interface VersionRow {
  scorecard_id: string;
  version: number;
  definition: { name: string; sections: Section[] };
  published_at: Date | null;
}

export function scorecardView(row: VersionRow): ScorecardVersionView {
  return {
    id: `${row.scorecard_id}@${row.version}`,
    scorecardId: row.scorecard_id,
    version: row.version,
    name: row.definition.name,
    sections: row.definition.sections,
    status: row.published_at ? 'published' : 'draft',
    publishedAt: row.published_at?.toISOString() ?? null,
  };
}

/**
 * Scorecards for admins and leads (issue 8): create one (its first draft), replace the draft,
 * publish it as the next version. A published version is never changed, so a review keeps the
 * version it was scored with; published versions go to everyone through the change log (agents
 * see what they are scored on).
 */
export function registerScorecardRoutes(
  app: FastifyInstance,
  deps: { db: Db; tokens: TokenIssuer; push: (changes: PendingChange[]) => void; now: () => number },
): void {
  const { requireRole } = routeGuards(deps.tokens);
  const leads = { preHandler: requireRole(['lead', 'admin']) };

  /** The draft as sent, checked as a whole version would be (unique criterion ids included). */
  const parseDraft = (body: unknown, scorecardId: string, version: number) => {
    const input = ScorecardDraftInputSchema.safeParse(body);
    if (!input.success) return { ok: false as const, error: describeIssues(input.error) };
    const card = ScorecardVersionSchema.safeParse({ scorecardId, version, ...input.data });
    if (!card.success) return { ok: false as const, error: describeIssues(card.error) };
    return { ok: true as const, definition: { name: card.data.name, sections: card.data.sections } };
  };

  const versionsOf = async (tx: Queryable, scorecardId: string) =>
    (
      await tx.query<VersionRow>(
        'select scorecard_id, version, definition, published_at from scorecard_versions where scorecard_id = $1 order by version',
        [scorecardId],
      )
    ).rows;

  app.get('/api/scorecards', leads, async () => {
    const { rows } = await deps.db.query<VersionRow>(
      `select v.scorecard_id, v.version, v.definition, v.published_at from scorecard_versions v
       join scorecards s on s.id = v.scorecard_id where s.archived_at is null order by s.created_at, v.version`,
    );
    return { versions: rows.map(scorecardView) };
  });

  app.post('/api/scorecards', leads, async (request, reply) => {
    const id = crypto.randomUUID();
    const parsed = parseDraft(request.body, id, 1);
    if (!parsed.ok) return sendError(reply, 400, 'invalid_scorecard', parsed.error);
    const row = await deps.db.transaction(async (tx) => {
      await tx.query('insert into scorecards (id, name, created_by) values ($1, $2, $3)', [
        id,
        parsed.definition.name,
        claimsOf(request).agentId,
      ]);
      const { rows } = await tx.query<VersionRow>(
        `insert into scorecard_versions (scorecard_id, version, definition) values ($1, 1, $2)
         returning scorecard_id, version, definition, published_at`,
        [id, JSON.stringify(parsed.definition)],
      );
      return rows[0]!;
    });
    return reply.code(201).send(scorecardView(row));
  });

  app.put('/api/scorecards/:id/draft', leads, async (request, reply) => {
    const { id } = request.params as { id: string };
    const row = await deps.db.transaction(async (tx) => {
      const { rows: cards } = await tx.query('select 1 from scorecards where id = $1 for update', [id]);
      if (!cards.length) return 'not_found' as const;
      const versions = await versionsOf(tx, id);
      const draft = versions.find((v) => !v.published_at);
      const version = draft?.version ?? (versions.at(-1)?.version ?? 0) + 1;
      const parsed = parseDraft(request.body, id, version);
      if (!parsed.ok) return parsed;
      const { rows } = await tx.query<VersionRow>(
        `insert into scorecard_versions (scorecard_id, version, definition) values ($1, $2, $3)
         on conflict (scorecard_id, version) do update set definition = excluded.definition, updated_at = now()
           where scorecard_versions.published_at is null
         returning scorecard_id, version, definition, published_at`,
        [id, version, JSON.stringify(parsed.definition)],
      );
      return rows[0]!;
    });
    if (row === 'not_found') return sendError(reply, 404, 'not_found', 'No such scorecard.');
    if ('ok' in row) return sendError(reply, 400, 'invalid_scorecard', row.error);
    return scorecardView(row);
  });

  app.post('/api/scorecards/:id/publish', leads, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { value, changes } = await withChanges(deps.db, async (tx, changes) => {
      const { rows: cards } = await tx.query('select 1 from scorecards where id = $1 for update', [id]);
      if (!cards.length) return 'not_found' as const;
      const { rows } = await tx.query<VersionRow>(
        `update scorecard_versions set published_at = $2, published_by = $3
         where scorecard_id = $1 and published_at is null
         returning scorecard_id, version, definition, published_at`,
        [id, new Date(deps.now()), claimsOf(request).agentId],
      );
      const row = rows[0];
      if (!row) return 'no_draft' as const;
      await tx.query('update scorecards set name = $2 where id = $1', [id, row.definition.name]);
      const view = scorecardView(row);
      changes.append('scorecard', view.id, { ...view }, { all: true });
      return view;
    });
    deps.push(changes);
    if (value === 'not_found') return sendError(reply, 404, 'not_found', 'No such scorecard.');
    if (value === 'no_draft')
      return sendError(reply, 409, 'no_draft', 'Nothing to publish: this scorecard has no draft. Edit it first.');
    return value;
  });
}

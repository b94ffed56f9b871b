import type { Change, PullResponse } from '../../shared/protocol';
import type { Db, Queryable } from '../db/db';
import type { Audience, Viewer } from './audience';

export interface PendingChange {
  change: Change;
  audience: Audience;
}

/**
 * Collects the changes one transaction writes. The first append takes a transaction-scoped
 * advisory lock, so on PostgreSQL change seqs are committed in seq order and a pull by cursor can
 * never skip a change that commits late.
 */
export class ChangeWriter {
  readonly written: PendingChange[] = [];
  private locked = false;

  constructor(private readonly tx: Queryable) {}

  async append(
    entity: Change['entity'],
    id: string,
    data: Record<string, unknown> | null,
    audience: Audience,
  ): Promise<number> {
    if (!this.locked) {
      await this.tx.query('select pg_advisory_xact_lock(7305002)');
      this.locked = true;
    }
    const { rows } = await this.tx.query<{ seq: number; at: Date }>(
      `insert into changes (entity, entity_id, data, audience_all, audience_leads, audience_agent, audience_team)
       values ($1, $2, $3, $4, $5, $6, $7) returning seq, at`,
      [
        entity,
        id,
        data === null ? null : JSON.stringify(data),
        Boolean(audience.all),
        Boolean(audience.leads),
        audience.agentId ?? null,
        audience.teamId ?? null,
      ],
    );
    const row = rows[0]!;
    this.written.push({ change: { seq: row.seq, entity, id, data, at: row.at.toISOString() }, audience });
    return row.seq;
  }

  get lastSeq(): number | undefined {
    return this.written.at(-1)?.change.seq;
  }
}

/** Pull by cursor: the changes after `cursor` this viewer may see, oldest first. */
export async function pullChanges(db: Db, viewer: Viewer, cursor: number, limit: number): Promise<PullResponse> {
  const { rows: bounds } = await db.query<{ min: number | null; max: number | null }>(
    'select min(seq) as min, max(seq) as max from changes',
  );
  const min = bounds[0]?.min ?? null;
  const max = bounds[0]?.max ?? 0;
  // A cursor from another database (ahead of us) or older than what we keep cannot be continued.
  if (cursor > (max ?? 0) || (cursor > 0 && min !== null && cursor < min - 1))
    return { reset_required: true, cursor: 0 };
  const isLead = viewer.role === 'lead';
  const { rows } = await db.query<{
    seq: number;
    entity: Change['entity'];
    entity_id: string;
    data: Record<string, unknown> | null;
    at: Date;
  }>(
    `select seq, entity, entity_id, data, at from changes
     where seq > $1 and (
       $5 or audience_all or audience_agent = $2
       or ($3 and (audience_leads or (audience_team is not null and audience_team = $4)))
     )
     order by seq limit $6`,
    [cursor, viewer.agentId, isLead, viewer.teamId, viewer.role === 'admin', limit + 1],
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const changes = page.map((r) => ({
    seq: r.seq,
    entity: r.entity,
    id: r.entity_id,
    data: r.data,
    at: r.at.toISOString(),
  }));
  // With nothing visible left, the cursor still moves to the newest seq, so the next pull is short.
  const next = more ? (changes.at(-1)?.seq ?? cursor) : Math.max(cursor, max ?? 0, changes.at(-1)?.seq ?? 0);
  return { changes, cursor: next, more };
}

import type { Change, PullResponse } from '../../shared/protocol';
import type { Db, Queryable } from '../db/db';
import type { Audience, Viewer } from './audience';

export interface PendingChange {
  change: Change;
  audience: Audience;
}

interface Buffered {
  entity: Change['entity'];
  id: string;
  data: Record<string, unknown> | null;
  audience: Audience;
}

/**
 * Collects the changes one transaction writes and inserts them in one statement at `flush`,
 * just before commit. On PostgreSQL the flush first takes a transaction-scoped advisory lock, so
 * change seqs commit in seq order and a pull by cursor never skips a change that commits late;
 * PGlite has one connection, so its transactions are already serial.
 */
export class ChangeWriter {
  readonly written: PendingChange[] = [];
  private readonly pending: Buffered[] = [];

  constructor(
    private readonly tx: Queryable,
    private readonly serialiseCommits: boolean,
  ) {}

  append(entity: Change['entity'], id: string, data: Record<string, unknown> | null, audience: Audience): void {
    this.pending.push({ entity, id, data, audience });
  }

  /** Forgets what was appended since the last flush (a rejected op's effects). */
  discard(): void {
    this.pending.length = 0;
  }

  async flush(): Promise<void> {
    if (!this.pending.length) return;
    if (this.serialiseCommits) await this.tx.query('select pg_advisory_xact_lock(7305002)');
    const p = this.pending;
    const { rows } = await this.tx.query<{ seq: number; at: Date }>(
      `insert into changes (entity, entity_id, data, audience_all, audience_leads, audience_agent, audience_team)
       select * from unnest($1::text[], $2::text[], $3::jsonb[], $4::bool[], $5::bool[], $6::text[], $7::text[])
       returning seq, at`,
      [
        p.map((c) => c.entity),
        p.map((c) => c.id),
        p.map((c) => (c.data === null ? null : JSON.stringify(c.data))),
        p.map((c) => Boolean(c.audience.all)),
        p.map((c) => Boolean(c.audience.leads)),
        p.map((c) => c.audience.agentId ?? null),
        p.map((c) => c.audience.teamId ?? null),
      ],
    );
    // Seqs are drawn in row order, so sorted seqs line up with the buffer's order.
    rows.sort((a, b) => a.seq - b.seq);
    p.forEach((c, i) => {
      const row = rows[i]!;
      this.written.push({
        change: { seq: row.seq, entity: c.entity, id: c.id, data: c.data, at: row.at.toISOString() },
        audience: c.audience,
      });
    });
    this.pending.length = 0;
  }

  get lastSeq(): number | undefined {
    return this.written.at(-1)?.change.seq;
  }
}

/**
 * A transaction with a change writer, flushed just before commit. Returns what `fn` returned and
 * the changes written, to push once the commit is done.
 */
export async function withChanges<T>(
  db: Db,
  fn: (tx: Queryable, changes: ChangeWriter) => Promise<T>,
): Promise<{ value: T; changes: PendingChange[] }> {
  return db.transaction(async (tx) => {
    const writer = new ChangeWriter(tx, db.kind === 'postgres');
    const value = await fn(tx, writer);
    await writer.flush();
    return { value, changes: writer.written };
  });
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

import type { Db, Queryable } from '../db/db';
import { withChanges, type ChangeWriter } from '../sync/changeLog';
import type { Audience } from '../sync/audience';
import { agentData, type AgentRow } from './rows';

/**
 * What every signed-in user sees of the tenant: colleagues (name, team, skills: the transfer list
 * and the departments an agent can escalate to) and the approved answers the composer renders.
 * Both change rarely, so publishing them to everyone costs little. Presence is not in it: it
 * changes all day, and sending each change to every agent is n² pushes (B7 measured 520,117 for
 * 1,000 agents going available); it goes to the agent and the leads only.
 */
export const DIRECTORY_AUDIENCE: Audience = { all: true };

function directoryData(row: AgentRow) {
  const { presence: _presence, presenceChangedAt: _at, capacity: _capacity, ...entry } = agentData(row);
  return entry;
}

/** A colleague as everyone sees them: when an agent is created or their skills change. */
export function publishDirectoryEntry(changes: ChangeWriter, row: AgentRow): void {
  changes.append('agent', row.id, directoryData(row), DIRECTORY_AUDIENCE);
}

/** The agent's own row, presence included, to them and to the leads who watch the floor. */
export function publishAgent(changes: ChangeWriter, row: AgentRow): void {
  changes.append('agent', row.id, agentData(row), { agentId: row.id, leads: true });
}

interface TemplateRow {
  id: string;
  topic: string;
  title: string;
  renderings: Record<string, string>;
}

export async function publishTemplate(tx: Queryable, changes: ChangeWriter, id: string): Promise<void> {
  const { rows } = await tx.query<TemplateRow>('select id, topic, title, renderings from templates where id = $1', [
    id,
  ]);
  const t = rows[0];
  changes.append(
    'template',
    id,
    t ? { id: t.id, topic: t.topic, title: t.title, renderings: t.renderings } : null,
    DIRECTORY_AUDIENCE,
  );
}

/** Publishes every agent and template as they are now: after seeding, so a first pull has them. */
export async function publishDirectory(db: Db): Promise<void> {
  await withChanges(db, async (tx, changes) => {
    const { rows: agents } = await tx.query<AgentRow>('select * from agents order by id');
    for (const a of agents) publishDirectoryEntry(changes, a);
    const { rows: templates } = await tx.query<{ id: string }>('select id from templates order by id');
    for (const t of templates) await publishTemplate(tx, changes, t.id);
  });
}

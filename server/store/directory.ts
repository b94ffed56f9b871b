import type { Db, Queryable } from '../db/db';
import { withChanges, type ChangeWriter } from '../sync/changeLog';
import type { Audience } from '../sync/audience';
import { agentData, type AgentRow } from './rows';

/**
 * What every signed-in user sees of the tenant: colleagues (name, team, skills, presence: the
 * transfer list and the departments an agent can escalate to) and the approved answers the
 * composer renders. Both change rarely, so publishing them to everyone costs little.
 */
export const DIRECTORY_AUDIENCE: Audience = { all: true };

export function publishAgent(changes: ChangeWriter, row: AgentRow): void {
  changes.append('agent', row.id, agentData(row), DIRECTORY_AUDIENCE);
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
    for (const a of agents) publishAgent(changes, a);
    const { rows: templates } = await tx.query<{ id: string }>('select id from templates order by id');
    for (const t of templates) await publishTemplate(tx, changes, t.id);
  });
}

import type { Queryable } from '../db/db';
import { publishConversation, publishCustomer } from '../store/publish';
import { conversationData, type ConversationRow, type IdentityRow, type SuggestionRow } from '../store/rows';
import type { Audience, Viewer } from './audience';
import { applied, reject, type OpContext, type OpRule, type RuleOutcome } from './opContext';

/** Agents may act on the customers of open conversations they hold; leads and admins on any. */
async function mayActOn(tx: Queryable, viewer: Viewer, customerIds: string[]): Promise<boolean> {
  if (viewer.role !== 'agent') return true;
  const { rows } = await tx.query(
    "select 1 from conversations where assigned_agent_id = $1 and customer_id = any($2) and status <> 'resolved' limit 1",
    [viewer.agentId, customerIds],
  );
  return rows.length > 0;
}

function customerAudience(viewer: Viewer): Audience {
  return { agentId: viewer.agentId, leads: true };
}

async function loadSuggestion(ctx: OpContext, id: string): Promise<SuggestionRow | RuleOutcome> {
  const { rows } = await ctx.tx.query<SuggestionRow>('select * from identity_suggestions where id = $1 for update', [
    id,
  ]);
  const s = rows[0];
  if (!s) return reject('not_found', 'This link suggestion does not exist.');
  if (s.status !== 'pending') return reject('suggestion_decided', `This suggestion was already ${s.status}.`);
  if (!(await mayActOn(ctx.tx, ctx.viewer, [s.customer_id, s.other_customer_id]))) return reject('forbidden');
  return s;
}

/** Confirming merges the other customer into this one, recorded with its evidence. */
export const linkRule: OpRule<'customer.link'> = async (op, ctx) => {
  const s = await loadSuggestion(ctx, op.payload.suggestionId);
  if (!('customer_id' in s)) return s;
  const { tx } = ctx;
  await tx.query('update identities set customer_id = $1 where customer_id = $2', [s.customer_id, s.other_customer_id]);
  const { rows: moved } = await tx.query<ConversationRow>(
    'update conversations set customer_id = $1 where customer_id = $2 returning *',
    [s.customer_id, s.other_customer_id],
  );
  await tx.query('update customers set merged_into = $1 where id = $2', [s.customer_id, s.other_customer_id]);
  await tx.query(
    "update identity_suggestions set status = 'confirmed', decided_by = $2, decided_at = $3 where id = $1",
    [s.id, ctx.viewer.agentId, ctx.now],
  );
  await tx.query(
    "insert into identity_events (kind, customer_id, other_customer_id, agent_id, evidence) values ('merge', $1, $2, $3, $4)",
    [s.customer_id, s.other_customer_id, ctx.viewer.agentId, JSON.stringify(s.evidence)],
  );
  const audience = customerAudience(ctx.viewer);
  await publishCustomer(tx, ctx.changes, s.other_customer_id, audience);
  await publishCustomer(tx, ctx.changes, s.customer_id, audience);
  // The other customer's conversations are this customer's now: whoever sees one gets its new
  // customer, and the agent who linked gets them all for the customer's journey.
  for (const conversation of moved) {
    const own = await publishConversation(tx, ctx.changes, conversation);
    if (own.agentId !== ctx.viewer.agentId) {
      ctx.changes.append('conversation', conversation.id, conversationData(conversation), {
        agentId: ctx.viewer.agentId,
      });
    }
  }
  ctx.changes.append('suggestion', s.id, { ...s, status: 'confirmed' }, audience);
  return applied;
};

export const refuseLinkRule: OpRule<'customer.refuse_link'> = async (op, ctx) => {
  const s = await loadSuggestion(ctx, op.payload.suggestionId);
  if (!('customer_id' in s)) return s;
  await ctx.tx.query(
    "update identity_suggestions set status = 'refused', decided_by = $2, decided_at = $3 where id = $1",
    [s.id, ctx.viewer.agentId, ctx.now],
  );
  ctx.changes.append(
    'suggestion',
    s.id,
    {
      id: s.id,
      customerId: s.customer_id,
      otherCustomerId: s.other_customer_id,
      evidence: s.evidence,
      status: 'refused',
      decidedBy: ctx.viewer.agentId,
    },
    customerAudience(ctx.viewer),
  );
  return applied;
};

/** Unlinking splits one identity off into a customer of its own, recorded. */
export const unlinkRule: OpRule<'customer.unlink'> = async (op, ctx) => {
  const { rows } = await ctx.tx.query<IdentityRow>('select * from identities where id = $1 for update', [
    op.payload.identityId,
  ]);
  const identity = rows[0];
  if (!identity) return reject('not_found', 'This identity does not exist.');
  if (!(await mayActOn(ctx.tx, ctx.viewer, [identity.customer_id]))) return reject('forbidden');
  const { rows: count } = await ctx.tx.query<{ n: number }>(
    'select count(*)::int as n from identities where customer_id = $1',
    [identity.customer_id],
  );
  if ((count[0]?.n ?? 0) < 2) return reject('stale', 'A customer keeps at least one identity.');
  const newId = crypto.randomUUID();
  await ctx.tx.query('insert into customers (id, display_name) values ($1, $2)', [
    newId,
    identity.display_name ?? identity.value,
  ]);
  await ctx.tx.query('update identities set customer_id = $1 where id = $2', [newId, identity.id]);
  await ctx.tx.query(
    "insert into identity_events (kind, customer_id, other_customer_id, identity_id, agent_id) values ('split', $1, $2, $3, $4)",
    [identity.customer_id, newId, identity.id, ctx.viewer.agentId],
  );
  const audience = customerAudience(ctx.viewer);
  await publishCustomer(ctx.tx, ctx.changes, identity.customer_id, audience);
  await publishCustomer(ctx.tx, ctx.changes, newId, audience);
  return applied;
};

import { offerData, type AgentRow, type ConversationRow, type OfferRow } from '../store/rows';
import { publishAgent } from '../store/directory';
import { loadConversation, publishConversation } from '../store/publish';
import { applied, reject, type OpRule } from './opContext';

export const presenceRule: OpRule<'presence.set'> = async (op, ctx) => {
  const { rows } = await ctx.tx.query<AgentRow>('select * from agents where id = $1 for update', [ctx.viewer.agentId]);
  const agent = rows[0];
  if (!agent) return reject('not_found', 'Your agent record is gone; sign in again.');
  // Presence keeps only the newest: a toggle queued offline earlier than the current state is moot.
  // A device clock ahead of ours must not freeze presence: never later than the server's now.
  const at = new Date(Math.min(new Date(op.createdAt).getTime(), ctx.now.getTime()));
  if (at < agent.presence_changed_at) return applied;
  const { rows: updated } = await ctx.tx.query<AgentRow>(
    `update agents set presence = $2, presence_changed_at = $3,
       idle_since = case when $2 = 'available' and presence <> 'available' then $4 else idle_since end
     where id = $1 returning *`,
    [agent.id, op.payload.presence, at, ctx.now],
  );
  publishAgent(ctx.changes, updated[0]!);
  ctx.afterCommit((hooks) => hooks.presenceChanged(agent.id, op.payload.presence));
  return applied;
};

async function pendingOffer(ctx: Parameters<OpRule<'offer.accept'>>[1], conversationId: string) {
  const { rows } = await ctx.tx.query<OfferRow>(
    "select * from offers where conversation_id = $1 and agent_id = $2 and status = 'pending' for update",
    [conversationId, ctx.viewer.agentId],
  );
  return rows[0];
}

async function whyNotOffered(ctx: Parameters<OpRule<'offer.accept'>>[1], row: ConversationRow | undefined) {
  if (!row) return reject('not_found', 'This conversation does not exist.');
  if (row.assigned_agent_id && row.assigned_agent_id !== ctx.viewer.agentId) {
    const { rows } = await ctx.tx.query<{ name: string }>('select name from agents where id = $1', [
      row.assigned_agent_id,
    ]);
    return reject('already_assigned', `${rows[0]?.name ?? 'Another agent'} has this conversation.`);
  }
  const { rows: expired } = await ctx.tx.query(
    "select 1 from offers where conversation_id = $1 and agent_id = $2 and status = 'expired'",
    [row.id, ctx.viewer.agentId],
  );
  return expired.length
    ? reject('offer_expired', 'The offer expired before you answered.')
    : reject('not_offered_to_you');
}

export const acceptRule: OpRule<'offer.accept'> = async (op, ctx) => {
  const row = await loadConversation(ctx.tx, op.payload.conversationId, true);
  const offer = row && (await pendingOffer(ctx, row.id));
  if (!row || !offer || row.status !== 'offered') return whyNotOffered(ctx, row);
  if (offer.expires_at < ctx.now) return reject('offer_expired', 'The offer expired before you answered.');
  const { rows: accepted } = await ctx.tx.query<OfferRow>(
    "update offers set status = 'accepted' where id = $1 returning *",
    [offer.id],
  );
  const { rows } = await ctx.tx.query<ConversationRow>(
    `update conversations set status = 'assigned', assigned_agent_id = $2, version = version + 1, updated_at = now()
     where id = $1 returning *`,
    [row.id, ctx.viewer.agentId],
  );
  const audience = await publishConversation(ctx.tx, ctx.changes, rows[0]!);
  ctx.changes.append('offer', offer.id, offerData(accepted[0]!), audience);
  return applied;
};

export const declineRule: OpRule<'offer.decline'> = async (op, ctx) => {
  const row = await loadConversation(ctx.tx, op.payload.conversationId, true);
  const offer = row && (await pendingOffer(ctx, row.id));
  if (!row || !offer || row.status !== 'offered') return whyNotOffered(ctx, row);
  const { rows: declined } = await ctx.tx.query<OfferRow>(
    "update offers set status = 'declined' where id = $1 returning *",
    [offer.id],
  );
  const { rows } = await ctx.tx.query<ConversationRow>(
    `update conversations set status = 'queued', assigned_agent_id = null, queued_at = coalesce(queued_at, now()),
       version = version + 1, updated_at = now() where id = $1 returning *`,
    [row.id],
  );
  ctx.changes.append('offer', offer.id, offerData(declined[0]!), { agentId: ctx.viewer.agentId, leads: true });
  await publishConversation(ctx.tx, ctx.changes, rows[0]!, ctx.viewer.agentId);
  ctx.afterCommit((hooks) => {
    hooks.capacityFreed(ctx.viewer.agentId, row.channel);
    hooks.enqueue(row.id, ctx.viewer.agentId);
  });
  return applied;
};

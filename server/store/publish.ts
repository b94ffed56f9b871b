import type { Queryable } from '../db/db';
import type { ChangeWriter } from '../sync/changeLog';
import type { Audience } from '../sync/audience';
import {
  conversationData,
  customerData,
  identityData,
  messageData,
  suggestionData,
  type ConversationRow,
  type CustomerRow,
  type IdentityRow,
  type MessageRow,
  type SuggestionRow,
} from './rows';

/** An agent's team: whose leads see their work (null: no team, or no such agent). */
export async function teamOf(tx: Queryable, agentId: string): Promise<string | null> {
  const { rows } = await tx.query<{ team_id: string | null }>('select team_id from agents where id = $1', [agentId]);
  return rows[0]?.team_id ?? null;
}

/** Who sees a conversation: its assignee and their team's leads; every lead while it is queued. */
export async function conversationAudience(
  tx: Queryable,
  row: Pick<ConversationRow, 'assigned_agent_id'>,
): Promise<Audience> {
  if (!row.assigned_agent_id) return { leads: true };
  return { agentId: row.assigned_agent_id, teamId: await teamOf(tx, row.assigned_agent_id) };
}

/** A conversation's messages, oldest first. */
export async function conversationMessages(tx: Queryable, conversationId: string): Promise<MessageRow[]> {
  const { rows } = await tx.query<MessageRow>(
    'select * from messages where conversation_id = $1 order by created_at, id',
    [conversationId],
  );
  return rows;
}

export async function loadConversation(tx: Queryable, id: string, lock = false): Promise<ConversationRow | undefined> {
  const { rows } = await tx.query<ConversationRow>(
    `select * from conversations where id = $1${lock ? ' for update' : ''}`,
    [id],
  );
  return rows[0];
}

/**
 * Publishes a conversation's new state to whoever sees it now, and a removal to an agent who no
 * longer does (reassigned while they were offline, transferred away).
 */
export async function publishConversation(
  tx: Queryable,
  changes: ChangeWriter,
  row: ConversationRow,
  previousAssignee?: string | null,
  leftQueue = false,
): Promise<Audience> {
  const audience = await conversationAudience(tx, row);
  if (previousAssignee && previousAssignee !== row.assigned_agent_id) {
    changes.append('conversation', row.id, null, { agentId: previousAssignee });
  }
  // Every lead saw it while it was queued; once it is someone's, only their team's leads do.
  if (leftQueue && row.assigned_agent_id) changes.append('conversation', row.id, null, { leads: true });
  changes.append('conversation', row.id, conversationData(row), audience);
  return audience;
}

/**
 * Everything an agent needs to work a conversation they just got, offline included: its
 * messages, the customer with identities and pending link suggestions, and the customer's journey
 * (their other conversations).
 */
export async function publishWorkingSet(
  tx: Queryable,
  changes: ChangeWriter,
  conversation: ConversationRow,
  audience: Audience,
): Promise<void> {
  const messages = await conversationMessages(tx, conversation.id);
  for (const m of messages) changes.append('message', m.id, messageData(m), audience);
  await publishCustomer(tx, changes, conversation.customer_id, audience);
  const { rows: journey } = await tx.query<ConversationRow>(
    'select * from conversations where customer_id = $1 and id <> $2 order by created_at desc limit 50',
    [conversation.customer_id, conversation.id],
  );
  for (const other of journey) changes.append('conversation', other.id, conversationData(other), audience);
}

export async function publishCustomer(
  tx: Queryable,
  changes: ChangeWriter,
  customerId: string,
  audience: Audience,
): Promise<void> {
  const { rows: customers } = await tx.query<CustomerRow>('select * from customers where id = $1', [customerId]);
  const customer = customers[0];
  if (!customer) return;
  changes.append('customer', customer.id, customerData(customer), audience);
  const { rows: identities } = await tx.query<IdentityRow>(
    'select * from identities where customer_id = $1 order by created_at',
    [customerId],
  );
  for (const identity of identities) changes.append('identity', identity.id, identityData(identity), audience);
  const { rows: suggestions } = await tx.query<SuggestionRow>(
    "select * from identity_suggestions where (customer_id = $1 or other_customer_id = $1) and status = 'pending'",
    [customerId],
  );
  for (const s of suggestions) changes.append('suggestion', s.id, suggestionData(s), audience);
}

export function publishMessage(changes: ChangeWriter, message: MessageRow, audience: Audience): void {
  changes.append('message', message.id, messageData(message), audience);
}

/**
 * What a lead is asked to review (a sampling assignment, a calibration) reaches them even when it
 * is another team's: the conversation as it is now, its messages and its customer, so they can
 * score it offline like their own team's. Leads of its team and admins have it already.
 */
export async function publishForReview(
  tx: Queryable,
  changes: ChangeWriter,
  conversationId: string,
  leadIds: readonly string[],
): Promise<void> {
  const conversation = await loadConversation(tx, conversationId);
  if (!conversation) return;
  const audience = await conversationAudience(tx, conversation);
  const { rows: leads } = await tx.query<{ id: string; role: string; team_id: string | null }>(
    'select id, role, team_id from agents where id = any($1)',
    [[...leadIds]],
  );
  const outsiders = leads.filter(
    (l) => l.role !== 'admin' && l.id !== audience.agentId && !(audience.teamId && l.team_id === audience.teamId),
  );
  if (!outsiders.length) return;
  const messages = await conversationMessages(tx, conversation.id);
  for (const lead of outsiders) {
    const to: Audience = { agentId: lead.id };
    changes.append('conversation', conversation.id, conversationData(conversation), to);
    for (const m of messages) changes.append('message', m.id, messageData(m), to);
    await publishCustomer(tx, changes, conversation.customer_id, to);
  }
}

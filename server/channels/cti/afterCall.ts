import type { Channel } from '../../../shared/domain';
import type { Queryable } from '../../db/db';
import { conversationAudience, loadConversation, publishConversation, publishMessage } from '../../store/publish';
import { offerData, type ConversationRow, type MessageRow, type OfferRow } from '../../store/rows';
import type { ChangeWriter } from '../../sync/changeLog';
import type { CallEvent } from './callEvent';
import type { CallSoFar } from './callRecord';

/** What routing must hear when a call's agent is free for the next call (RoutingService has it). */
export interface CallRouting {
  capacityFreed(agentId: string, channel: Channel): void;
}

/**
 * The conversation's state after a call event, in the transaction that records the event. Answered:
 * the first response (speed of answer) is the pick-up. Ended: an assigned call goes to wrap-up for its
 * agent (after-call work; a call's capacity is free from then, as `LOAD_SQL` counts it); a call
 * nobody answered was abandoned, so it leaves the queue (its pending offer withdrawn) resolved.
 * Returns the agent whose voice capacity the call gave back, for routing after commit.
 */
export async function applyCallEffects(
  tx: Queryable,
  changes: ChangeWriter,
  event: CallEvent,
  conversationId: string,
  call: CallSoFar,
  now: Date,
): Promise<string | null> {
  if (event.type === 'call.answered') {
    const { rows } = await tx.query<ConversationRow>(
      `update conversations set first_response_at = $2, version = version + 1, updated_at = now()
       where id = $1 and first_response_at is null returning *`,
      [conversationId, new Date(event.occurredAt)],
    );
    if (rows[0]) await publishConversation(tx, changes, rows[0]);
    return null;
  }
  if (event.type !== 'call.ended') return null;

  const row = await loadConversation(tx, conversationId, true);
  if (!row) return null;
  if (row.status === 'assigned' && row.assigned_agent_id) {
    const { rows } = await tx.query<ConversationRow>(
      `update conversations set status = 'wrap_up', version = version + 1, updated_at = now() where id = $1 returning *`,
      [row.id],
    );
    await publishConversation(tx, changes, rows[0]!);
    return row.assigned_agent_id;
  }
  // Answered elsewhere (an IVR, a desk phone) and still waiting here: an agent does its wrap-up later.
  const waiting = row.status === 'queued' || row.status === 'reopened' || row.status === 'offered';
  if (!waiting || call.answeredAt) return null;

  const { rows: withdrawn } = await tx.query<OfferRow>(
    `update offers set status = 'withdrawn' where conversation_id = $1 and status = 'pending' returning *`,
    [row.id],
  );
  for (const offer of withdrawn)
    changes.append('offer', offer.id, offerData(offer), { agentId: offer.agent_id, leads: true });
  const { rows } = await tx.query<ConversationRow>(
    `update conversations set status = 'resolved', resolved_at = $2, assigned_agent_id = null, sticky_until = null,
       version = version + 1, updated_at = now()
     where id = $1 returning *`,
    [row.id, now],
  );
  await publishConversation(tx, changes, rows[0]!, row.assigned_agent_id);
  return row.status === 'offered' ? row.assigned_agent_id : null;
}

/**
 * Files a line on a call that is over and resolved, without reopening it: a transcript segment the
 * platform delivers late belongs to that call, and a call is never picked up again (a new call has a
 * new call id). Idempotent on the provider's message id, like ingestion.
 */
export async function appendToClosedCall(
  tx: Queryable,
  changes: ChangeWriter,
  conversation: ConversationRow,
  line: { providerMessageId: string; speaker: string; text: string; occurredAt: string; meta: Record<string, unknown> },
): Promise<MessageRow | null> {
  const { rows } = await tx.query<MessageRow>(
    `insert into messages (id, conversation_id, direction, visibility, author_identity_id, speaker, body, provider, provider_message_id, created_at, meta)
     values ($1, $2, 'transcript', 'private',
       (select author_identity_id from messages where conversation_id = $2 and author_identity_id is not null order by created_at, id limit 1),
       $3, $4, 'cti', $5, $6, $7)
     on conflict (provider, provider_message_id) do nothing returning *`,
    [
      crypto.randomUUID(),
      conversation.id,
      line.speaker,
      line.text,
      line.providerMessageId,
      new Date(line.occurredAt),
      JSON.stringify(line.meta),
    ],
  );
  const message = rows[0];
  if (!message) return null;
  publishMessage(changes, message, await conversationAudience(tx, conversation));
  return message;
}

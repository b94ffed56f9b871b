import type { Queryable } from '../../db/db';
import type { ConversationRow } from '../../store/rows';
import type { CallEvent } from './callEvent';

/** What is known of a call before one more of its events is applied. */
export interface CallSoFar {
  /** The call's conversation (channel voice, thread key the call id), once one exists. */
  conversation: ConversationRow | null;
  assigneeName: string | null;
  offeredAt: Date | null;
  answeredAt: Date | null;
  /** When the call was put on hold, if it still is. */
  heldAt: Date | null;
  ended: boolean;
}

/** Whether this event was applied already: the provider redelivers until it gets a 200. */
export async function alreadyRecorded(db: Queryable, eventId: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from call_events where event_id = $1', [eventId]);
  return rows.length > 0;
}

export async function loadCall(db: Queryable, callId: string): Promise<CallSoFar> {
  const { rows } = await db.query<ConversationRow & { assignee_name: string | null }>(
    `select c.*, a.name as assignee_name from conversations c left join agents a on a.id = c.assigned_agent_id
     where c.channel = 'voice' and c.thread_key = $1`,
    [callId],
  );
  const { rows: events } = await db.query<{ type: CallEvent['type']; occurred_at: Date }>(
    "select type, occurred_at from call_events where call_id = $1 and type <> 'transcript.segment' order by occurred_at, received_at",
    [callId],
  );
  const first = (type: CallEvent['type']) => events.find((e) => e.type === type)?.occurred_at ?? null;
  const lastHold = events.filter((e) => e.type === 'call.held' || e.type === 'call.resumed').at(-1);
  const found = rows[0];
  let conversation: ConversationRow | null = null;
  let assigneeName: string | null = null;
  if (found) {
    const { assignee_name, ...row } = found;
    conversation = row;
    assigneeName = assignee_name;
  }
  return {
    conversation,
    assigneeName,
    offeredAt: first('call.offered'),
    answeredAt: first('call.answered'),
    heldAt: lastHold?.type === 'call.held' ? lastHold.occurred_at : null,
    ended: events.some((e) => e.type === 'call.ended'),
  };
}

/**
 * Keeps the event in the call's timeline. False when a concurrent delivery of the same event got
 * there first: that one applies its effects, this one does not.
 */
export async function recordCallEvent(
  tx: Queryable,
  event: CallEvent,
  conversationId: string | null,
  receivedAt: Date,
): Promise<boolean> {
  const { rows } = await tx.query(
    `insert into call_events (event_id, call_id, type, occurred_at, payload, conversation_id, received_at)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (event_id) do nothing returning event_id`,
    [
      event.eventId,
      event.callId,
      event.type,
      new Date(event.occurredAt),
      JSON.stringify(event),
      conversationId,
      receivedAt,
    ],
  );
  return rows.length > 0;
}

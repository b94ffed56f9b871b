import type { Channel, IdentityKind } from '../../../shared/domain';
import type { Queryable } from '../../db/db';
import type { MessageRow } from '../../store/rows';
import type { OutboundReply } from '../types';

/** Channels whose replies go out to a provider; a reply on a phone call was said, not sent. */
const SENT_OUT = new Set<Channel>(['x_public', 'x_dm', 'facebook', 'messenger', 'email', 'chat']);

/** The identity a reply is addressed to on each channel. */
const RECIPIENT_KIND: Record<Channel, IdentityKind> = {
  x_public: 'x_handle',
  x_dm: 'x_handle',
  facebook: 'facebook_id',
  messenger: 'facebook_id',
  email: 'email',
  chat: 'chat_visitor',
  voice: 'phone',
};

interface Recipient {
  kind: IdentityKind;
  value: string;
  display_name: string | null;
}

export interface DeliveryRow {
  message_id: string;
  conversation_id: string;
  channel: Channel;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  provider_message_id: string | null;
  created_at: Date;
  sent_at: Date | null;
}

/**
 * Queues an agent's reply for sending, in the reply op's own transaction: the reply is accepted
 * once, and goes out when the provider can take it. Returns the message with its pending state,
 * or the message unchanged when its channel is not sent out.
 */
export async function queueDelivery(
  tx: Queryable,
  message: MessageRow,
  conversationChannel: Channel,
  now: Date,
): Promise<MessageRow> {
  const channel = (message.via as Channel | null) ?? conversationChannel;
  if (!SENT_OUT.has(channel)) return message;
  await tx.query(
    `insert into deliveries (message_id, conversation_id, channel, status, next_attempt_at, created_at)
     values ($1, $2, $3, 'pending', $4, $4) on conflict (message_id) do nothing`,
    [message.id, message.conversation_id, channel, now],
  );
  const { rows } = await tx.query<MessageRow>(
    "update messages set delivery_status = 'pending' where id = $1 returning *",
    [message.id],
  );
  return rows[0] ?? message;
}

/**
 * Takes up to `limit` due deliveries, leasing each until `leaseUntil` so no other node (or a
 * slow earlier run) sends it meanwhile. A reply waits while an older reply of its conversation is
 * still pending: the customer reads them in the order the agent wrote them.
 */
export async function claimDue(tx: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<DeliveryRow[]> {
  const { rows } = await tx.query<DeliveryRow>(
    `update deliveries set next_attempt_at = $2
     where message_id in (
       select d.message_id from deliveries d
       where d.status = 'pending' and d.next_attempt_at <= $1
         and not exists (
           select 1 from deliveries e
           where e.conversation_id = d.conversation_id and e.status = 'pending'
             and (e.created_at, e.message_id) < (d.created_at, d.message_id)
         )
       order by d.next_attempt_at, d.created_at
       limit $3
       for update skip locked
     )
     returning *`,
    [now, leaseUntil, limit],
  );
  return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
}

/** What a provider needs to thread the reply: recipient, the message it answers, the thread's ids. */
export async function loadOutboundReply(tx: Queryable, delivery: DeliveryRow): Promise<OutboundReply | string> {
  const { rows } = await tx.query<{
    body: string;
    visibility: 'public' | 'private';
    agent_id: string | null;
    agent_name: string | null;
    customer_id: string;
    conversation_channel: Channel;
    thread_key: string;
    subject: string | null;
    last_inbound_at: Date | null;
  }>(
    `select m.body, m.visibility, m.author_agent_id as agent_id, a.name as agent_name, c.customer_id,
            c.channel as conversation_channel, c.thread_key, c.subject, c.last_inbound_at
     from messages m join conversations c on c.id = m.conversation_id left join agents a on a.id = m.author_agent_id
     where m.id = $1`,
    [delivery.message_id],
  );
  const row = rows[0];
  if (!row) return 'The reply no longer exists.';
  const { rows: inbound } = await tx.query<{
    provider_message_id: string;
    meta: Record<string, unknown> | null;
    identity_id: string | null;
  }>(
    `select m.provider_message_id, m.meta, m.author_identity_id as identity_id from messages m
     left join identities i on i.id = m.author_identity_id
     where m.conversation_id = $1 and m.direction = 'inbound' and m.provider_message_id is not null
     order by (i.customer_id is not distinct from $2) desc, m.created_at desc, m.id desc limit 1`,
    [delivery.conversation_id, row.customer_id],
  );
  // The conversation's customer's newest message: on a busy public thread others pile on, and
  // the answer (public reply or DM) is to the customer the conversation is about.
  const answered = inbound[0] ?? null;
  const kind = RECIPIENT_KIND[delivery.channel];
  // On its own channel the reply goes to whoever wrote last; by email, to the customer's address.
  const sameChannel = answered?.identity_id && delivery.channel === row.conversation_channel;
  const { rows: identities } = sameChannel
    ? await tx.query<Recipient>('select kind, value, display_name from identities where id = $1', [
        answered.identity_id,
      ])
    : await tx.query<Recipient>(
        'select kind, value, display_name from identities where customer_id = $1 and kind = $2 order by created_at desc limit 1',
        [row.customer_id, kind],
      );
  const recipient = identities[0];
  if (!recipient) return `The customer has no ${kind.replace('_', ' ')} to send this reply to.`;
  const { rows: thread } = await tx.query<{ provider_message_id: string }>(
    `select provider_message_id from messages
     where conversation_id = $1 and provider_message_id is not null and id <> $2
     order by created_at, id`,
    [delivery.conversation_id, delivery.message_id],
  );
  return {
    deliveryId: delivery.message_id,
    messageId: delivery.message_id,
    conversationId: delivery.conversation_id,
    conversationChannel: row.conversation_channel,
    channel: delivery.channel,
    visibility: row.visibility,
    body: row.body,
    threadKey: row.thread_key,
    subject: row.subject,
    recipient: { kind: recipient.kind, value: recipient.value, displayName: recipient.display_name },
    inReplyTo: answered ? { providerMessageId: answered.provider_message_id, meta: answered.meta ?? {} } : null,
    threadMessageIds: thread.map((t) => t.provider_message_id),
    lastInboundAt: row.last_inbound_at,
    agent: { id: row.agent_id ?? '', name: row.agent_name ?? 'Support' },
    attempt: delivery.attempts,
  };
}

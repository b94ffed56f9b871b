import type { Queryable } from '../../db/db';
import type { InboundEmail } from './parseEmail';

/**
 * The thread an inbound email belongs to. A message we already have (the customer's earlier mail
 * or our reply, whose Message-ID the sender stores as provider_message_id) named in In-Reply-To or
 * References puts it in that message's conversation, the newest such first. Otherwise the thread
 * is named by its root: the first Reference, else In-Reply-To, else the message itself.
 */
export async function threadKeyOf(db: Queryable, email: InboundEmail): Promise<string> {
  const known = [...new Set([...email.inReplyTo, ...email.references])];
  if (known.length > 0) {
    // Only email conversations: a social thread answered by email is filed under its own channel,
    // so the customer's emailed answer starts an email thread rooted at our message instead.
    const { rows } = await db.query<{ thread_key: string }>(
      `select c.thread_key from messages m join conversations c on c.id = m.conversation_id
       where m.provider = 'email' and m.provider_message_id = any($1::text[]) and c.channel = 'email'
       order by m.created_at desc, m.id desc limit 1`,
      [known],
    );
    if (rows[0]) return rows[0].thread_key;
  }
  return email.references[0] ?? email.inReplyTo[0] ?? email.messageId;
}

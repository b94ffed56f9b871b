import type { Queryable } from '../../db/db';
import { firstName, type HistoryLine } from './visitorProtocol';

/** A visitor's one chat conversation (thread key: their visitor id), while it is open. */
export interface OpenChat {
  conversationId: string;
  assignedAgentId: string | null;
}

export async function openChatOf(db: Queryable, visitorId: string): Promise<OpenChat | null> {
  const { rows } = await db.query<{ id: string; assigned_agent_id: string | null }>(
    "select id, assigned_agent_id from conversations where channel = 'chat' and thread_key = $1 and status <> 'resolved'",
    [visitorId],
  );
  return rows[0] ? { conversationId: rows[0].id, assignedAgentId: rows[0].assigned_agent_id } : null;
}

/** How much of a long chat a reload shows: the newest lines. */
const HISTORY_LINES = 200;

/**
 * What the visitor sees after a reload: their messages and the agents' replies on this channel
 * (not notes, not replies sent by email), oldest first. A resolved chat starts afresh.
 */
export async function chatHistory(
  db: Queryable,
  visitorId: string,
): Promise<{ conversationId: string | null; messages: HistoryLine[] }> {
  const chat = await openChatOf(db, visitorId);
  if (!chat) return { conversationId: null, messages: [] };
  const { rows } = await db.query<{
    id: string;
    direction: 'inbound' | 'outbound';
    body: string;
    created_at: Date;
    provider_message_id: string | null;
    agent_name: string | null;
  }>(
    `select * from (
       select m.id, m.direction, m.body, m.created_at, m.provider_message_id, a.name as agent_name
       from messages m left join agents a on a.id = m.author_agent_id
       where m.conversation_id = $1 and (m.direction = 'inbound' or (m.direction = 'outbound' and m.via is null))
       order by m.created_at desc, m.id desc limit $2
     ) newest order by created_at, id`,
    [chat.conversationId, HISTORY_LINES],
  );
  const ownPrefix = `${visitorId}:`;
  return {
    conversationId: chat.conversationId,
    messages: rows.map((row): HistoryLine => {
      const at = row.created_at.toISOString();
      if (row.direction === 'outbound') {
        return { messageId: row.id, from: 'agent', text: row.body, at, agentName: firstName(row.agent_name ?? '') };
      }
      const ownId = row.provider_message_id?.startsWith(ownPrefix)
        ? row.provider_message_id.slice(ownPrefix.length)
        : null;
      return { messageId: row.id, from: 'visitor', text: row.body, at, ...(ownId ? { clientMessageId: ownId } : {}) };
    }),
  };
}

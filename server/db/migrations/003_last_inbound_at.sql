-- When the customer last wrote: the agent's inbox shows a conversation as unread when this is
-- newer than the agent last looked. Backfilled from the newest inbound message of each thread.
alter table conversations add column last_inbound_at timestamptz;
update conversations c set last_inbound_at = m.at
  from (select conversation_id, max(created_at) as at from messages where direction = 'inbound' group by conversation_id) m
  where m.conversation_id = c.id;

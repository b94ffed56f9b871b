-- The start of the customer's latest message: a social post has no subject, so the inbox row shows
-- what they wrote. Backfilled from the newest inbound message of each thread.
alter table conversations add column last_inbound_preview text;
update conversations c set last_inbound_preview = m.preview
  from (
    select distinct on (conversation_id) conversation_id, left(body, 120) as preview
      from messages where direction = 'inbound'
      order by conversation_id, created_at desc, id desc
  ) m
  where m.conversation_id = c.id;

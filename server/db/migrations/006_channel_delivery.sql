-- What a provider said about a message that a reply needs (an X author's user id, a Messenger
-- PSID, an email's Message-ID and References): copied from the interaction's meta.
alter table messages add column meta jsonb;

-- Agent replies going out to providers: one row per reply, written in the reply's own transaction
-- and sent by the dispatcher, so a reply accepted while the provider is down goes out later.
create table deliveries (
  message_id text primary key references messages(id),
  conversation_id text not null references conversations(id),
  channel text not null,
  status text not null check (status in ('pending', 'sent', 'failed')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null,
  last_error text,
  provider_message_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index deliveries_due on deliveries (next_attempt_at) where status = 'pending';

-- Delivery state on the message itself, so the agent's transcript shows it (null: not sent out,
-- e.g. a note, an inbound message, or a reply on a phone call).
alter table messages add column delivery_status text check (delivery_status in ('pending', 'sent', 'failed'));
alter table messages add column delivery_error text;

-- A phone call's timeline as the telephony platform reported it (offered, answered, held, resumed,
-- transferred, ended, transcript segments), kept for QA beside the transcript. The provider's
-- event id is the key: a redelivered event finds its row and is not applied twice.
create table call_events (
  event_id text primary key,
  call_id text not null,
  type text not null,
  occurred_at timestamptz not null,
  payload jsonb not null,
  conversation_id text references conversations(id),
  received_at timestamptz not null default now()
);
create index call_events_call on call_events (call_id, occurred_at);

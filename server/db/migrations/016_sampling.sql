-- Review sampling (issue 8): rules a lead sets (a random share of resolved conversations, a
-- number per agent per week, risk-based picks) and the assignments they make. A conversation is
-- assigned at most once per rule, and never to a lead for their own conversation.
create table sampling_rules (
  id text primary key,
  name text not null,
  kind text not null check (kind in ('random_share', 'per_agent_week', 'risk')),
  params jsonb not null,
  scorecard_id text not null references scorecards(id),
  lead_ids text[] not null,
  enabled boolean not null default true,
  created_by text references agents(id),
  created_at timestamptz not null default now()
);

create table review_assignments (
  id text primary key,
  rule_id text not null references sampling_rules(id),
  conversation_id text not null references conversations(id),
  agent_id text not null references agents(id),
  lead_id text not null references agents(id),
  reason text not null,
  status text not null default 'open' check (status in ('open', 'done')),
  created_at timestamptz not null default now(),
  unique (rule_id, conversation_id)
);
create index review_assignments_lead on review_assignments (lead_id, status);
create index conversations_resolved on conversations (resolved_at) where status = 'resolved';

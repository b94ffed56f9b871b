-- QA reviews (issue 8): one lead's scoring of one conversation with one published scorecard
-- version. `version` is the compare-and-set counter of review.save, and `score` is computed by the
-- server with shared/qa/score.ts (null until something is rated).
create table reviews (
  id text primary key,
  conversation_id text not null references conversations(id),
  agent_id text not null references agents(id),
  reviewer_id text not null references agents(id),
  scorecard_id text not null,
  scorecard_version int not null,
  ratings jsonb not null default '{}',
  feedback text not null default '',
  score double precision,
  status text not null default 'draft' check (status in ('draft', 'submitted')),
  version int not null default 1,
  -- The device that saved it last: its own later saves are ordered by its seqs and never conflict,
  -- another device's save must name the version it saw.
  last_client_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_at timestamptz,
  foreign key (scorecard_id, scorecard_version) references scorecard_versions (scorecard_id, version)
);
create index reviews_agent on reviews (agent_id, submitted_at);
create index reviews_conversation on reviews (conversation_id);

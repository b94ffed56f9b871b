-- Disputes (issue 8): an agent contests one criterion of a submitted review of theirs, with a
-- comment; a lead accepts (with the corrected rating), partly accepts (with a rating between) or
-- rejects it. Every step is kept in `steps`, oldest first, and shown to both.
create table disputes (
  id text primary key,
  review_id text not null references reviews(id),
  criterion_id text not null,
  agent_id text not null references agents(id),
  status text not null default 'open' check (status in ('open', 'accepted', 'partly_accepted', 'rejected')),
  steps jsonb not null default '[]',
  created_at timestamptz not null default now(),
  decided_at timestamptz
);
create index disputes_review on disputes (review_id);
-- One open dispute per criterion of a review.
create unique index disputes_one_open on disputes (review_id, criterion_id) where status = 'open';

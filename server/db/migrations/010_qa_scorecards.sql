-- QA scorecards (issue 8). A scorecard keeps every version it was published in: a published
-- version never changes (a review always shows, and is scored with, the version it was given
-- under); editing works on the one draft, which publishing turns into the next version.
create table scorecards (
  id text primary key,
  name text not null,
  created_by text references agents(id),
  created_at timestamptz not null default now(),
  archived_at timestamptz
);

create table scorecard_versions (
  scorecard_id text not null references scorecards(id),
  version int not null check (version >= 1),
  -- The sections and criteria as shared/qa/scorecard.ts parses them.
  definition jsonb not null,
  -- Null while it is the draft.
  published_at timestamptz,
  published_by text references agents(id),
  updated_at timestamptz not null default now(),
  primary key (scorecard_id, version)
);
-- At most one draft per scorecard.
create unique index scorecard_versions_one_draft on scorecard_versions (scorecard_id) where published_at is null;

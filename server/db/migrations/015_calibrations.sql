-- Calibration (issue 8): several leads score the same conversation blind with one scorecard
-- version. Each sees the others' reviews only once they submitted their own, then the group
-- agrees a reference rating per criterion.
create table calibrations (
  id text primary key,
  conversation_id text not null references conversations(id),
  scorecard_id text not null,
  scorecard_version int not null,
  created_by text not null references agents(id),
  participants text[] not null,
  status text not null default 'open' check (status in ('open', 'agreed')),
  reference jsonb,
  reference_score double precision,
  created_at timestamptz not null default now(),
  agreed_at timestamptz,
  foreign key (scorecard_id, scorecard_version) references scorecard_versions (scorecard_id, version)
);
alter table reviews add column calibration_id text references calibrations(id);
-- One review per lead per calibration.
create unique index reviews_one_per_calibration on reviews (calibration_id, reviewer_id) where calibration_id is not null;

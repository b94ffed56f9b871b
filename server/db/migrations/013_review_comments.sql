-- A review's comments (issue 8), each anchored to a message, a text range of a message, or a time
-- span of a call transcript, kept with the review so it travels (and syncs) as one row.
alter table reviews add column comments jsonb not null default '[]';

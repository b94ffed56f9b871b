-- Files that came with inbound email. A file over EMAIL_MAX_ATTACHMENT_BYTES keeps its row (name,
-- type, size, hash) without content, and skipped_reason tells the agent why.
create table attachments (
  id text primary key,
  message_id text not null references messages(id),
  filename text not null,
  content_type text not null,
  size bigint not null,
  sha256 text not null,
  -- The part's Content-ID without brackets: what `cid:` images in the message's HTML point at.
  content_id text,
  content bytea,
  skipped_reason text,
  created_at timestamptz not null default now(),
  check ((content is null) = (skipped_reason is not null))
);
create index attachments_message on attachments (message_id);

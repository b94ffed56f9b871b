-- Teams, agents and their sessions.
create table teams (
  id text primary key,
  name text not null
);

create table agents (
  id text primary key,
  email text not null unique,
  name text not null,
  role text not null check (role in ('agent', 'lead', 'admin')),
  team_id text references teams(id),
  password_hash text not null,
  skills jsonb not null default '{}',
  capacity jsonb not null default '{"voice":1,"chat":3,"social":3,"email":5}',
  presence text not null default 'offline' check (presence in ('available', 'busy', 'after_call_work', 'away', 'offline')),
  -- Epoch until the agent first sets a presence: any op's time is newer.
  presence_changed_at timestamptz not null default '1970-01-01T00:00:00Z',
  idle_since timestamptz not null default now(),
  created_at timestamptz not null default now()
);

create table refresh_tokens (
  token_hash text primary key,
  agent_id text not null references agents(id),
  expires_at timestamptz not null,
  revoked_at timestamptz
);

-- Customers, their identities on each channel, and link suggestions with their evidence.
create table customers (
  id text primary key,
  display_name text not null,
  profile jsonb not null default '{}',
  last_agent_id text references agents(id),
  last_agent_at timestamptz,
  merged_into text references customers(id),
  created_at timestamptz not null default now()
);

create table identities (
  id text primary key,
  customer_id text not null references customers(id),
  kind text not null,
  value text not null,
  display_name text,
  followers bigint,
  evidence jsonb not null default '[]',
  created_at timestamptz not null default now(),
  unique (kind, value)
);
create index identities_customer on identities (customer_id);

create table identity_suggestions (
  id text primary key,
  customer_id text not null references customers(id),
  other_customer_id text not null references customers(id),
  evidence jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'confirmed', 'refused')),
  decided_by text references agents(id),
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  unique (customer_id, other_customer_id)
);

-- Every merge and split, never silent.
create table identity_events (
  id bigserial primary key,
  kind text not null check (kind in ('merge', 'split')),
  customer_id text not null,
  other_customer_id text,
  identity_id text,
  agent_id text references agents(id),
  evidence jsonb not null default '[]',
  at timestamptz not null default now()
);

-- Conversations and messages.
create table conversations (
  id text primary key,
  customer_id text not null references customers(id),
  channel text not null,
  thread_key text not null,
  subject text,
  status text not null check (status in ('queued', 'offered', 'assigned', 'wrap_up', 'resolved', 'reopened')),
  skills text[] not null default '{}',
  priority int not null default 0,
  sentiment real not null default 0,
  reach bigint not null default 0,
  language text not null default 'und',
  assigned_agent_id text references agents(id),
  sticky_agent_id text references agents(id),
  sticky_until timestamptz,
  version int not null default 1,
  first_response_due timestamptz,
  next_response_due timestamptz,
  resolution_due timestamptz,
  first_response_at timestamptz,
  sla_breaches text[] not null default '{}',
  alerts text[] not null default '{}',
  disconnect_requeue_at timestamptz,
  queued_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  resolved_at timestamptz,
  unique (channel, thread_key)
);
create index conversations_customer on conversations (customer_id, created_at desc);
create index conversations_open on conversations (status) where status <> 'resolved';
create index conversations_assignee on conversations (assigned_agent_id) where assigned_agent_id is not null;

create table messages (
  id text primary key,
  conversation_id text not null references conversations(id),
  direction text not null check (direction in ('inbound', 'outbound', 'note', 'transcript')),
  visibility text not null check (visibility in ('public', 'private')),
  author_agent_id text references agents(id),
  author_identity_id text references identities(id),
  speaker text,
  body text not null,
  template_id text,
  provider text,
  provider_message_id text,
  sentiment real,
  created_at timestamptz not null default now(),
  unique (provider, provider_message_id)
);
create index messages_conversation on messages (conversation_id, created_at);

create table offers (
  id text primary key,
  conversation_id text not null references conversations(id),
  agent_id text not null references agents(id),
  status text not null check (status in ('pending', 'accepted', 'declined', 'expired', 'withdrawn')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index offers_pending on offers (expires_at) where status = 'pending';

create table dispositions (
  id text primary key,
  conversation_id text not null references conversations(id),
  agent_id text not null references agents(id),
  code text not null,
  notes text,
  created_at timestamptz not null default now()
);

-- Configuration: SLAs per channel, listening rules, answer templates, alerts.
create table sla_policies (
  channel text primary key,
  first_response_seconds int not null,
  next_response_seconds int not null,
  resolution_seconds int not null
);

create table listening_rules (
  id text primary key,
  name text not null,
  query text not null,
  skills text[] not null default '{}',
  priority_boost int not null default 0,
  alert boolean not null default false,
  create_conversation boolean not null default true,
  enabled boolean not null default true
);

create table templates (
  id text primary key,
  topic text not null,
  title text not null,
  renderings jsonb not null
);

create table alerts (
  id text primary key,
  kind text not null,
  conversation_id text references conversations(id),
  rule_id text,
  message text not null,
  created_at timestamptz not null default now()
);

-- The sync protocol: per-client seq and stored results, and the change log.
create table sync_clients (
  client_id text primary key,
  agent_id text not null references agents(id),
  last_seq bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Op ids are unique per client: another device reusing one cannot block this client's seqs.
create table op_results (
  client_id text not null references sync_clients(client_id),
  seq bigint not null,
  op_id text not null,
  result jsonb not null,
  created_at timestamptz not null default now(),
  primary key (client_id, seq),
  unique (client_id, op_id)
);

create table changes (
  seq bigserial primary key,
  entity text not null,
  entity_id text not null,
  data jsonb,
  audience_all boolean not null default false,
  audience_leads boolean not null default false,
  audience_agent text,
  audience_team text,
  at timestamptz not null default now()
);
create index changes_agent on changes (audience_agent, seq);

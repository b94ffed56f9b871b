-- Company alerts carry their figures (a listening spike's counts, window, baseline and a sample
-- post), as the change leads receive and the outgoing webhook sends.
alter table alerts add column detail jsonb;

-- The spike detector rebuilds the last hour of listening matches at start from recent public posts.
create index messages_public_inbound on messages (created_at) where visibility = 'public' and direction = 'inbound';

-- A restart keeps the one-alert-per-spike rule: the newest spike alert per rule.
create index alerts_kind_rule on alerts (kind, rule_id, created_at);

-- Sampling skips a conversation another rule has an open assignment of (issue 8): found by
-- conversation, whichever rule made it.
create index review_assignments_conversation on review_assignments (conversation_id, status);

-- A reply sent on another channel than its conversation's: a social thread answered by email
-- (the customer's email identity). Null: on the conversation's own channel.
alter table messages add column via text;

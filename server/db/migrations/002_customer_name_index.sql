-- Ingestion looks for other customers of the same name (a link suggestion) on every message
-- with a full name: without this index that is a scan of every customer.
create index customers_display_name on customers (lower(display_name)) where merged_into is null;

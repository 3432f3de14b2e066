-- The task API each task belongs to (a provider file's name). Rows written before tasks named one are
-- jimeng-gateway's, the one API there was. A finished row keeps it: the same id is never taken for another.
ALTER TABLE jimeng_tasks ADD COLUMN provider text NOT NULL DEFAULT 'jimeng-gateway';

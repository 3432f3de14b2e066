-- How a finished task ended (SUCCEEDED or FAILED), for lists and filters.
ALTER TABLE jimeng_tasks ADD COLUMN outcome text;

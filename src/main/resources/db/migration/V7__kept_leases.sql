-- A lease kept by its holder after a fetch that found the task still in progress: the row waits for
-- its next due time under the same owner and epoch (lease_until one lease time past it), so the
-- holder's next fetch needs no claim written. A notification, a stop or a restart under the same
-- instance id frees it; another instance may claim it once its lease has lapsed.
ALTER TABLE jimeng_tasks ADD COLUMN kept boolean NOT NULL DEFAULT false;

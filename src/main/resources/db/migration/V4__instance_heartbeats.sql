-- One row per running instance (jimeng.instance-id): an id is live while its heartbeat (renewed with the
-- lease renewals) is younger than the lease time. A process starting with a live id waits for it to go
-- stale, and refuses to start when it stays live; a clean stop removes its row.
CREATE TABLE jimeng_instances (
    instance_id text PRIMARY KEY,
    token       text NOT NULL,    -- this run of the process: only it renews or removes the row
    process     text NOT NULL,    -- pid@host, for the message to whoever starts with the same id
    taken_at    bigint NOT NULL,  -- the store's clock, epoch ms
    beat_at     bigint NOT NULL
);

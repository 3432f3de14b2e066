-- The shared task store (jimeng.store.url). Times are epoch milliseconds on the database's clock.

-- One row per task id ever registered: pending until finished, then kept (finished = true) so that
-- an id finished anywhere is never registered again. The task's working state is the document.
CREATE TABLE jimeng_tasks (
    id            text    PRIMARY KEY,
    finished      boolean NOT NULL DEFAULT false,
    phase         text    NOT NULL DEFAULT 'FETCH',
    next_at       bigint  NOT NULL,
    lease_owner   text,
    lease_until   bigint,
    lease_epoch   bigint  NOT NULL DEFAULT 0,
    task          jsonb   NOT NULL
) WITH (fillfactor = 80);

-- Claims look only at unfinished rows, in due order.
CREATE INDEX jimeng_tasks_due ON jimeng_tasks (phase, next_at) WHERE NOT finished;

-- Fetch pauses (429, refused key), per API key: a hash of the key, never the key.
CREATE TABLE jimeng_pauses (
    key_hash  text   PRIMARY KEY,
    until_at  bigint NOT NULL
);

-- The clock the task timeout counts on: it runs while some instance can get answers, and stands
-- still while every instance that ticks it is in an outage, and while no instance runs.
CREATE TABLE jimeng_clock (
    id         int    PRIMARY KEY,
    active_ms  bigint NOT NULL,
    ticked_at  bigint NOT NULL
);
INSERT INTO jimeng_clock VALUES (1, 0, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);

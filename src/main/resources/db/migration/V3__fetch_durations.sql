-- How long tasks took, per kind (the answers' action, or action/model, and "any"): every instance learns
-- into the same rows, so all schedule by what all have seen. One fixed histogram per kind (the weights of
-- DurationHistogram's log-spaced buckets), bounded whatever the number of tasks.
CREATE TABLE jimeng_fetch_durations (
    kind    text PRIMARY KEY,
    weights double precision[] NOT NULL
);

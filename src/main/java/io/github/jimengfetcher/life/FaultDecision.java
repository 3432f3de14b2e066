package io.github.jimengfetcher.life;

import io.github.jimengfetcher.task.TaskFailure;

/**
 * What a fault means for a leased task (see {@link AfterFault}): decided without changing anything,
 * then applied by {@link FaultActions}; the fault route fails the task when {@link #failsTask()}.
 *
 * @param fate    what becomes of the task
 * @param tally   what the fault counts as on the task, counted before the fate is applied
 * @param counted the refusal counted, kept as the task's last error (tally REFUSED_ANSWER)
 * @param detail  the task's last error once the fate is applied (not for FAIL and FETCH_AGAIN)
 * @param episode the kind of API fault a RETRY_LATER logs once per episode; null when it starts none
 * @param pause   how long every fetch waits (PAUSE_FETCHES, KEY_REFUSED), in ms
 * @param failure why the task fails (FAIL only)
 */
public record FaultDecision(Fate fate, Tally tally, String counted, String detail, String episode, long pause, TaskFailure failure) {

    public enum Fate {
        /** The task ends without a video: {@link #failure}. */
        FAIL,
        /** A passing fault: the task waits a growing backoff. */
        RETRY_LATER,
        /** task_not_exist, not confirmed yet: fetched again after the planned gap. */
        FETCH_AGAIN,
        /** Turned away for the pace (which slowed down): due again at once, at its turn. */
        FETCH_AGAIN_SOON,
        /** Rate limited: every fetch waits {@link #pause}. */
        PAUSE_FETCHES,
        /** The key is refused: every fetch waits {@link #pause}, no task is written off. */
        KEY_REFUSED,
        /** A fault of this machine (disk, memory): the task waits until it passes, without limit. */
        WAIT_FOR_MACHINE
    }

    /** What the fault counts as on the task, whatever its fate. */
    public enum Tally {
        NONE,
        /** An answer refusing this task (HTTP 403, an error naming no status): three in a row fail it. */
        REFUSED_ANSWER,
        /** A task_not_exist answer: an answer of the API, and the second in a row confirms it. */
        NOT_FOUND_ANSWER,
        /** A bug hit this task: the third time fails it. */
        BUG
    }

    public boolean failsTask() {
        return fate == Fate.FAIL;
    }

    static FaultDecision fail(Tally tally, String counted, TaskFailure failure) {
        return new FaultDecision(Fate.FAIL, tally, counted, null, null, 0, failure);
    }

    static FaultDecision retryLater(Tally tally, String counted, String detail, String episode) {
        return new FaultDecision(Fate.RETRY_LATER, tally, counted, detail, episode, 0, null);
    }

    static FaultDecision of(Fate fate, Tally tally, String counted, String detail, long pause) {
        return new FaultDecision(fate, tally, counted, detail, null, pause, null);
    }
}

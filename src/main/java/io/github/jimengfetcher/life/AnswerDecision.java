package io.github.jimengfetcher.life;

/** What follows a readable answer of the API (see {@link AfterAnswer}); poll.yaml branches on it. */
public enum AnswerDecision {
    /** A success with a video URL: on to the download. */
    DOWNLOAD,
    /** A timed-out task fetched again late found no video yet: the next late fetch at its time. */
    RECHECK_LATER,
    /** The task ends without a video (see {@link AfterAnswer#failure}). */
    FAIL,
    /** Not final yet: fetched again one poll interval later. */
    FETCH_AGAIN
}

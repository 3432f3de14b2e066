package io.github.jimengfetcher.life;

/** What follows one download attempt (see {@link AfterDownload}); download.yaml branches on it. */
public enum DownloadDecision {
    /** Whole and verified: publish the video and its result record. */
    PUBLISH,
    /** The URL was refused or served no video: the task is fetched again for a fresh URL. */
    REFRESH_URL,
    /** Cut off: the download is due again later, resuming where the host allows it. */
    RETRY_LATER,
    /** Cut off by a stop: handed back (the stop says how many in one line), resumed from its part by whoever claims it next. */
    HANDED_BACK,
    /** The video cannot be had (see {@link AfterDownload#failure}). */
    FAIL
}

package io.github.jimengfetcher.api;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;


/**
 * What went wrong with one call of the API: the one classification of faults that the fault
 * decision (AfterFault, routes/faults.yaml), the log lines ({@link Faults}) and the fetch
 * metrics ({@code FetchOutcomes}) share. Faults of this machine or of this program are OTHER.
 */
public enum ApiFault {

    /** HTTP 401. */
    KEY_REFUSED("key_refused", false),
    /** HTTP 403: one task's refusal, or a refused key when every task gets it (AfterFault decides). */
    FORBIDDEN("forbidden", false),
    /** HTTP 429. */
    RATE_LIMITED("rate_limited", false),
    /** HTTP 400 task_not_exist, or a provider's own answer for no such task ({@link NotFoundAnswerException}). */
    NOT_FOUND("not_found", false),
    /** Any other HTTP error, redirects included. */
    HTTP_ERROR("http_error", true),
    /** A 2xx answer this task cannot act on: not JSON, another task's, an error naming no status. */
    UNUSABLE_ANSWER("answered", true),
    /** Larger than jimeng.api.max-answer-size. */
    TOO_LARGE("network_error", true),
    /** No answer in time: connect, read or jimeng.api.request-timeout. */
    TIMEOUT("timeout", true),
    /** Connection refused, reset, closed early, no answer at all. */
    NETWORK("network_error", true),
    UNKNOWN_HOST("network_error", true),
    TLS("network_error", true),
    /** Not the API's: a fault of this machine or of this program. */
    OTHER("other_error", false);

    private final String outcome;
    private final boolean passing;

    ApiFault(String outcome, boolean passing) {
        this.outcome = outcome;
        this.passing = passing;
    }

    /** The label of jimeng_fetches_total this fault counts under. */
    public String outcome() {
        return outcome;
    }

    /** A passing fault of the API: the task retries with backoff, nothing else changes. */
    public boolean isPassing() {
        return passing;
    }

    public static ApiFault classify(Throwable fault) {
        return kindOf(causeIn(fault));
    }

    /** The exception in the chain that says what kind of fault it is (Camel wraps them): the first one known. */
    static Throwable causeIn(Throwable fault) {
        for (Throwable cause = fault; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (kindOf(cause) != OTHER) {
                return cause;
            }
        }
        return fault;
    }

    private static ApiFault kindOf(Throwable cause) {
        if (cause == null) {
            return OTHER;
        }
        if (cause instanceof NotFoundAnswerException) {
            return NOT_FOUND;
        }
        if (cause instanceof HttpOperationFailedException http) {
            return switch (http.getStatusCode()) {
                case 401 -> KEY_REFUSED;
                case 403 -> FORBIDDEN;
                case 429 -> RATE_LIMITED;
                default -> FetchAnswerReader.isTaskNotFound(http.getResponseBody()) ? NOT_FOUND : HTTP_ERROR;
            };
        }
        if (cause instanceof FetchAnswerReader.MalformedAnswerException) {
            return UNUSABLE_ANSWER;
        }
        if (cause instanceof ApiRequestLimits.AnswerTooLargeException) {
            return TOO_LARGE;
        }
        if (cause instanceof SocketTimeoutException || cause instanceof ConnectTimeoutException || cause instanceof InterruptedIOException) {
            return TIMEOUT;
        }
        if (cause instanceof UnknownHostException) {
            return UNKNOWN_HOST;
        }
        if (cause instanceof SSLException) {
            return TLS;
        }
        if (cause instanceof ConnectException || cause instanceof SocketException
                || cause instanceof NoHttpResponseException || cause instanceof ConnectionClosedException) {
            return NETWORK;
        }
        return OTHER;
    }
}

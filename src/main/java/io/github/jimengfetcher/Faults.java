package io.github.jimengfetcher;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import org.apache.camel.http.base.HttpOperationFailedException;

/** Short, secret-free descriptions of faults for logs and task records. */
public final class Faults {

    private Faults() {
    }

    /** The kind of fault, for logging once per episode: like describe, without the details of one task. */
    public static String episode(Throwable fault) {
        FetchAnswerReader.MalformedAnswerException unusable = FetchAnswerReader.unusableAnswerIn(fault);
        return unusable != null ? unusable.episode() : describe(fault);
    }

    public static String describe(Throwable fault) {
        Throwable cause = fault;
        while (cause.getCause() != null && cause.getCause() != cause
                && !(cause instanceof HttpOperationFailedException) && !(cause instanceof FetchAnswerReader.MalformedAnswerException)) {
            if (cause instanceof java.io.IOException) {
                break;
            }
            cause = cause.getCause();
        }
        if (cause instanceof HttpOperationFailedException http) {
            return "HTTP " + http.getStatusCode() + " from the API";
        }
        if (cause instanceof FetchAnswerReader.MalformedAnswerException unusable) {
            return unusable.describe();
        }
        if (cause instanceof ConnectException) {
            return "API unreachable (connection refused)";
        }
        if (cause instanceof SocketTimeoutException) {
            return "API timed out";
        }
        if (cause instanceof UnknownHostException) {
            return "API host unknown (" + cause.getMessage() + ")";
        }
        if (cause instanceof java.io.IOException) {
            return "network fault (" + cause.getClass().getSimpleName() + ")";
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}

package io.github.jimengfetcher.api;

import java.net.ConnectException;

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
        Throwable cause = ApiFault.causeIn(fault);
        return switch (ApiFault.classify(fault)) {
            case KEY_REFUSED, FORBIDDEN, RATE_LIMITED, NOT_FOUND, HTTP_ERROR -> {
                HttpOperationFailedException http = (HttpOperationFailedException) cause;
                yield http.getStatusCode() >= 300 && http.getStatusCode() < 400 ? redirect(http)
                        : "HTTP " + http.getStatusCode() + " from the API";
            }
            case UNUSABLE_ANSWER -> ((FetchAnswerReader.MalformedAnswerException) cause).describe();
            case TOO_LARGE -> cause.getMessage();
            case TIMEOUT -> cause instanceof ApiRequestLimits.RequestDeadlineException ? cause.getMessage() : "API timed out";
            case UNKNOWN_HOST -> "API host unknown (" + cause.getMessage() + ")";
            case TLS -> "TLS with the API failed (" + cause.getClass().getSimpleName() + "): its certificate is not trusted by this "
                    + "Java, or jimeng.api.base-url says https where the API speaks http";
            case NETWORK -> cause instanceof ConnectException ? "API unreachable (connection refused)"
                    : "network fault (" + cause.getClass().getSimpleName() + ")";
            case OTHER -> cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        };
    }

    /**
     * The API never redirects a fetch: a redirect means jimeng.api.base-url points somewhere else,
     * typically http:// where the API answers on https://, or a wrong host or path.
     * Where it points is said without its query, which may carry secrets.
     */
    private static String redirect(HttpOperationFailedException http) {
        String location = http.getRedirectLocation();
        String target = location == null || location.isBlank() ? "no Location given" : "to " + withoutQuery(location.strip());
        return "HTTP " + http.getStatusCode() + " from the API, a redirect " + target
                + ": jimeng.api.base-url probably points to the wrong place (http instead of https, or a wrong host or path); "
                + "set it to the API root the redirect names";
    }

    static String withoutQuery(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', '#'}) {
            int at = url.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        String plain = url.substring(0, cut);
        // user:password@ in the redirect target is a secret too
        return plain.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1");
    }
}

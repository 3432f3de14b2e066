package io.github.jimengfetcher.api;

import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * An HTTP error answer that a provider's file says means "no such task" (Ark's 404
 * ResourceNotFound): the API's word, as task_not_exist is ({@link ApiFault#NOT_FOUND}). The answer
 * itself is kept as it came, the exception it was met as replaced by this one.
 */
public final class NotFoundAnswerException extends HttpOperationFailedException {

    private final String answered;

    /** @param answered what the answer said, for the failure record: "HTTP 404 ResourceNotFound" */
    public NotFoundAnswerException(HttpOperationFailedException answer, String answered) {
        super(answer.getUri(), answer.getStatusCode(), answer.getStatusText(), answer.getRedirectLocation(), answer.getResponseHeaders(),
                answer.getResponseBody());
        this.answered = answered;
    }

    public String answered() {
        return answered;
    }
}

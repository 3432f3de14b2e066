package io.github.jimengfetcher.notify;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * A notification the listener accepted (secret and size right), handed to the route that reads and
 * acts on it (routes/notify.yaml, {@code direct:notification}) with its provider in variable
 * {@code provider}; the route leaves its outcome in variable {@code outcome}. A body the provider's
 * reader refused comes back with the reader's reason.
 */
public class NotificationHandoff {

    /** Rejected by the route: not JSON, no task id, an invalid one. */
    public static final String REJECTED_BODY = "rejected_body";

    /** The route's outcome, with the reason when the body was refused. */
    public record Outcome(String name, String refusal) {
    }

    private final ProducerTemplate template;

    public NotificationHandoff(ProducerTemplate template) {
        this.template = template;
    }

    /** Throws when the notification could not be taken (the store out of reach, say): the sender is to send it again. */
    Outcome hand(String provider, String body) {
        Exchange done = template.send("direct:notification", exchange -> {
            exchange.getMessage().setBody(body);
            exchange.setVariable("provider", provider);
        });
        String outcome = done.getVariable("outcome", String.class);
        Throwable fault = done.getException() != null ? done.getException() : done.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (REJECTED_BODY.equals(outcome)) {
            return new Outcome(outcome, refusal(fault));
        }
        if (outcome == null || outcome.equals("failed") || done.getException() != null) {
            throw new IllegalStateException(fault == null ? "the route gave no outcome" : fault.getMessage(), fault);
        }
        return new Outcome(outcome, null);
    }

    /** The reader's own words, under whatever Camel wrapped them in. */
    private static String refusal(Throwable fault) {
        for (Throwable cause = fault; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IllegalArgumentException refused) {
                return refused.getMessage();
            }
        }
        return fault == null ? "the body cannot be read" : fault.getMessage();
    }
}

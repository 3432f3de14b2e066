package io.github.jimengfetcher.observe;

import java.util.List;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import io.github.jimengfetcher.api.ApiFault;
import io.github.jimengfetcher.life.ApiHealth;

/**
 * Counts every call of GET {base-url}/jimeng/fetch/{id} by how it ended, as Camel reports
 * it sent the exchange, so the fetch and fault routes need no metrics steps of their own.
 */
public class FetchOutcomes extends EventNotifierSupport {

    /**
     * answered: a 2xx answer (readable or not); the others are the faults the routes tell apart.
     * key_refused is a 401; a 403 is forbidden, as it may be one task's refusal (see AfterFault).
     */
    public static final List<String> OUTCOMES = List.of(
            "answered", "not_found", "key_refused", "forbidden", "rate_limited", "http_error", "timeout", "network_error", "other_error");

    private static final String FETCH_PATH = "/jimeng/fetch";

    private final TaskMetrics metrics;

    public FetchOutcomes(TaskMetrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    /** Camel reports a send as done only when a notifier took its start: both are taken, the end is counted. */
    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSendingEvent sending && isFetch(sending.getEndpoint())
                || event instanceof CamelEvent.ExchangeSentEvent sent && isFetch(sent.getEndpoint());
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            metrics.fetched(outcomeOf(sent.getExchange()));
        }
    }

    static boolean isFetch(Endpoint endpoint) {
        String uri = endpoint.getEndpointBaseUri();
        return (uri.startsWith("http:") || uri.startsWith("https:")) && uri.endsWith(FETCH_PATH);
    }

    static String outcomeOf(Exchange exchange) {
        Throwable fault = exchange.getException();
        return fault == null ? "answered" : ApiFault.classify(fault).outcome();
    }
}

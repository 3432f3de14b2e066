package io.github.jimengfetcher.observe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finished-task events wait in memory for the extension routes (see routes/hooks.yaml). A stop
 * hands on what it can within camel.main.shutdown-timeout; what a subscriber did not get by then
 * is counted in one line at the stop, so a slow subscriber never loses events without a word.
 * The records under output/ are not affected.
 *
 * Each event published (routes/hooks.yaml calls {@link #publishedSucceeded} or {@link #publishedFailed}) is owed once to every route
 * subscribed to its queue; each exchange a subscriber route completes or fails, as Camel reports
 * it, pays one back.
 */
public class HookEventsOnStop {

    private static final Logger LOG = LoggerFactory.getLogger(HookEventsOnStop.class);
    private static final List<String> QUEUES = List.of("task-succeeded-events", "task-failed-events", "task-any-events");

    private final AtomicLong owed = new AtomicLong();
    private final AtomicLong handed = new AtomicLong();
    private volatile Subscribed subscribed;

    /** The hook queues' endpoints, as found when the context had this many endpoints. */
    private record Subscribed(int endpoints, Map<String, List<SedaEndpoint>> byQueue) {
    }

    /** Counts, from Camel's events, the exchanges the subscriber routes complete or fail: before the routes start. */
    public void watch(CamelContext context) {
        context.getManagementStrategy().addEventNotifier(new Counter());
    }

    /** A task-succeeded event is about to go to its queue and the queue of any outcome (routes/hooks.yaml). */
    public void publishedSucceeded(Exchange exchange) {
        published(exchange.getContext(), "task-succeeded-events");
        published(exchange.getContext(), "task-any-events");
    }

    /** A task-failed event is about to go to its queue and the queue of any outcome (routes/hooks.yaml). */
    public void publishedFailed(Exchange exchange) {
        published(exchange.getContext(), "task-failed-events");
        published(exchange.getContext(), "task-any-events");
    }

    private void published(CamelContext context, String queue) {
        for (SedaEndpoint seda : subscribed(context, queue)) {
            owed.addAndGet(seda.getConsumers().size());
        }
    }

    /**
     * The endpoints of the queue of this name (subscribers attach to their own endpoint of it: their URI
     * may differ). Looked up again only when the context's endpoints change, not for every finished task.
     */
    private List<SedaEndpoint> subscribed(CamelContext context, String queue) {
        int endpoints = context.getEndpointRegistry().size();
        Subscribed known = subscribed;
        if (known == null || known.endpoints() != endpoints) {
            Map<String, List<SedaEndpoint>> byQueue = new HashMap<>();
            for (String name : QUEUES) {
                byQueue.put(name, new ArrayList<>());
            }
            for (Endpoint endpoint : context.getEndpoints()) {
                SedaEndpoint seda = hookQueue(endpoint);
                if (seda != null) {
                    byQueue.get(queueOf(seda)).add(seda);
                }
            }
            known = new Subscribed(endpoints, byQueue);
            subscribed = known;
        }
        return known.byQueue().get(queue);
    }

    /** After the stop: what the subscribers did not get, in one line. */
    public void reportLost() {
        long lost = owed.get() - handed.get();
        if (lost > 0) {
            LOG.warn("{} finished-task events had not been through the extension routes when the app stopped (their records "
                    + "are under output/; a longer camel.main.shutdown-timeout gives slow subscribers more time)", lost);
        }
    }

    private static SedaEndpoint hookQueue(Endpoint endpoint) {
        return endpoint instanceof SedaEndpoint seda && queueOf(seda) != null ? seda : null;
    }

    /** The hook queue this endpoint is one of, or null. */
    private static String queueOf(SedaEndpoint seda) {
        String uri = seda.getEndpointBaseUri();
        for (String queue : QUEUES) {
            if (uri.endsWith("/" + queue) || uri.endsWith(":" + queue)) {
                return queue;
            }
        }
        return null;
    }

    private final class Counter extends EventNotifierSupport {

        Counter() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeRedeliveryEvents(true);
            setIgnoreExchangeSendingEvents(true);
            setIgnoreExchangeSentEvents(true);
        }


        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent) {
                Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
                if (exchange.getFromEndpoint() != null && hookQueue(exchange.getFromEndpoint()) != null) {
                    handed.incrementAndGet();
                }
            }
        }
    }
}

package io.github.jimengfetcher.observe;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
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
 * Each event published (routes/hooks.yaml calls {@link #published}) is owed once to every route
 * subscribed to its queue; each exchange a subscriber route completes or fails, as Camel reports
 * it, pays one back.
 */
public class HookEventsOnStop extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HookEventsOnStop.class);
    private static final List<String> QUEUES = List.of("task-succeeded-events", "task-failed-events");

    private final AtomicLong owed = new AtomicLong();
    private final AtomicLong handed = new AtomicLong();

    @Override
    public void afterConfigure(BaseMainSupport main) {
        main.getCamelContext().getManagementStrategy().addEventNotifier(new Counter());
        main.getCamelContext().getRegistry().bind("hookEvents", this);
    }

    /** An event is about to go to the queue of this name (task-succeeded-events or task-failed-events). */
    public void published(Exchange exchange, String queue) {
        // Subscribers attach to their own endpoint of the queue (their URI may differ): count them all.
        for (Endpoint endpoint : exchange.getContext().getEndpoints()) {
            SedaEndpoint seda = hookQueue(endpoint);
            if (seda != null && seda.getEndpointBaseUri().endsWith(queue)) {
                owed.addAndGet(seda.getConsumers().size());
            }
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        long lost = owed.get() - handed.get();
        if (lost > 0) {
            LOG.warn("{} finished-task events had not been through the extension routes when the app stopped (their records "
                    + "are under output/; a longer camel.main.shutdown-timeout gives slow subscribers more time)", lost);
        }
    }

    private static SedaEndpoint hookQueue(Endpoint endpoint) {
        if (endpoint instanceof SedaEndpoint seda) {
            String uri = seda.getEndpointBaseUri();
            for (String queue : QUEUES) {
                if (uri.endsWith("/" + queue) || uri.endsWith(":" + queue)) {
                    return seda;
                }
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

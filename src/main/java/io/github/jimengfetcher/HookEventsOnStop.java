package io.github.jimengfetcher;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Endpoint;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finished-task events wait in memory for the extension routes (see routes/hooks.yaml). A stop
 * hands on what it can within camel.main.shutdown-timeout; what is still queued after the stop
 * is counted in one line, so a slow subscriber never drops events without a word. The records
 * under output/ are not affected.
 */
public class HookEventsOnStop extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HookEventsOnStop.class);
    private static final List<String> QUEUES = List.of("task-succeeded-events", "task-failed-events");

    private final List<SedaEndpoint> queues = new ArrayList<>();

    /** The endpoints are gone from the context once it stopped: keep hold of them now. */
    @Override
    public void beforeStop(BaseMainSupport main) {
        queues.clear();
        if (main.getCamelContext() == null) {
            return;
        }
        for (Endpoint endpoint : main.getCamelContext().getEndpoints()) {
            if (endpoint instanceof SedaEndpoint seda && QUEUES.contains(seda.getEndpointBaseUri().replaceFirst("^seda:(//)?", ""))) {
                queues.add(seda);
            }
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        int left = 0;
        for (SedaEndpoint queue : queues) {
            left += queue.getQueue().size();
        }
        if (left > 0) {
            LOG.warn("{} finished-task events were not handed to the extension routes before the stop (their records "
                    + "are under output/; a longer camel.main.shutdown-timeout gives slow subscribers more time)", left);
        }
        queues.clear();
    }
}

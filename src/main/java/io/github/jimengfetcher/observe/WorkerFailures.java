package io.github.jimengfetcher.observe;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.task.Lease;

/**
 * A worker thread that dies of an Error (out of memory, a stack overflow) where Camel's own code
 * catches only exceptions: a timer's thread or a queue consumer's. Left alone, its route would
 * take no more work while Camel still calls it started, and the claim it carried would keep its
 * slot and lease for ever. So the route's consumer works again (a queue consumer gets a new thread,
 * a timer a new timer), the claims the thread carried are given back, their tasks due at once, and
 * health is DOWN naming the Error and the route until the process is restarted: a process that
 * ran out of memory once is not to be trusted (deploys exit on it: -XX:+ExitOnOutOfMemoryError).
 *
 * Installed as the default handler of uncaught throwables while the app runs.
 */
public class WorkerFailures extends ServiceSupport implements Thread.UncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerFailures.class);

    private final CamelContext context;
    private final DueWork dueWork;
    /** By where it happened ("route claim-due-downloads", "thread video-finish-1"), the latest failure's description. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private Thread.UncaughtExceptionHandler previous;

    public WorkerFailures(CamelContext context, DueWork dueWork) {
        this.context = context;
        this.dueWork = dueWork;
    }

    @Override
    protected void doStart() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(this);
    }

    @Override
    protected void doStop() {
        if (Thread.getDefaultUncaughtExceptionHandler() == this) {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    /** Each route whose worker died, as health says it; empty while none did. */
    public List<String> current() {
        return failures.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(failure -> "a worker failed with " + failure.getValue() + " in " + failure.getKey())
                .toList();
    }

    @Override
    public void uncaughtException(Thread thread, Throwable fault) {
        Route route = routeOf(thread);
        String what = fault.getClass().getSimpleName() + (fault.getMessage() == null ? "" : ": " + fault.getMessage());
        if (route == null || !isStarted()) {
            if (fault instanceof Error && isStarted()) {
                // no route to start again (a thread of a library's own pool), but the process is just as suspect
                failures.put("thread " + thread.getName(), what);
            }
            LOG.error("thread {} died of {}", thread.getName(), what, fault);
            if (previous != null) {
                previous.uncaughtException(thread, fault);
            }
            return;
        }
        failures.put("route " + route.getRouteId(), what);
        LOG.error("a worker failed with {} in route {} (thread {}); its work is started again", what, route.getRouteId(),
                thread.getName(), fault);
        // Not on the dying thread: a stop of the route's consumer may wait for it.
        Thread restart = new Thread(() -> startAgain(route, thread), thread.getName());
        restart.setDaemon(true);
        restart.start();
    }

    private void startAgain(Route route, Thread dead) {
        try {
            // First the claims it carried, before the route claims anew.
            int given = dueWork.giveBackClaimsOf(dead, this::queuedLeases);
            Consumer consumer = route.getConsumer();
            if (consumer instanceof Runnable worker) {
                // A queue consumer runs one loop per thread: a new thread takes the dead one's place.
                Thread replacement = new Thread(worker, dead.getName());
                replacement.setDaemon(dead.isDaemon());
                replacement.start();
            } else {
                // A timer whose thread died is cancelled for good: a restart of the consumer makes a new one.
                // A timer started while the app is still starting waits for a start that has already been announced.
                while (context.getStatus().isStarting()) {
                    Thread.sleep(50);
                }
                ServiceHelper.stopService(consumer);
                ServiceHelper.initService(consumer);
                ServiceHelper.startService(consumer);
            }
            LOG.warn("route {} works again; {} task(s) it was working on are due again", route.getRouteId(), given);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            LOG.error("route {} could not be started again after its worker died: {}", route.getRouteId(), e.toString(), e);
        }
    }

    /** A thread of a consumer is named after its endpoint: "Camel (ctx) thread #5 - seda://download-video?...". */
    private Route routeOf(Thread thread) {
        String name = thread.getName();
        int at = name.lastIndexOf(" - ");
        if (at < 0) {
            return null;
        }
        String uri = name.substring(at + 3);
        int query = uri.indexOf('?');
        String base = query < 0 ? uri : uri.substring(0, query);
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint().getEndpointBaseUri().equals(base)) {
                return route;
            }
        }
        return null;
    }

    private Set<Lease> queuedLeases() {
        Set<Lease> queued = new HashSet<>();
        for (var endpoint : context.getEndpoints()) {
            if (endpoint instanceof SedaEndpoint seda) {
                for (Exchange exchange : seda.getQueue()) {
                    if (exchange.getMessage().getBody() instanceof Lease lease) {
                        queued.add(lease);
                    }
                }
            }
        }
        return queued;
    }
}

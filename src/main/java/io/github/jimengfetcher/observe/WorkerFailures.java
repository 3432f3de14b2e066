package io.github.jimengfetcher.observe;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
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
    /** Where nothing took the dead thread's place: a thread of no route, or a route whose start again failed. */
    private final Set<String> notReplaced = ConcurrentHashMap.newKeySet();
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

    /** Each route whose worker died, as health says it, and whether its work was started again; empty while none did. */
    public List<String> current() {
        return failures.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(failure -> "a worker failed with " + failure.getValue() + " in " + failure.getKey()
                        + (notReplaced.contains(failure.getKey())
                                ? " (nothing took its place; restart the app)"
                                : " (its work was started again; restart the app to clear this)"))
                .toList();
    }

    @Override
    public void uncaughtException(Thread thread, Throwable fault) {
        List<Route> routes = routesOf(thread);
        String what = fault.getClass().getSimpleName() + (fault.getMessage() == null ? "" : ": " + fault.getMessage());
        if (routes.isEmpty() || !isStarted()) {
            if (fault instanceof Error && isStarted()) {
                // no route to start again (a thread of a library's own pool), but the process is just as suspect
                failures.put("thread " + thread.getName(), what);
                notReplaced.add("thread " + thread.getName());
            }
            LOG.error("thread {} died of {}", thread.getName(), what, fault);
            if (previous != null) {
                previous.uncaughtException(thread, fault);
            }
            return;
        }
        String ids = (routes.size() == 1 ? "route " : "routes ")
                + routes.stream().map(Route::getRouteId).collect(java.util.stream.Collectors.joining(", "));
        routes.forEach(route -> {
            failures.put("route " + route.getRouteId(), what);
            notReplaced.remove("route " + route.getRouteId());
        });
        LOG.error("a worker failed with {} in {} (thread {}); its work is started again", what, ids, thread.getName(), fault);
        // Not on the dying thread: a stop of the route's consumer may wait for it.
        Thread restart = new Thread(() -> startAgain(routes, ids, thread), thread.getName());
        restart.setDaemon(true);
        restart.start();
    }

    private void startAgain(List<Route> routes, String ids, Thread dead) {
        try {
            // First the claims it carried, before the route claims anew.
            int given = dueWork.giveBackClaimsOf(dead, this::queuedLeases);
            if (routes.size() == 1 && routes.get(0).getConsumer() instanceof Runnable worker) {
                // A queue consumer runs one loop per thread: a new thread takes the dead one's place.
                Thread replacement = new Thread(worker, dead.getName());
                replacement.setDaemon(dead.isDaemon());
                replacement.start();
            } else {
                // A timer whose thread died is cancelled for good: a restart of the consumer makes a new one.
                // Routes on one timer share that thread: the timer is made anew only once all of them let go of it.
                // A timer started while the app is still starting waits for a start that has already been announced.
                while (context.getStatus().isStarting()) {
                    Thread.sleep(50);
                }
                routes.forEach(route -> ServiceHelper.stopService(route.getConsumer()));
                for (Route route : routes) {
                    ServiceHelper.initService(route.getConsumer());
                    ServiceHelper.startService(route.getConsumer());
                }
            }
            LOG.warn("{} {} again; {} task(s) it was working on are due again", ids, routes.size() == 1 ? "works" : "work", given);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            routes.forEach(route -> notReplaced.add("route " + route.getRouteId()));
            LOG.error("{} could not be started again after its worker died: {}", ids, e.toString(), e);
        }
    }

    /**
     * A thread of a consumer is named after its endpoint: "Camel (ctx) thread #5 - seda://download-video?...";
     * every route consuming from that endpoint (routes on one named timer share its thread).
     */
    private List<Route> routesOf(Thread thread) {
        String name = thread.getName();
        int at = name.lastIndexOf(" - ");
        if (at < 0) {
            return List.of();
        }
        String uri = name.substring(at + 3);
        int query = uri.indexOf('?');
        String base = query < 0 ? uri : uri.substring(0, query);
        return context.getRoutes().stream().filter(route -> route.getEndpoint().getEndpointBaseUri().equals(base)).toList();
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

package io.github.jimengfetcher.web;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import io.github.jimengfetcher.config.HttpSettings;

/**
 * Puts {@link HttpAccess} in front of every request to the app's HTTP port, whichever route serves
 * it (and before any body is read): the settings are checked before anything starts (bound beyond
 * loopback without a token, the app does not start), and the check goes onto Camel's HTTP router
 * before the first route can serve a request.
 *
 * A request let through no longer carries its Authorization header: no route can log or echo the token.
 *
 * Below the requests, the connections are held to {@link ConnectionLimits} (jimeng.http.max-connections,
 * jimeng.http.header-timeout) through the Vert.x instance the server is made with ({@link HttpServerVertx}),
 * and a server that does not listen fails the start instead of leaving the app running without it.
 */
public class HttpAccessGate {

    private HttpAccess access;
    private int port;
    private String host;
    private ConnectionLimits connections;
    private HttpServerVertx serverVertx;

    /**
     * Before the context is configured, with HTTP on: the server is then made with this gate's Vert.x.
     * @param maxBody the largest request body (as for an inbox file)
     */
    public void open(CamelContext context, HttpSettings http, long maxBody) {
        if (!http.enabled()) {
            return;
        }
        // Not stripped: a host with spaces around it is refused, not listened on.
        host = http.host();
        access = HttpAccess.of(host, http.token(), maxBody, String.join(",", http.allowedHosts()));
        port = http.port();
        Vertx vertx = Vertx.vertx();
        connections = new ConnectionLimits(vertx, http.headerTimeout().toMillis(), http.maxConnections());
        serverVertx = new HttpServerVertx(vertx, connections);
        context.getRegistry().bind("jimengHttpVertx", serverVertx.vertx());
        // A failure here fails the context's start, and with it the app's (a listener's afterStart could only log it).
        try {
            context.addStartupListener(this::checkListening);
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server's start cannot be watched", e);
        }
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextRoutesStartingEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                install(((CamelEvent.CamelContextRoutesStartingEvent) event).getContext());
            }
        });
    }

    /** Camel's HTTP server only logs a failure to listen; the app must not run on without its port. */
    private void checkListening(CamelContext context, boolean alreadyStarted) {
        if (!serverVertx.listening()) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (see the log above): set jimeng.http.host "
                    + "(env JIMENG_HTTP_HOST) and jimeng.http.port (env JIMENG_HTTP_PORT) to an address and free port of this machine, "
                    + "or jimeng.http.enabled=false");
        }
    }

    public void close() {
        if (serverVertx != null) {
            serverVertx.close();
        }
    }

    private void install(CamelContext context) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new IllegalStateException("the HTTP server on port " + port + " has no router to guard: it is not served");
        }
        // Before every route of the router, the platform-http routes' own body handlers included.
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
        // A body that passes the limit while it arrives (chunked, no Content-Length) is cut off by the
        // routes' body handler with a 413: answered like one announced too large, not logged as a fault.
        router.route().order(Integer.MIN_VALUE).failureHandler(this::tooLarge);
    }

    private void tooLarge(RoutingContext request) {
        if (request.statusCode() != HttpAccess.Verdict.TOO_LARGE.status()) {
            request.next();
        } else if (!request.response().ended() && !request.response().closed()) {
            refuse(request, HttpAccess.Verdict.TOO_LARGE);
        }
    }

    private void guard(RoutingContext request) {
        connections.requestArrived(request);
        HttpAccess.Verdict verdict = access.check(request.request().method().name(), request.normalizedPath(),
                request.request().getHeader(HttpHeaders.AUTHORIZATION), request.request().getHeader(HttpHeaders.ORIGIN),
                authority(request), request.request().getHeader(HttpHeaders.CONTENT_LENGTH));
        if (verdict == HttpAccess.Verdict.PASS) {
            request.request().headers().remove(HttpHeaders.AUTHORIZATION);
            request.next();
            return;
        }
        if (verdict == HttpAccess.Verdict.NO_TOKEN) {
            request.response().putHeader("WWW-Authenticate", "Bearer");
        }
        refuse(request, verdict);
    }

    private static void refuse(RoutingContext request, HttpAccess.Verdict verdict) {
        request.response().setStatusCode(verdict.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end("{\"reason\": \"" + HttpAccess.reason(verdict) + "\"}");
    }

    /** The host the client asked for: the Host header, or HTTP/2's :authority (a client may upgrade to it). */
    private static String authority(RoutingContext request) {
        io.vertx.core.net.HostAndPort authority = request.request().authority();
        if (authority == null) {
            return request.request().getHeader(HttpHeaders.HOST);
        }
        String host = authority.host();
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return authority.port() >= 0 ? host + ":" + authority.port() : host;
    }
}

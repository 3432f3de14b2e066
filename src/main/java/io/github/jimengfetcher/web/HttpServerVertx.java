package io.github.jimengfetcher.web;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.impl.VertxInternal;

/**
 * The Vert.x instance Camel's HTTP server is made with (Camel takes the one in its registry).
 * Camel creates its Vert.x HttpServer and starts it listening in one step, leaving no moment to
 * give it a connection handler, and Vert.x takes none once it listens; so every HttpServer made
 * through this instance gets {@link ConnectionLimits} as it is created, and speaks HTTP/1.x only
 * (without TLS, HTTP/2 is cleartext upgrade, which no browser uses). It also hears whether each
 * server came to listen: Camel only logs a server that failed to, and runs on without it.
 */
public final class HttpServerVertx {

    private final Vertx vertx;
    private final Vertx shown;
    private final List<Boolean> listening = new CopyOnWriteArrayList<>();

    /** @param connections told of every connection the servers accept */
    public HttpServerVertx(Vertx vertx, Handler<HttpConnection> connections) {
        this.vertx = vertx;
        this.shown = (Vertx) Proxy.newProxyInstance(HttpServerVertx.class.getClassLoader(), new Class<?>[] {VertxInternal.class},
                (proxy, method, args) -> {
                    if (args != null && args.length == 1 && args[0] instanceof HttpServerOptions options) {
                        // Cleartext HTTP/2 waits for a connection's first bytes before it is one Vert.x tells of:
                        // a client sending nothing would be neither counted nor timed. Browsers never use it.
                        options.setHttp2ClearTextEnabled(false);
                    }
                    Object answer = invoke(vertx, method, args);
                    if (answer instanceof HttpServer server && method.getName().equals("createHttpServer")) {
                        server.connectionHandler(connections);
                        return watched(server);
                    }
                    return answer;
                });
    }

    /** The server, telling {@link #listening} how its listen ended. */
    private HttpServer watched(HttpServer server) {
        int index = listening.size();
        listening.add(false);
        return (HttpServer) Proxy.newProxyInstance(HttpServerVertx.class.getClassLoader(), new Class<?>[] {HttpServer.class},
                (proxy, method, args) -> {
                    Object[] arguments = args;
                    if (method.getName().equals("listen") && args != null && args.length > 0 && args[args.length - 1] instanceof Handler<?> handler) {
                        arguments = args.clone();
                        arguments[args.length - 1] = (Handler<AsyncResult<HttpServer>>) result -> {
                            listening.set(index, result.succeeded());
                            @SuppressWarnings("unchecked")
                            Handler<AsyncResult<HttpServer>> camel = (Handler<AsyncResult<HttpServer>>) handler;
                            camel.handle(result);
                        };
                    }
                    Object answer = invoke(server, method, arguments);
                    if (method.getName().equals("listen") && answer instanceof Future<?> future) {
                        future.onComplete(result -> listening.set(index, result.succeeded()));
                    }
                    return answer == server ? proxy : answer;
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** What goes into Camel's registry. */
    public Vertx vertx() {
        return shown;
    }

    /** Whether an HTTP server was made and every one made listens. */
    public boolean listening() {
        return !listening.isEmpty() && !listening.contains(false);
    }

    public void close() {
        vertx.close();
    }
}

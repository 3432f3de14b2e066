package io.github.jimengfetcher.web;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * What a client may hold of the HTTP server: at most {@code maxConnections} connections at once
 * (one more is closed as soon as it is accepted), and a connection must bring its request, headers
 * and body, within {@code headerTimeout} of being accepted or of its previous answer's end. Vert.x's
 * own idle timeout starts again with every byte, so a client sending a header line now and then
 * would otherwise hold its connection, and a file handle of this process, for ever.
 *
 * A connection still waiting for its headers is answered 408 and closed; one whose body is still
 * coming is closed. Requests being answered (a video streaming out, say) are not timed.
 */
public final class ConnectionLimits implements Handler<HttpConnection> {

    private static final String TIMED_OUT_BODY = "{\"reason\": \"the request did not arrive within jimeng.http.header-timeout\"}";
    private static final byte[] TIMED_OUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
            + "Connection: close\r\nContent-Length: " + TIMED_OUT_BODY.length() + "\r\n\r\n" + TIMED_OUT_BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private final Vertx vertx;
    private final long headerTimeoutMillis;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Deadline> deadlines = new ConcurrentHashMap<>();

    public ConnectionLimits(Vertx vertx, long headerTimeoutMillis, int maxConnections) {
        this.vertx = vertx;
        this.headerTimeoutMillis = headerTimeoutMillis;
        this.maxConnections = maxConnections;
    }

    /** A connection was accepted. */
    @Override
    public void handle(HttpConnection connection) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            connection.close();
            return;
        }
        Deadline deadline = new Deadline(connection);
        deadlines.put(connection, deadline);
        connection.closeHandler(closed -> {
            if (deadlines.remove(connection) != null) {
                open.decrementAndGet();
            }
            deadline.cancel();
        });
        deadline.arm();
    }

    /** A request's headers have arrived; the connection's clock starts again once it is answered. */
    public void requestArrived(RoutingContext request) {
        Deadline deadline = deadlines.get(request.request().connection());
        if (deadline != null) {
            deadline.begin(request.request());
            request.addEndHandler(ended -> deadline.end());
        }
    }

    private final class Deadline {

        private final HttpConnection connection;
        private long timer = -1;
        private int answering;
        private HttpServerRequest last;
        private boolean closed;

        Deadline(HttpConnection connection) {
            this.connection = connection;
        }

        synchronized void arm() {
            if (closed) {
                return;
            }
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            timer = vertx.setTimer(headerTimeoutMillis, fired -> expire());
        }

        synchronized void begin(HttpServerRequest request) {
            answering++;
            last = request;
        }

        void end() {
            boolean idle;
            synchronized (this) {
                answering = Math.max(0, answering - 1);
                idle = answering == 0;
            }
            if (idle) {
                arm();
            }
        }

        synchronized void cancel() {
            closed = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        private void expire() {
            boolean waitingForHeaders;
            boolean bodyStillComing;
            synchronized (this) {
                timer = -1;
                if (closed) {
                    return;
                }
                waitingForHeaders = answering == 0;
                bodyStillComing = !waitingForHeaders && last != null && !last.isEnded();
            }
            if (waitingForHeaders) {
                timedOut(connection);
            } else if (bodyStillComing) {
                connection.close();
            }
        }
    }

    /**
     * 408 written straight after Vert.x's response encoder: no response object exists before the
     * headers are read. Over HTTP/2 (no such encoder) the connection is just closed.
     */
    private static void timedOut(HttpConnection connection) {
        if (connection instanceof io.vertx.core.net.impl.ConnectionBase base) {
            ChannelHandlerContext encoder = base.channel().pipeline().context(HttpResponseEncoder.class);
            if (encoder != null) {
                encoder.writeAndFlush(Unpooled.wrappedBuffer(TIMED_OUT)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        connection.close();
    }
}

package io.github.jimengfetcher.notify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.config.HttpSettings;
import io.github.jimengfetcher.config.NotifySettings;
import io.github.jimengfetcher.web.ConnectionLimits;

/**
 * The port notifications come to (jimeng.notify.*), apart from the status server: only
 * {@code POST /notify/{secret}} (tasks of jimeng.provider) and {@code POST /notify/{provider}/{secret}},
 * everything else 404. The checks go cheapest and most telling first: the secret (404 before any byte
 * of the body is read, compared in constant time), the size (413 past {@link #MAX_BODY}), the signature
 * where the provider's are signed (401, {@link WebhookSignature}), then the body and the rate, which the
 * route says (routes/notify.yaml, through {@link NotificationHandoff}). The status server's connection
 * limits hold here too; its Host rule does not (senders are far away).
 */
public final class NotificationListener {

    /** Real notifications are a few KB: a task object or a fetch answer. */
    public static final int MAX_BODY = 65_536;

    private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);

    private final NotifySettings settings;
    private final HttpSettings http;
    private final Set<String> providers;
    private final String defaultProvider;
    private final NotificationHandoff handoff;
    private final Consumer<String> counted;
    private final byte[] secret;
    private final Map<String, WebhookSignature> signatures;
    private final SenderLog senders = new SenderLog();
    private Vertx vertx;

    /**
     * @param providers       the names of the providers notifications may come for
     * @param defaultProvider jimeng.provider, of POST /notify/{secret}
     * @param signatures      the providers whose notifications must be signed, each with its secret's check
     * @param counted         told the outcome of every request on a notification path
     */
    public NotificationListener(NotifySettings settings, HttpSettings http, Set<String> providers, String defaultProvider,
            Map<String, WebhookSignature> signatures, NotificationHandoff handoff, Consumer<String> counted) {
        this.settings = settings;
        this.http = http;
        this.providers = Set.copyOf(providers);
        this.defaultProvider = defaultProvider;
        this.handoff = handoff;
        this.counted = counted;
        this.secret = settings.secret().getBytes(StandardCharsets.UTF_8);
        this.signatures = Map.copyOf(signatures);
    }

    /** Listens, or throws naming the setting to change; notifications wait for nothing else to start. */
    public void start() {
        vertx = Vertx.vertx();
        ConnectionLimits limits = new ConnectionLimits(vertx, http.headerTimeout().toMillis(), http.maxConnections());
        Router router = Router.router(vertx);
        router.route().order(Integer.MIN_VALUE).handler(request -> {
            limits.requestArrived(request);
            request.next();
        });
        router.post("/notify/:secret").handler(request -> receive(request, defaultProvider, request.pathParam("secret")));
        router.post("/notify/:provider/:secret").handler(request -> receive(request, request.pathParam("provider"),
                request.pathParam("secret")));
        router.route().handler(request -> answer(request, 404, "{\"reason\": \"not found\"}"));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(settings.host()).setPort(settings.port())
                .setHttp2ClearTextEnabled(false)).connectionHandler(limits).requestHandler(router);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("jimeng.notify.port=" + settings.port() + ": cannot listen on " + settings.host() + ":"
                    + settings.port() + " (" + cause.getMessage() + "): set jimeng.notify.port (env JIMENG_NOTIFY_PORT) to a free port, "
                    + "or jimeng.notify.enabled=false", e);
        }
        String shown = settings.publicUrl().isEmpty() ? "http://" + settings.host() + ":" + settings.port() : settings.publicUrl();
        // The secret is the one thing a forged notification needs: never in the log, even written into the public URL.
        shown = shown.replace(settings.secret(), "{secret}");
        LOG.info("Notifications: listening on {}:{}; point the API's notify_hook or callback_url at {}/notify/{secret} "
                + "(tasks of {}) or {}/notify/{provider}/{secret}, with the secret of jimeng.notify.secret", settings.host(), settings.port(),
                shown, defaultProvider, shown);
    }

    public void stop() {
        if (vertx != null) {
            vertx.close();
            vertx = null;
        }
    }

    private void receive(RoutingContext request, String provider, String given) {
        // Compared whatever the provider, so a wrong provider takes as long as a wrong secret.
        boolean secretMatches = MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), secret);
        if (!secretMatches || !providers.contains(provider)) {
            refused(request, 404, "rejected_secret", "not found", "a wrong secret or provider in the path");
            return;
        }
        String length = request.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLong(length)) {
            refused(request, 413, "rejected_size", "the body is larger than " + MAX_BODY + " bytes", "");
            return;
        }
        HttpServerRequest incoming = request.request();
        Buffer body = Buffer.buffer();
        boolean[] over = {false};
        incoming.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > MAX_BODY) {
                over[0] = true;
                refused(request, 413, "rejected_size", "the body is larger than " + MAX_BODY + " bytes", "");
                return;
            }
            body.appendBuffer(chunk);
        });
        incoming.exceptionHandler(fault -> over[0] = true);
        incoming.endHandler(ended -> {
            if (!over[0] && signed(request, provider, body)) {
                handOff(request, provider, text(body.getBytes()));
            }
        });
        incoming.resume();
    }

    /** A provider with a signing secret: its notifications are signed by it (401 otherwise), checked before the body is read. */
    private boolean signed(RoutingContext request, String provider, Buffer body) {
        WebhookSignature signature = signatures.get(provider);
        if (signature == null) {
            return true;
        }
        HttpServerRequest incoming = request.request();
        String refusal = signature.refusal(incoming.getHeader("webhook-id"), incoming.getHeader("webhook-timestamp"),
                incoming.getHeader("webhook-signature"), body.getBytes(), System.currentTimeMillis());
        if (refusal == null) {
            return true;
        }
        refused(request, 401, "rejected_signature", refusal, "");
        return false;
    }

    private static boolean tooLong(String length) {
        try {
            return Long.parseLong(length.strip()) > MAX_BODY;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The route runs off the event loop: the store may take a moment (a database). */
    private void handOff(RoutingContext request, String provider, String body) {
        vertx.executeBlocking(() -> handoff.hand(provider, body), false).onComplete(done -> {
            if (done.failed()) {
                counted.accept("failed");
                if (senders.mayLog("failed", System.currentTimeMillis())) {
                    LOG.warn("A notification for provider {} could not be taken now, answered 503 (said at most once a minute): {}",
                            provider, done.cause().getMessage());
                }
                answer(request, 503, "{\"reason\": \"the notification could not be taken now; send it again\"}");
                return;
            }
            NotificationHandoff.Outcome outcome = done.result();
            if (NotificationHandoff.REJECTED_BODY.equals(outcome.name())) {
                refused(request, 400, NotificationHandoff.REJECTED_BODY, outcome.refusal(), "");
            } else if (Notifications.REJECTED_RATE.equals(outcome.name())) {
                refused(request, 429, Notifications.REJECTED_RATE, "more than " + settings.maxPerSecond()
                        + " notifications a second (jimeng.notify.max-per-second)", null);
            } else {
                counted.accept(outcome.name());
                answer(request, 200, "{\"outcome\": \"" + outcome.name() + "\"}");
            }
        });
    }

    /** @param logged what the log says of it (at most once a minute per sender), or null for nothing */
    private void refused(RoutingContext request, int status, String outcome, String reason, String logged) {
        counted.accept(outcome);
        if (logged != null) {
            String sender = request.request().remoteAddress() == null ? "?" : request.request().remoteAddress().host();
            if (senders.mayLog(sender, System.currentTimeMillis())) {
                LOG.warn("Notification from {} refused, {}: {}{} (said at most once a minute per sender)", sender, status, reason,
                        logged.isEmpty() ? "" : " (" + logged + ")");
            }
        }
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        answer(request, status, "{\"reason\": " + quoted(reason) + "}");
    }

    private static void answer(RoutingContext request, int status, String json) {
        if (request.response().ended() || request.response().closed()) {
            return;
        }
        request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json);
    }

    private static String quoted(String text) {
        return io.vertx.core.json.Json.encode(text.length() > 300 ? text.substring(0, 300) + "..." : text);
    }

    /**
     * The body as text: UTF-8, or UTF-16 where a byte order mark says so; a UTF-8 mark is dropped. A
     * sender that writes a mark is still read, not refused as "not JSON".
     */
    static String text(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
            return new String(body, 3, body.length - 3, StandardCharsets.UTF_8);
        }
        if (body.length >= 2 && (body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff) {
            return new String(body, 2, body.length - 2, StandardCharsets.UTF_16BE);
        }
        if (body.length >= 2 && (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe) {
            return new String(body, 2, body.length - 2, StandardCharsets.UTF_16LE);
        }
        return new String(body, StandardCharsets.UTF_8);
    }
}

package io.github.jimengfetcher.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Headless Chromium driven over the DevTools protocol, with the JDK only: the browser is started
 * on a port of its own choosing, a page is opened through its /json/new endpoint, and scripts run
 * in the page (Runtime.evaluate) over the page's WebSocket. Enough to click a button and read
 * what the page shows, as a user would.
 */
public final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on ws://([^/\\s]+)/");
    private static final Duration ANSWER = Duration.ofSeconds(15);

    private final Process process;
    private final StringBuffer log = new StringBuffer();
    private final CompletableFuture<String> address = new CompletableFuture<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Page> pages = new CopyOnWriteArrayList<>();

    private Browser(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readErrors, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts Chromium headless, its profile in the given (empty) folder; waits until DevTools listens. */
    public static Browser start(Path chromium, Path profile) throws IOException {
        Process process = new ProcessBuilder(List.of(chromium.toString(),
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Browser browser = new Browser(process);
        try {
            browser.address.get(30, TimeUnit.SECONDS);
            return browser;
        } catch (Exception e) {
            browser.close();
            throw new IllegalStateException("Chromium did not open its DevTools port; its log: " + browser.log, e);
        }
    }

    /** Chromium's standard error, kept for failure messages; read to its end so that the browser never blocks on it. */
    private void readErrors() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                log.append(line).append('\n');
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    address.complete(listening.group(1));
                }
            }
        } catch (IOException e) {
            log.append("(log no longer readable: ").append(e.getMessage()).append(")\n");
        } finally {
            address.completeExceptionally(new IllegalStateException("Chromium ended"));
        }
    }

    /** Opens a new tab on this URL (PUT /json/new, as Chrome asks since version 111) and connects to it. */
    public Page open(String url) throws Exception {
        URI create = URI.create("http://" + address.get() + "/json/new?" + URLEncoder.encode(url, StandardCharsets.UTF_8));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(create).timeout(ANSWER)
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("Chromium did not open " + url + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
        URI socket = URI.create(JSON.readTree(answer.body()).path("webSocketDebuggerUrl").asText());
        Page page = new Page();
        page.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(socket, page).get(ANSWER.toSeconds(), TimeUnit.SECONDS);
        pages.add(page);
        return page;
    }

    /** What Chromium wrote to standard error so far. */
    public String log() {
        return log.toString();
    }

    /** Closes the pages and ends the browser with all its processes, waiting until they are gone. */
    @Override
    public void close() {
        for (Page page : pages) {
            page.socket.abort();
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle child : children) {
                child.destroyForcibly();
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // A child that did not end within 10 s: nothing more a test can do about it.
        }
    }

    /** One tab, as its DevTools WebSocket reaches it. */
    public final class Page implements WebSocket.Listener {

        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        private final StringBuilder message = new StringBuilder();
        private WebSocket socket;

        private Page() {
        }

        /**
         * Runs the script in the page and returns its value as JSON (null for undefined); a script that
         * throws fails with the page's own message. Promises are awaited.
         */
        public JsonNode evaluate(String expression) throws Exception {
            ObjectNode params = JSON.createObjectNode()
                    .put("expression", expression)
                    .put("returnByValue", true)
                    .put("awaitPromise", true);
            JsonNode result = send("Runtime.evaluate", params);
            if (result.has("exceptionDetails")) {
                JsonNode details = result.path("exceptionDetails");
                throw new IllegalStateException("the page could not run " + expression + ": "
                        + details.path("exception").path("description").asText(details.path("text").asText()));
            }
            return result.path("result").get("value");
        }

        /** The window as a phone of this size shows it (the page's viewport meta applies), until the page closes. */
        public void emulateScreen(int width, int height) throws Exception {
            send("Emulation.setDeviceMetricsOverride", JSON.createObjectNode()
                    .put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", true));
        }

        /** Presses and releases a key as a keyboard would: "Tab", "Enter" or " " (space). */
        public void press(String key) throws Exception {
            int code = switch (key) {
                case "Tab" -> 9;
                case "Enter" -> 13;
                case " " -> 32;
                default -> throw new IllegalArgumentException("no key code known for " + key);
            };
            String text = key.equals("Enter") ? "\r" : key.equals(" ") ? " " : "";
            ObjectNode down = JSON.createObjectNode().put("type", text.isEmpty() ? "rawKeyDown" : "keyDown")
                    .put("key", key).put("code", key.equals(" ") ? "Space" : key).put("windowsVirtualKeyCode", code);
            if (!text.isEmpty()) {
                down.put("text", text);
            }
            send("Input.dispatchKeyEvent", down);
            send("Input.dispatchKeyEvent", JSON.createObjectNode().put("type", "keyUp")
                    .put("key", key).put("code", key.equals(" ") ? "Space" : key).put("windowsVirtualKeyCode", code));
        }

        /** A PNG of what the window shows now. */
        public byte[] screenshot() throws Exception {
            JsonNode shot = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
            return java.util.Base64.getDecoder().decode(shot.path("data").asText());
        }

        private JsonNode send(String method, ObjectNode params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            String request = JSON.writeValueAsString(JSON.createObjectNode().put("id", id).put("method", method).set("params", params));
            synchronized (this) { // one message at a time on the socket
                socket.sendText(request, true).get(ANSWER.toSeconds(), TimeUnit.SECONDS);
            }
            try {
                JsonNode reply = answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
                if (reply.has("error")) {
                    throw new IllegalStateException(method + " refused: " + reply.path("error"));
                }
                return reply.path("result");
            } catch (TimeoutException e) {
                throw new IllegalStateException(method + " not answered within " + ANSWER.toSeconds() + " s; Chromium's log: " + log, e);
            } finally {
                waiting.remove(id);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode reply = JSON.readTree(message.toString());
                    CompletableFuture<JsonNode> answer = reply.has("id") ? waiting.get(reply.path("id").asInt()) : null;
                    if (answer != null) {
                        answer.complete(reply); // events (no id) are not asked for and not kept
                    }
                } catch (IOException e) {
                    waiting.values().forEach(answer -> answer.completeExceptionally(e));
                } finally {
                    message.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            IllegalStateException closed = new IllegalStateException("the page's DevTools socket closed: " + statusCode + " " + reason);
            waiting.values().forEach(answer -> answer.completeExceptionally(closed));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            waiting.values().forEach(answer -> answer.completeExceptionally(error));
        }
    }
}

package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

/**
 * One scripted answer of the fake API: a status, headers and a body, given after a delay; or a
 * broken connection instead of an answer.
 */
public record Answer(int status, Map<String, String> headers, String body, long delayMillis, Fault fault) {

    /** Ways an answer can fail to arrive. */
    public enum Fault {
        NONE,
        /** The connection closes before a single byte of an answer. */
        NO_ANSWER,
        /** The headers promise a body; the connection closes before it. */
        CUT_OFF
    }

    /** 200 with this JSON body. */
    public static Answer json(String body) {
        return status(200).header("Content-Type", "application/json").body(body);
    }

    /** This status, no body. */
    public static Answer status(int status) {
        return new Answer(status, Map.of(), "", 0, Fault.NONE);
    }

    public static Answer noAnswer() {
        return new Answer(0, Map.of(), "", 0, Fault.NO_ANSWER);
    }

    public static Answer cutOff() {
        return new Answer(200, Map.of(), "", 0, Fault.CUT_OFF);
    }

    public Answer header(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Answer(status, Map.copyOf(more), body, delayMillis, fault);
    }

    public Answer body(String text) {
        return new Answer(status, headers, text, delayMillis, fault);
    }

    /** The same answer, given this long after the request arrived. */
    public Answer delay(long millis) {
        return new Answer(status, headers, body, millis, fault);
    }

    void sendTo(HttpExchange exchange) throws IOException {
        if (delayMillis > 0 && !Transfers.pause(delayMillis, 0)) {
            return;
        }
        if (fault == Fault.NO_ANSWER) {
            // Closed before the headers, the JDK server closes the connection without a word.
            exchange.close();
            return;
        }
        headers.forEach(exchange.getResponseHeaders()::set);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (fault == Fault.CUT_OFF) {
            exchange.sendResponseHeaders(status, 1_000);
            exchange.getResponseBody().flush();
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }
}

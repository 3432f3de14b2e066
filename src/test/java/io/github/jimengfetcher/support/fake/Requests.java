package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.sun.net.httpserver.HttpExchange;

/** Reads what a request brought, for the record. */
final class Requests {

    private Requests() {
    }

    /** A request's head read off a plain socket (its body, if any, is left unread). */
    static Request readHead(InputStream in, long at) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        String[] lines = head.toString().split("\r\n");
        String[] requestLine = lines[0].split(" ");
        URI uri = URI.create(requestLine[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon), List.of(line.substring(colon + 1).strip()));
            }
        }
        return new Request(requestLine[0], uri.getPath(), uri.getRawPath(), uri.getRawQuery(), headers, "", at, null);
    }

    /** The request; its body kept when asked for, else read and dropped. */
    static Request read(HttpExchange exchange, long at, boolean keepBody) throws IOException {
        URI uri = exchange.getRequestURI();
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
        String body = "";
        try (InputStream in = exchange.getRequestBody()) {
            if (keepBody) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } else {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
        return new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawPath(), uri.getRawQuery(), headers, body, at, null);
    }
}

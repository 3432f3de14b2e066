package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;

/** How the storage host sends a video's bytes: whole, paced, cut short, stalled, chunked, trickling. */
final class Transfers {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private Transfers() {
    }

    /**
     * 200 with Content-Length, or 206 from the Range's start; paced to {@code rate} bytes a second in
     * steps of {@code step} bytes when the rate is above 0.
     */
    static void serve(HttpExchange exchange, VideoContent video, String range, boolean acceptRanges, LongConsumer sent,
            int step, long rate) throws IOException {
        long size = video.length();
        long from = rangeStart(range);
        if (from >= size) {
            unsatisfiable(exchange, size);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        if (acceptRanges) {
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        }
        if (from > 0) {
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (size - 1) + "/" + size);
            exchange.sendResponseHeaders(206, size - from);
        } else {
            exchange.sendResponseHeaders(200, size);
        }
        try (OutputStream out = exchange.getResponseBody()) {
            if (rate <= 0) {
                video.write(out, from, size);
                sent.accept(size - from);
                return;
            }
            long began = System.nanoTime();
            for (long position = from; position < size; ) {
                long n = Math.min(step, size - position);
                video.write(out, position, position + n);
                out.flush();
                position += n;
                sent.accept(n);
                long wait = began + (position - from) * 1_000_000_000L / rate - System.nanoTime();
                if (wait > 0 && !pause(wait / 1_000_000, (int) (wait % 1_000_000))) {
                    return;
                }
            }
        }
    }

    /** Content-Length of the whole, then only the first half; the connection closes without the rest. */
    static void cutShort(HttpExchange exchange, VideoContent video, LongConsumer sent) throws IOException {
        half(exchange, video, sent);
    }

    /** Half the bytes, then silence until the client gives up. */
    static void stall(HttpExchange exchange, VideoContent video, LongConsumer sent) throws IOException {
        half(exchange, video, sent);
        pause(10_000, 0);
    }

    private static void half(HttpExchange exchange, VideoContent video, LongConsumer sent) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, video.length());
        OutputStream out = exchange.getResponseBody();
        video.write(out, 0, video.length() / 2);
        out.flush();
        sent.accept(video.length() / 2);
    }

    /** Chunked transfer, no Content-Length. */
    static void chunked(HttpExchange exchange, VideoContent video, LongConsumer sent) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (long i = 0; i < video.length(); i += 4096) {
                video.write(out, i, Math.min(i + 4096, video.length()));
            }
            sent.accept(video.length());
        }
    }

    /** The whole video announced and started, then 100 bytes every 100 ms, until the client gives up. */
    static void trickle(HttpExchange exchange, VideoContent video, LongConsumer sent) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, video.length());
        OutputStream out = exchange.getResponseBody();
        long first = Math.min(64 * 1024, video.length());
        video.write(out, 0, first);
        out.flush();
        sent.accept(first);
        for (long i = first; i < video.length() && pause(100, 0); i += 100) {
            long n = Math.min(100, video.length() - i);
            video.write(out, i, i + n);
            out.flush();
            sent.accept(n);
        }
    }

    /** A Range from the end of the video or beyond, answered as S3 and TOS do. */
    static void unsatisfiable(HttpExchange exchange, long size) throws IOException {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
        text(exchange, 416, "application/xml", "<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>");
    }

    static long rangeStart(String range) {
        Matcher m = range == null ? null : RANGE.matcher(range);
        return m != null && m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static void text(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** False when interrupted: the server is stopping. */
    static boolean pause(long millis, int nanos) {
        try {
            Thread.sleep(millis, nanos);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

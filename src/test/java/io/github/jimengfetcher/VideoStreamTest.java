package io.github.jimengfetcher;

import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** GET /videos/{id}.mp4 on the real app: whole, by byte range, and nothing outside output/videos. */
class VideoStreamTest extends AppTestSupport {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private int port;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> settings = new HashMap<>();
        port = Http.enable(settings);
        startApp(settings);
    }

    private HttpResponse<byte[]> get(String path, String range) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (range != null) {
            request.header("Range", range);
        }
        return CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private byte[] publish(String id, int size) throws Exception {
        byte[] video = Videos.mp4(size, 41);
        Files.write(app.output("videos").resolve(id + ".mp4"), video);
        return video;
    }

    @Test
    void aRangeRequestGetsExactlyThoseBytesAndNoRangeTheWholeVideo() throws Exception {
        byte[] video = publish("cgt-watch", 3_000_000);

        HttpResponse<byte[]> part = get("/videos/cgt-watch.mp4", "bytes=1000000-1000999");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 1000000-1000999/3000000", part.headers().firstValue("Content-Range").orElse(""));
        assertEquals("video/mp4", part.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(video, 1_000_000, 1_001_000), part.body());

        HttpResponse<byte[]> open = get("/videos/cgt-watch.mp4", "bytes=2999990-");
        assertEquals(206, open.statusCode());
        assertArrayEquals(Arrays.copyOfRange(video, 2_999_990, 3_000_000), open.body());

        HttpResponse<byte[]> tail = get("/videos/cgt-watch.mp4", "bytes=-16");
        assertEquals(206, tail.statusCode());
        assertEquals("bytes 2999984-2999999/3000000", tail.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(video, 2_999_984, 3_000_000), tail.body());

        HttpResponse<byte[]> whole = get("/videos/cgt-watch.mp4", null);
        assertEquals(200, whole.statusCode());
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(""));
        assertArrayEquals(video, whole.body());
    }

    @Test
    void aRangePastTheEndIsUnsatisfiable() throws Exception {
        publish("cgt-short", 10_000);

        HttpResponse<byte[]> answer = get("/videos/cgt-short.mp4", "bytes=10000-");

        assertEquals(416, answer.statusCode());
        assertEquals("bytes */10000", answer.headers().firstValue("Content-Range").orElse(""));
    }

    @Test
    void aRangeEndingPastTheEndHoweverLargeIsServedToTheEnd() throws Exception {
        byte[] video = publish("cgt-open", 10_000);

        for (String range : new String[] {"bytes=0-99999999999999999999", "bytes=9000-9223372036854775807", "bytes=9000-10000000"}) {
            HttpResponse<byte[]> answer = get("/videos/cgt-open.mp4", range);

            assertEquals(206, answer.statusCode(), range);
            int first = range.startsWith("bytes=0") ? 0 : 9000;
            assertEquals("bytes " + first + "-9999/10000", answer.headers().firstValue("Content-Range").orElse(""), range);
            assertArrayEquals(Arrays.copyOfRange(video, first, 10_000), answer.body(), range);
        }
        HttpResponse<byte[]> beyond = get("/videos/cgt-open.mp4", "bytes=99999999999999999999-");
        assertEquals(416, beyond.statusCode(), "a first byte past the end, however large");
    }

    @Test
    void unknownVideosAndNamesOutsideTheVideosFolderAreNotFound() throws Exception {
        publish("cgt-known", 10_000);
        Files.writeString(app.output("results").resolve("cgt-known.json"), "{\"task_id\":\"cgt-known\"}");

        assertEquals(404, get("/videos/cgt-unknown.mp4", null).statusCode());
        assertEquals(404, get("/videos/cgt-known", null).statusCode(), "only {id}.mp4");
        assertEquals(404, get("/videos/..%2Fresults%2Fcgt-known.json", null).statusCode());
        assertEquals(404, get("/videos/..%2Fresults%2Fcgt-known.json%00.mp4", null).statusCode());
        assertEquals(404, get("/videos/.cgt-known.mp4", null).statusCode(), "the app's hidden temporary names");
        assertEquals(404, get("/videos/%2E%2E.mp4", null).statusCode());
    }

    /** A file far larger than the heap: a range from its end comes at once, so nothing reads the file whole. */
    @Test
    void aRangeOfAVideoLargerThanTheHeapIsServedFromTheFile() throws Exception {
        long size = Runtime.getRuntime().maxMemory() + (1L << 30);
        byte[] end = new byte[4096];
        new Random(7).nextBytes(end);
        Path file = app.output("videos").resolve("cgt-huge.mp4");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(size);
            sparse.seek(size - end.length);
            sparse.write(end);
        }

        HttpResponse<byte[]> tail = get("/videos/cgt-huge.mp4", "bytes=-4096");

        assertEquals(206, tail.statusCode());
        assertEquals("bytes " + (size - 4096) + "-" + (size - 1) + "/" + size, tail.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(end, tail.body());
    }
}

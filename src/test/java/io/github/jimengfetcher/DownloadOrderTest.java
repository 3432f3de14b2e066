package io.github.jimengfetcher;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.fake.StorageHost;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More videos ready than download slots: the queue goes by the signed URLs' expiry, the one that
 * lapses first first, whatever order the tasks succeeded in; /tasks tells when each lapses and
 * warns about one close to lapsing.
 */
class DownloadOrderTest extends AppTestSupport {

    private static final DateTimeFormatter SIGNED_AT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    @Test
    void queuedDownloadsGoTheUrlThatLapsesFirstFirst() throws Exception {
        long now = System.currentTimeMillis();
        String signedNow = SIGNED_AT.format(Instant.ofEpochMilli(now));
        // One download slot, held by a slow first video while the others succeed and queue.
        String blocker = "cgt-order-blocker";
        api.video("blocker.mp4", Videos.mp4(20_000, 1), StorageHost.Behaviour.LATE);
        api.statuses(blocker, FakeGateway.success(blocker, api.baseUrl() + "/videos/blocker.mp4?Expires=" + (now / 1000 + 600)));
        // The others succeed in this order, on their second fetch; their URLs lapse in another order.
        Map<String, String> urls = new java.util.LinkedHashMap<>();
        urls.put("cgt-order-unknown", "?sig=abc");
        urls.put("cgt-order-2h", "?Expires=" + (now / 1000 + 7_200));
        urls.put("cgt-order-10m", "?X-Tos-Date=" + signedNow + "&X-Tos-Expires=600&X-Tos-Signature=abc");
        urls.put("cgt-order-1h", "?X-Amz-Date=" + signedNow + "&X-Amz-Expires=3600&X-Amz-Signature=abc");
        int seed = 2;
        for (Map.Entry<String, String> task : urls.entrySet()) {
            String name = task.getKey().substring("cgt-order-".length());
            api.video(name + ".mp4", Videos.mp4(20_000, seed++));
            api.statuses(task.getKey(), FakeGateway.status(task.getKey(), "IN_PROGRESS", "10%"),
                    FakeGateway.success(task.getKey(), api.baseUrl() + "/videos/" + name + ".mp4" + task.getValue()));
        }
        Map<String, String> settings = new HashMap<>();
        int port = Http.enable(settings);
        settings.put("jimeng.download.max-concurrent", "1");
        startApp(settings);
        app.drop("first.txt", blocker + "\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !api.requestsTo("/videos/blocker.mp4").isEmpty());
        app.drop("rest.txt", String.join("\n", urls.keySet()) + "\n");

        // While the blocker downloads, the four wait for the slot: /tasks says when each URL lapses.
        await().atMost(Duration.ofSeconds(10)).until(() -> downloading(port).size() >= 4);
        Map<String, JsonNode> waiting = downloading(port);
        assertTrue(waiting.get("cgt-order-unknown").path("video_url_expires_at").isNull(), waiting.toString());
        assertEquals(Instant.ofEpochSecond(now / 1000 + 7_200).toString(), waiting.get("cgt-order-2h").path("video_url_expires_at").asText());
        assertEquals(Instant.ofEpochSecond(now / 1000 + 600).toString(), waiting.get("cgt-order-10m").path("video_url_expires_at").asText());
        assertTrue(waiting.get("cgt-order-10m").path("video_url_warning").asText().contains("lapses in"), waiting.toString());
        assertTrue(waiting.get("cgt-order-1h").path("video_url_warning").isMissingNode(), "an hour left is no cause for a warning: " + waiting);

        for (String id : urls.keySet()) {
            awaitResult(id);
        }
        List<String> order = api.requests().stream().filter(request -> request.path().startsWith("/videos/"))
                .sorted(Comparator.comparingLong(Request::at))
                .map(request -> request.url().substring("/videos/".length(), request.url().indexOf(".mp4")))
                .distinct().toList();
        assertEquals(List.of("blocker", "10m", "1h", "2h", "unknown"), order);
        // Published in that order too: each result written before the next download began.
        assertTrue(Files.getLastModifiedTime(app.result("cgt-order-10m")).toMillis() <= Files.getLastModifiedTime(app.result("cgt-order-1h")).toMillis());
        assertTrue(Files.getLastModifiedTime(app.result("cgt-order-1h")).toMillis() <= Files.getLastModifiedTime(app.result("cgt-order-unknown")).toMillis());
    }

    /** The tasks /tasks lists as downloading, by id. */
    private Map<String, JsonNode> downloading(int port) throws Exception {
        HttpResponse<String> answer = Http.get(port, "/tasks?state=downloading");
        assertEquals(200, answer.statusCode(), answer.body());
        Map<String, JsonNode> byId = new HashMap<>();
        JSON.readTree(answer.body()).path("tasks").forEach(task -> byId.put(task.path("id").asText(), task));
        byId.remove("cgt-order-blocker");
        return byId;
    }
}

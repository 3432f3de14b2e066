package io.github.jimengfetcher;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.fake.Step;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;

import static io.github.jimengfetcher.support.Ids.taskId;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notifications on their own port (jimeng.notify.*): a real client POSTs to the listener of the running
 * app, and what the task store and the fake API see says what it did. Every fetch interval here is an
 * hour, so only a notification explains a fetch after the first.
 */
class NotificationsTest extends AppTestSupport {

    private static final String SECRET = "n0tify-s3cret_abcdef-0123";
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final CapturedLog log = CapturedLog.capture();
    private int port;

    @AfterEach
    void stopCapturing() {
        log.close();
    }

    /** Notifications on, on a free port; fetches an hour apart, unless a test says otherwise. */
    private Map<String, String> notifyOn() {
        port = Http.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.notify.enabled", "true");
        settings.put("jimeng.notify.port", String.valueOf(port));
        settings.put("jimeng.notify.secret", SECRET);
        settings.put("jimeng.fetch.interval", "1h");
        settings.put("jimeng.notify.fallback-interval", "1h");
        return settings;
    }

    private HttpResponse<String> notify(String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> notify(String body) throws Exception {
        return notify("/notify/" + SECRET, body);
    }

    private static String outcome(HttpResponse<String> answer) throws Exception {
        assertEquals(200, answer.statusCode(), answer.body());
        return JSON.readTree(answer.body()).path("outcome").asText();
    }

    /** Registers the task and waits for its first fetch (at once) and the next one planned an hour on. */
    private void registeredAndFetchedOnce(String id) throws Exception {
        app.drop(id + ".txt", id + "\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.fetchesOf(id).size() == 1
                && store().find(taskId(id)).map(task -> task.leaseOwner == null && task.nextAt > store().now() + 600_000).orElse(false));
    }

    @Test
    void aNotificationFetchesARunningTaskAtOnceAndItsVideoIsDownloaded() throws Exception {
        String id = "cgt-heard-ready";
        byte[] video = Videos.mp4(20_000, 41);
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"), FakeGateway.success(id, api.video("heard.mp4", video)));
        startApp(notifyOn());
        registeredAndFetchedOnce(id);

        assertEquals("fetched", outcome(notify(FakeGateway.success(id, "https://elsewhere.example/claimed.mp4"))));

        awaitResult(id);
        assertEquals(2, api.fetchesOf(id).size());
        assertTrue(java.util.Arrays.equals(video, Files.readAllBytes(app.video(id))), "the video the API's own answer names");
    }

    @Test
    void aNotificationThatLandsDuringAFetchIsFollowedByOneMoreFetchAtOnce() throws Exception {
        String id = "cgt-heard-mid-fetch";
        byte[] video = Videos.mp4(20_000, 43);
        // the second fetch's answer is on its way when the task turns ready: it still says running
        api.answers(id, io.github.jimengfetcher.support.fake.Answer.json(FakeGateway.status(id, "IN_PROGRESS", "10%")),
                io.github.jimengfetcher.support.fake.Answer.json(FakeGateway.status(id, "IN_PROGRESS", "90%")).delay(1_500),
                io.github.jimengfetcher.support.fake.Answer.json(FakeGateway.success(id, api.video("mid.mp4", video))));
        startApp(notifyOn());
        registeredAndFetchedOnce(id);

        assertEquals("fetched", outcome(notify(FakeGateway.status(id, "IN_PROGRESS", "90%"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> api.fetchesOf(id).size() == 2);
        assertEquals("fetched", outcome(notify(FakeGateway.success(id, "https://elsewhere.example/claimed.mp4"))), "during the fetch");

        awaitResult(id);
        assertEquals(3, api.fetchesOf(id).size(), "one fetch more, not a fallback interval later");
        assertTrue(java.util.Arrays.equals(video, Files.readAllBytes(app.video(id))));
    }

    @Test
    void theSameNotificationSentThreeTimesCostsOneFetchAndTasksShowWhenItCame() throws Exception {
        String id = "cgt-heard-thrice";
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"));
        Map<String, String> settings = notifyOn();
        int http = Http.enable(settings);
        startApp(settings);
        registeredAndFetchedOnce(id);

        String body = FakeGateway.status(id, "IN_PROGRESS", "60%");
        List<String> outcomes = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            outcomes.add(outcome(notify(body)));
        }

        assertEquals(List.of("fetched", "duplicate", "duplicate"), outcomes);
        await().atMost(Duration.ofSeconds(5)).until(() -> api.fetchesOf(id).size() == 2);
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).until(() -> api.fetchesOf(id).size() == 2);
        JsonNode listed = JSON.readTree(Http.get(http, "/tasks").body()).path("tasks").get(0);
        assertEquals(id, listed.path("id").asText());
        assertFalse(listed.path("notified_at").isNull(), listed.toString());
        String metrics = Http.get(http, "/observe/metrics").body();
        assertEquals(1.0, metric(metrics, "fetched"), metrics);
        assertEquals(2.0, metric(metrics, "duplicate"), metrics);
    }

    private static double metric(String metrics, String outcome) {
        Matcher line = Pattern.compile("(?m)^jimeng_notifications_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*\\} (\\S+)$").matcher(metrics);
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    @Test
    void aForgedSuccessForATaskTheApiStillRunsDownloadsNothing() throws Exception {
        String id = "cgt-heard-forged";
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"));
        String decoy = api.video("decoy.mp4", Videos.mp4(20_000, 42));
        startApp(notifyOn());
        registeredAndFetchedOnce(id);

        assertEquals("fetched", outcome(notify(FakeGateway.success(id, decoy))));

        await().atMost(Duration.ofSeconds(5)).until(() -> api.fetchesOf(id).size() == 2
                && store().find(taskId(id)).map(task -> task.leaseOwner == null).orElse(false));
        Task task = store().find(taskId(id)).orElseThrow();
        assertEquals(Task.Phase.FETCH, task.phase);
        assertEquals("IN_PROGRESS", task.status);
        assertTrue(api.storageRequests().isEmpty(), "nothing downloaded: " + api.storageRequests());
        assertFalse(Files.exists(app.result(id)));
    }

    @Test
    void anUnknownIdIsRegisteredForItsProviderAndFetched() throws Exception {
        String id = "cgt-heard-unknown";
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"));
        startApp(notifyOn());

        // A notify_hook body naming only the task.
        assertEquals("registered", outcome(notify("{\"task_id\":\"" + id + "\"}")));

        await().atMost(Duration.ofSeconds(5)).until(() -> api.fetchesOf(id).size() == 1);
        assertEquals(ProviderName.JIMENG_GATEWAY, store().providerOf(taskId(id)).orElseThrow());
    }

    @Test
    void anUnknownIdIsNotRegisteredWhenRegisterUnknownIsOff() throws Exception {
        String id = "cgt-heard-stranger";
        Map<String, String> settings = notifyOn();
        settings.put("jimeng.notify.register-unknown", "false");
        startApp(settings);

        assertEquals("unknown", outcome(notify("{\"task_id\":\"" + id + "\"}")));

        assertTrue(store().providerOf(taskId(id)).isEmpty());
        assertEquals(0, store().pendingCount());
    }

    @Test
    void anArkCallbackIsReadByItsTaskObjectsId() throws Exception {
        String id = "cgt-heard-ark";
        String url = api.video("ark-heard.mp4", Videos.mp4(20_000, 43));
        api.ark().task(id, Step.succeeded(url));
        Map<String, String> settings = notifyOn();
        settings.put("jimeng.providers.ark.base-url", api.baseUrl());
        settings.put("jimeng.providers.ark.api-key", FakeGateway.KEY);
        startApp(settings);

        assertEquals("registered", outcome(notify("/notify/ark/" + SECRET, "{\"id\":\"" + id + "\",\"model\":\"doubao-seedance-1-0-pro\","
                + "\"status\":\"succeeded\",\"content\":{\"video_url\":\"" + url + "\"}}")));

        awaitResult(id);
        assertEquals(new ProviderName("ark"), store().providerOf(taskId(id)).orElseThrow());
    }

    /**
     * Ark calls back on every change and sends its final callback again when not answered in time:
     * callbacks that come after the task ended, the final one again or an earlier one late, change
     * nothing: no fetch, no second download.
     */
    @Test
    void arkCallbacksAfterTheTaskEndedResentOrOutOfOrderChangeNothing() throws Exception {
        String id = "cgt-heard-ark-late";
        String url = api.video("ark-late.mp4", Videos.mp4(20_000, 44));
        api.ark().task(id, Step.running(30), Step.succeeded(url));
        Map<String, String> settings = notifyOn();
        settings.put("jimeng.providers.ark.base-url", api.baseUrl());
        settings.put("jimeng.providers.ark.api-key", FakeGateway.KEY);
        startApp(settings);
        // Alone or in a list query: every Ark request of this test is about this task.
        java.util.function.IntSupplier arkFetches = () -> (int) api.requests().stream()
                .filter(r -> r.path().startsWith("/api/v3/contents/generations/tasks")).count();
        String running = "{\"id\":\"" + id + "\",\"status\":\"running\"}";
        String succeeded = "{\"id\":\"" + id + "\",\"status\":\"succeeded\",\"content\":{\"video_url\":\"" + url + "\"}}";

        assertEquals("registered", outcome(notify("/notify/ark/" + SECRET, running)));
        await().atMost(Duration.ofSeconds(10)).until(() -> arkFetches.getAsInt() == 1
                && store().find(taskId(id)).map(task -> task.leaseOwner == null).orElse(false));
        assertEquals("fetched", outcome(notify("/notify/ark/" + SECRET, succeeded)));
        awaitResult(id);

        List<String> late = new java.util.ArrayList<>();
        for (String body : List.of(succeeded, succeeded, succeeded, running)) {
            late.add(outcome(notify("/notify/ark/" + SECRET, body)));
        }
        // the final one again is known by its body; the late running one finds the task ended
        assertEquals(List.of("duplicate", "duplicate", "duplicate", "finished"), late);
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).until(() -> arkFetches.getAsInt() == 2);
        assertEquals(1, api.storageRequests().stream().filter(r -> r.path().endsWith("ark-late.mp4")).count(), "downloaded once");
    }

    /** Senders that write a byte order mark (UTF-8's, or UTF-16 with its mark) are read, not refused as "not JSON". */
    @Test
    void bodiesWithAByteOrderMarkAreReadInTheirEncoding() throws Exception {
        startApp(notifyOn());
        byte[] utf8 = ("\ufeff{\"task_id\":\"cgt-heard-bom-8\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] utf16 = ("\ufeff{\"task_id\":\"cgt-heard-bom-16\"}").getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        for (byte[] body : List.of(utf8, utf16)) {
            HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notify/" + SECRET))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("registered", outcome(answer));
        }
        assertTrue(store().find(taskId("cgt-heard-bom-8")).isPresent());
        assertTrue(store().find(taskId("cgt-heard-bom-16")).isPresent());
    }

    @Test
    void aProviderFilesNotifyIdSaysWhereItsNotificationsNameTheTask() throws Exception {
        Path files = Files.createDirectories(root.resolve("providers"));
        Files.writeString(files.resolve("new-api.yaml"), Files.readString(Path.of("src/main/resources/providers/new-api.yaml"))
                + "notify:\n  id: /event/task\n");
        Map<String, String> settings = notifyOn();
        settings.put("jimeng.provider-files", files.toString());
        settings.put("jimeng.providers.new-api.base-url", api.baseUrl());
        settings.put("jimeng.providers.new-api.api-key", FakeGateway.KEY);
        api.newApi().task("cgt-heard-event", Step.running(10));
        startApp(settings);

        HttpResponse<String> answerShaped = notify("/notify/new-api/" + SECRET, "{\"task_id\":\"cgt-heard-event\"}");
        assertEquals(400, answerShaped.statusCode(), answerShaped.body());
        assertTrue(answerShaped.body().contains("/event/task"), answerShaped.body());
        assertEquals("registered", outcome(notify("/notify/new-api/" + SECRET, "{\"event\":{\"task\":\"cgt-heard-event\"}}")));
        assertEquals(new ProviderName("new-api"), store().providerOf(taskId("cgt-heard-event")).orElseThrow());
    }

    @Test
    void aWrongSecretOrPathIsNotFoundAndRegistersNothing() throws Exception {
        startApp(notifyOn());
        String body = "{\"task_id\":\"cgt-heard-wrong\"}";

        assertEquals(404, notify("/notify/" + SECRET.replace('n', 'm'), body).statusCode());
        assertEquals(404, notify("/notify/" + SECRET.substring(1), body).statusCode());
        assertEquals(404, notify("/notify/no-such-provider/" + SECRET, body).statusCode());
        assertEquals(404, notify("/notify", body).statusCode());
        assertEquals(404, notify("/tasks", body).statusCode());
        HttpResponse<String> get = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notify/" + SECRET)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, get.statusCode());

        assertEquals(0, store().pendingCount());
        assertTrue(store().providerOf(taskId("cgt-heard-wrong")).isEmpty());
        assertFalse(log.all().contains(SECRET), "the secret is never logged");
        assertTrue(api.requests().isEmpty(), "nothing fetched: " + api.requests());
    }

    @Test
    void aBodyOverSixtyFourKilobytesIsRefusedAnnouncedOrNot() throws Exception {
        startApp(notifyOn());
        byte[] big = ("{\"task_id\":\"cgt-heard-big\",\"pad\":\"" + "x".repeat(70_000) + "\"}").getBytes();

        HttpResponse<String> announced = notify(new String(big));
        HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notify/" + SECRET))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(413, announced.statusCode(), announced.body());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertEquals(0, store().pendingCount());
    }

    @Test
    void aBodyThatNamesNoUsableTaskIsABadRequestWithItsReason() throws Exception {
        startApp(notifyOn());

        HttpResponse<String> notJson = notify("task done!");
        HttpResponse<String> noId = notify("{\"status\":\"SUCCESS\"}");
        HttpResponse<String> badId = notify("{\"task_id\":\"../../etc/passwd\"}");

        assertEquals(400, notJson.statusCode());
        assertTrue(notJson.body().contains("not JSON"), notJson.body());
        assertEquals(400, noId.statusCode());
        assertTrue(noId.body().contains("no task id"), noId.body());
        assertEquals(400, badId.statusCode());
        assertTrue(badId.body().contains("invalid"), badId.body());
        assertEquals(0, store().pendingCount());
        assertEquals(1, log.count("Notification from 127.0.0.1 refused"), "once a minute per sender: " + log.all());
    }

    @Test
    void moreNotificationsASecondThanAllowedAreTooMany() throws Exception {
        Map<String, String> settings = notifyOn();
        settings.put("jimeng.notify.max-per-second", "2");
        settings.put("jimeng.notify.register-unknown", "false");
        startApp(settings);

        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(notify("{\"task_id\":\"cgt-heard-rate-" + i + "\"}").statusCode());
        }

        assertTrue(statuses.contains(429), statuses.toString());
        assertTrue(statuses.contains(200), statuses.toString());
    }

    @Test
    void afterItsFirstFetchANotifyingProvidersTaskIsFetchedEveryFallbackInterval() throws Exception {
        String id = "cgt-heard-fallback";
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"));
        api.newApi().task("cgt-heard-new-api", Step.running(10));
        api.openAi().task("cgt-heard-openai", Step.running(10));
        Map<String, String> settings = notifyOn();
        settings.put("jimeng.notify.fallback-interval", "400ms");
        // new-api's tasks notify too; openai-videos' do not, and keep the (hour-long) schedule.
        settings.put("jimeng.providers.new-api.notify", "true");
        for (String provider : List.of("new-api", "openai-videos")) {
            settings.put("jimeng.providers." + provider + ".base-url", api.baseUrl());
            settings.put("jimeng.providers." + provider + ".api-key", FakeGateway.KEY);
        }
        startApp(settings);

        app.drop("ids.txt", id + "\nnew-api:cgt-heard-new-api\nopenai-videos:cgt-heard-openai\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> api.fetchesOf(id).size() >= 4
                && api.newApi().requests(io.github.jimengfetcher.support.fake.NewApiShape.TASK) >= 4);
        List<Request> fetches = api.fetchesOf(id);
        for (int i = 1; i < fetches.size(); i++) {
            long gap = fetches.get(i).at() - fetches.get(i - 1).at();
            assertTrue(gap >= 350, "fetches a fallback interval apart, not sooner: " + gap + " ms");
        }
        assertEquals(1, api.openAi().requests(io.github.jimengfetcher.support.fake.OpenAiShape.TASK), "a provider that does not notify keeps its schedule");
    }

    @Test
    void theStartIsRefusedForAShortSecretAPortSharedWithTheStatusServerOrATakenPort() throws Exception {
        Map<String, String> shortSecret = Map.of("jimeng.notify.enabled", "true", "jimeng.notify.secret", "too-short");
        String reason = StartFailures.reason(root, api.baseUrl(), shortSecret);
        assertTrue(reason.startsWith("jimeng.notify.secret must be at least 16 letters"), reason);
        assertFalse(reason.contains("too-short"), "the secret is never shown: " + reason);

        Map<String, String> samePort = Map.of("jimeng.notify.enabled", "true", "jimeng.notify.secret", SECRET,
                "jimeng.http.port", "18080", "jimeng.notify.port", "18080");
        reason = StartFailures.reason(root, api.baseUrl(), samePort);
        assertTrue(reason.startsWith("jimeng.notify.port=18080 is jimeng.http.port too"), reason);

        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> takenPort = Map.of("jimeng.notify.enabled", "true", "jimeng.notify.secret", SECRET,
                    "jimeng.notify.port", String.valueOf(taken.getLocalPort()));
            reason = StartFailures.reason(root, api.baseUrl(), takenPort);
            assertTrue(reason.startsWith("jimeng.notify.port=" + taken.getLocalPort() + ": cannot listen"), reason);
        }
    }

    @Test
    void aProviderWithASigningSecretTakesOnlyNotificationsItSignedWithinFiveMinutes() throws Exception {
        String id = "cgt-heard-signed";
        api.statuses(id, FakeGateway.status(id, "IN_PROGRESS", "10%"));
        byte[] key = "a key of thirty-two bytes, fixed".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Map<String, String> settings = notifyOn();
        String secret = java.util.Base64.getEncoder().encodeToString(key);
        settings.put("jimeng.providers.jimeng-gateway.notify-signing-secret", "whsec_" + secret);
        startApp(settings);
        assertFalse(log.containing("notify-signing-secret").isEmpty(), "Camel lists the setting at start: " + log.all());
        log.messages().forEach(line -> assertFalse(line.contains(secret), "never the signing secret: " + line));
        registeredAndFetchedOnce(id);
        String body = FakeGateway.status(id, "SUCCESS", "100%");
        long now = System.currentTimeMillis() / 1000;

        HttpResponse<String> unsigned = notify(body);
        HttpResponse<String> forged = signed(body, "msg_1", now, "another key, not the provider's..".getBytes());
        HttpResponse<String> stale = signed(body, "msg_1", now - 600, key);
        assertEquals(1, api.fetchesOf(id).size(), "nothing fetched for them");
        HttpResponse<String> good = signed(body, "msg_1", now, key);

        assertEquals(401, unsigned.statusCode(), unsigned.body());
        assertTrue(unsigned.body().contains("unsigned"), unsigned.body());
        assertEquals(401, forged.statusCode(), forged.body());
        assertEquals(401, stale.statusCode(), stale.body());
        assertTrue(stale.body().contains("five minutes"), stale.body());
        assertEquals("fetched", outcome(good));
        await().atMost(Duration.ofSeconds(5)).until(() -> api.fetchesOf(id).size() == 2);
    }

    /** A notification signed as Standard Webhooks sign: v1, HMAC-SHA256 of id.timestamp.body. */
    private HttpResponse<String> signed(String body, String messageId, long timestamp, byte[] key) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        String signature = java.util.Base64.getEncoder().encodeToString(
                mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notify/" + SECRET))
                .header("webhook-id", messageId).header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", "v1,bm90IHRoaXMgb25l v1," + signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSigningSecretThatIsNotWhsecAndBase64StopsTheStart() {
        Map<String, String> settings = Map.of("jimeng.notify.enabled", "true", "jimeng.notify.secret", SECRET,
                "jimeng.notify.port", String.valueOf(Http.freePort()), "jimeng.providers.jimeng-gateway.notify-signing-secret", "plain-words");
        String reason = StartFailures.reason(root, api.baseUrl(), settings);
        assertTrue(reason.startsWith("jimeng.providers.jimeng-gateway.notify-signing-secret must start with whsec_"), reason);
        assertFalse(reason.contains("plain-words"), reason);
    }

    @Test
    void withNotificationsOffNothingListensOnTheirPort() throws Exception {
        port = Http.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.notify.port", String.valueOf(port));
        startApp(settings);

        try (java.net.Socket socket = new java.net.Socket()) {
            assertThrows(java.io.IOException.class, () -> socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000));
        }
    }
}

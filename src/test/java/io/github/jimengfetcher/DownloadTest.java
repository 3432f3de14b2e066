package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.fake.StorageHost.Behaviour;
import io.github.jimengfetcher.support.fake.StorageHost;
import io.github.jimengfetcher.support.Videos;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloads against a storage host that misbehaves in every way the API reference lists. */
class DownloadTest extends AppTestSupport {

    private StorageHost storage;

    @BeforeEach
    void startStorage() throws Exception {
        storage = new StorageHost();
    }

    @AfterEach
    void stopStorage() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
        storage.close();
    }

    @Override
    protected RunningApp startApp(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "jimeng.download.stall-timeout", "1s",
                "jimeng.download.max-url-refreshes", "2",
                "jimeng.download.max-attempts", "4"));
        settings.putAll(extra);
        return super.startApp(settings);
    }

    /** A task that is SUCCESS at once, pointing at the given URL. */
    private void readyTask(String id, String url) {
        api.answer(id, Answer.json(FakeGateway.success(id, url)));
    }

    private void awaitVideo(String id, byte[] expected) throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result(id)));
        assertArrayEquals(expected, Files.readAllBytes(app.video(id)));
        assertEquals(Videos.sha256(expected), JSON.readTree(app.result(id).toFile()).path("video_sha256").asText());
        assertNoTemporaryFilesLeft();
        assertTrue(storage.requests().stream().allMatch(r -> r.authorization() == null), "the API key never goes to the storage host");
    }

    private JsonNode awaitFailureWithoutVideo(String id) throws Exception {
        JsonNode failure = awaitFailure(id);
        assertFalse(Files.exists(app.video(id)), "no video under its final name");
        assertNoTemporaryFilesLeft();
        return failure;
    }

    private void assertNoTemporaryFilesLeft() throws Exception {
        for (String folder : List.of("results", "videos", "failed")) {
            try (Stream<Path> files = Files.list(app.output(folder))) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".")), folder + " holds no temporary file");
            }
        }
    }

    private long partialDownloads() throws Exception {
        Path downloads = app.work().resolve("downloads");
        try (Stream<Path> files = Files.list(downloads)) {
            return files.count();
        }
    }

    @Test
    void aDownloadSlotIsHeldUntilTheAsynchronousDownloadEnds() throws Exception {
        startApp(Map.of("jimeng.download.max-concurrent", "1"));
        byte[] video = Videos.mp4(1_500_000, 21);
        List<String> ids = List.of("cgt-one-at-a-time-1", "cgt-one-at-a-time-2", "cgt-one-at-a-time-3");
        for (String id : ids) {
            readyTask(id, storage.video(id + ".mp4", video, Behaviour.SLOW));
        }
        app.drop("ids.txt", String.join("\n", ids));
        for (String id : ids) {
            awaitVideo(id, video);
        }
        // each transfer takes over a second on its I/O thread, long after its route's first steps ran
        assertEquals(1, storage.mostAtOnce(), "one download at a time, as jimeng.download.max-concurrent says");
        DueWork dueWork = app.context().getRegistry().lookupByNameAndType("dueWork", DueWork.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> dueWork.downloadSlots().inUse() == 0 && dueWork.heldCount() == 0);
    }

    @Test
    void aDownloadLongerThanTheLeaseTimeKeepsItsLease() throws Exception {
        try (CapturedLog log = CapturedLog.capture()) {
            // the shortest lease allowed, and a transfer of several seconds (about 1 MB/s)
            startApp(Map.of("jimeng.store.lease-time", "2s"));
            byte[] video = Videos.mp4(6_000_000, 22);
            readyTask("cgt-long-download", storage.video("long.mp4", video, Behaviour.SLOW));
            app.drop("ids.txt", "cgt-long-download");
            awaitVideo("cgt-long-download", video);
            assertEquals(1, storage.requestsFor("long.mp4").size(), "renewed while the bytes flowed: never taken over, never fetched twice");
            assertEquals(0, log.count("no longer holds") + log.count("lease was lost"), log.all());
        }
    }

    @Test
    void aDownloadWhoseLeaseIsLostStopsAndTheTaskIsDoneOnceByItsNewHolder() throws Exception {
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of("jimeng.store.lease-time", "2s"));
            byte[] video = Videos.mp4(8_000_000, 23);
            readyTask("cgt-taken-over", storage.video("taken.mp4", video, Behaviour.SLOW, Behaviour.SERVE));
            // renewals stop, as in an instance that stalls: the lease runs out mid-download and the
            // claim loop takes the task over
            app.context().getRouteController().stopRoute("renew-leases");
            app.drop("ids.txt", "cgt-taken-over");
            await().atMost(Duration.ofSeconds(10)).until(() -> storage.requestsFor("taken.mp4").size() >= 2);
            app.context().getRouteController().startRoute("renew-leases");
            awaitVideo("cgt-taken-over", video);
            await().atMost(Duration.ofSeconds(10)).until(() -> log.count("no longer holds") >= 1);
            assertEquals(1, log.count("cgt-taken-over DONE"), "published once: " + log.all());
        }
    }

    @Test
    void aTransferCutShortResumesFromTheBytesOnDisk() throws Exception {
        byte[] video = Videos.mp4(400_000, 11);
        readyTask("cgt-cut", storage.video("cut.mp4", video, Behaviour.CUT_SHORT, Behaviour.SERVE));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-cut");

        awaitVideo("cgt-cut", video);
        List<Request> requests = storage.requestsFor("cut.mp4");
        assertEquals(2, requests.size());
        assertNull(requests.get(0).range());
        assertEquals("bytes=" + video.length / 2 + "-", requests.get(1).range(), "resumed, not started over");
    }

    @Test
    void aHostThatIgnoresRangeIsDownloadedAgainCleanly() throws Exception {
        byte[] video = Videos.mp4(400_000, 12);
        readyTask("cgt-norange", storage.video("norange.mp4", video, Behaviour.CUT_SHORT, Behaviour.SERVE_IGNORING_RANGE));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-norange");

        awaitVideo("cgt-norange", video);
        assertEquals(2, storage.requestsFor("norange.mp4").size());
    }

    @Test
    void aStalledTransferIsCutOffAndResumed() throws Exception {
        byte[] video = Videos.mp4(300_000, 13);
        readyTask("cgt-stall", storage.video("stall.mp4", video, Behaviour.STALL, Behaviour.SERVE));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-stall");

        awaitVideo("cgt-stall", video);
        assertEquals("bytes=" + video.length / 2 + "-", storage.requestsFor("stall.mp4").get(1).range());
    }

    @Test
    void redirectsAreFollowedAndChunkedVideosAccepted() throws Exception {
        byte[] moved = Videos.mp4(50_000, 14);
        byte[] chunked = Videos.mp4(70_000, 15);
        readyTask("cgt-redirect", storage.video("redirect.mp4", moved, Behaviour.REDIRECT));
        readyTask("cgt-chunked", storage.video("chunked.mp4", chunked, Behaviour.CHUNKED));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-redirect\ncgt-chunked\n");

        awaitVideo("cgt-redirect", moved);
        awaitVideo("cgt-chunked", chunked);
        assertTrue(storage.requests().stream().anyMatch(r -> r.path().startsWith("/moved/")));
    }

    @Test
    void anExpiredUrlIsReplacedByFetchingTheTaskAgain() throws Exception {
        byte[] video = Videos.mp4(60_000, 16);
        readyTask("cgt-expired", storage.video("expired.mp4", video, Behaviour.FORBIDDEN, Behaviour.SERVE));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-expired");

        awaitVideo("cgt-expired", video);
        assertEquals(2, api.fetchesOf("cgt-expired").size(), "one fetch for the first URL, one for a fresh one");
    }

    @Test
    void aUrlRefusedAgainAndAgainFailsTheTaskAfterBoundedRefreshes() throws Exception {
        readyTask("cgt-gone", storage.video("gone.mp4", Videos.mp4(1000, 17), Behaviour.NOT_FOUND));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-gone");

        JsonNode failure = awaitFailureWithoutVideo("cgt-gone");
        assertEquals("video_unavailable", failure.path("reason_class").asText());
        assertTrue(failure.path("reason").asText().contains("HTTP 404"), failure.toString());
        assertEquals(3, api.fetchesOf("cgt-gone").size(), "the first fetch and two refreshes");
        assertEquals(3, storage.requestsFor("gone.mp4").size());
    }

    @Test
    void anErrorPageIsNeverSavedAsTheVideo() throws Exception {
        byte[] video = Videos.mp4(30_000, 18);
        readyTask("cgt-page-then-video", storage.video("page-then-video.mp4", video, Behaviour.HTML_PAGE, Behaviour.SERVE));
        readyTask("cgt-always-page", storage.video("always-page.mp4", video, Behaviour.HTML_PAGE));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-page-then-video\ncgt-always-page\n");

        // Both end at about the same time: neither's record is looked for while the other's is being written.
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(app.result("cgt-page-then-video"))
                && Files.exists(app.failure("cgt-always-page")));
        awaitVideo("cgt-page-then-video", video);
        JsonNode failure = awaitFailureWithoutVideo("cgt-always-page");
        assertTrue(failure.path("reason").asText().contains("not an MP4"), failure.toString());
    }

    @Test
    void aPassingStorageFaultIsRetried() throws Exception {
        byte[] video = Videos.mp4(30_000, 19);
        readyTask("cgt-busy", storage.video("busy.mp4", video, Behaviour.UNAVAILABLE, Behaviour.UNAVAILABLE, Behaviour.SERVE));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-busy");

        awaitVideo("cgt-busy", video);
        assertEquals(1, api.fetchesOf("cgt-busy").size(), "the same URL is tried again, no refetch needed");
    }

    @Test
    void aDownloadCutOffEveryTimeFailsTheTaskAfterItsAttempts() throws Exception {
        readyTask("cgt-always-busy", storage.video("always-busy.mp4", Videos.mp4(30_000, 22), Behaviour.UNAVAILABLE));
        startApp(Map.of("jimeng.download.max-attempts", "3"));

        app.drop("ids.txt", "cgt-always-busy");

        JsonNode failure = awaitFailureWithoutVideo("cgt-always-busy");
        assertEquals("download_failed", failure.path("reason_class").asText());
        assertTrue(failure.path("reason").asText().startsWith("download failed 3 times, last: "), failure.toString());
        assertEquals(3, storage.requestsFor("always-busy.mp4").size());
        assertEquals(1, api.fetchesOf("cgt-always-busy").size(), "a cut-off download needs no fresh URL");
    }

    @Test
    void aVideoOverTheSizeLimitIsRefusedAndItsPartRemoved() throws Exception {
        readyTask("cgt-big", storage.video("big.mp4", Videos.mp4(200_000, 20), Behaviour.SERVE));
        readyTask("cgt-big-chunked", storage.video("big-chunked.mp4", Videos.mp4(200_000, 21), Behaviour.CHUNKED));
        startApp(Map.of("jimeng.download.max-size", "100KB"));

        app.drop("ids.txt", "cgt-big\ncgt-big-chunked\n");

        for (String id : List.of("cgt-big", "cgt-big-chunked")) {
            JsonNode failure = awaitFailureWithoutVideo(id);
            assertEquals("too_large", failure.path("reason_class").asText());
            assertTrue(failure.path("reason").asText().contains("jimeng.download.max-size"), failure.toString());
        }
        assertEquals(0, partialDownloads(), "no partial file kept");
    }

    @Test
    void aWholePartOnDiskIsPublishedWhenTheHostHasNothingLeftToSend() throws Exception {
        byte[] video = Videos.mp4(200_000, 22);
        readyTask("cgt-whole-part", storage.video("whole-part.mp4", video, Behaviour.SERVE));
        // A download that ended before an earlier run could publish it.
        Files.createDirectories(root.resolve("work/downloads"));
        Files.write(root.resolve("work/downloads/cgt-whole-part.mp4.part"), video);
        startApp(Map.of());

        app.drop("ids.txt", "cgt-whole-part");

        awaitVideo("cgt-whole-part", video);
        List<Request> requests = storage.requestsFor("whole-part.mp4");
        assertEquals(1, requests.size(), "one request, answered 416");
        assertEquals("bytes=" + video.length + "-", requests.get(0).range());
        assertEquals(0, storage.bytesServed("whole-part.mp4"), "the video is not downloaded again");
        assertEquals(0, partialDownloads());
    }

    @Test
    void aDownloadWhosePublishingFailsIsPublishedOnceTheOutputWorksAgain() throws Exception {
        byte[] video = Videos.mp4(200_000, 23);
        readyTask("cgt-blocked", storage.video("blocked.mp4", video, Behaviour.SERVE));
        startApp(Map.of());
        // A file where the videos folder should be: every publish fails (tests run as root: chmod would not).
        Path videos = app.output("videos");
        Files.delete(videos);
        Files.writeString(videos, "in the way");

        app.drop("ids.txt", "cgt-blocked");

        // Each retry asks for the bytes after the whole part and gets 416; more of them than
        // jimeng.download.max-attempts (4) would have written the task off.
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(app.failure("cgt-blocked"))
                || storage.requestsFor("blocked.mp4").stream().filter(r -> r.range() != null).count() >= 5);
        assertFalse(Files.exists(app.failure("cgt-blocked")), "the task is not failed for its output folder");
        assertEquals(1, storage.requestsFor("blocked.mp4").stream().filter(r -> r.range() == null).count(),
                "downloaded once; every retry found it whole");

        Files.delete(videos);
        Files.createDirectory(videos);

        awaitVideo("cgt-blocked", video);
        assertFalse(Files.exists(app.failure("cgt-blocked")));
    }

    @Test
    void aVideoWithoutLengthCutAtConnectionCloseIsNotPublishedUntilWhole() throws Exception {
        byte[] video = Videos.mp4(300_000, 24);
        byte[] whole = Videos.mp4(120_000, 25);
        readyTask("cgt-closed", storage.video("closed.mp4", video, Behaviour.CLOSE_EARLY, Behaviour.CLOSE_EARLY, Behaviour.SERVE));
        readyTask("cgt-closed-whole", storage.video("closed-whole.mp4", whole, Behaviour.CLOSE_AT_END));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-closed\ncgt-closed-whole\n");

        awaitVideo("cgt-closed", video);
        List<Request> requests = storage.requestsFor("closed.mp4");
        assertEquals(3, requests.size(), "two halves were not taken for the video");
        assertEquals("bytes=" + video.length / 2 + "-", requests.get(1).range(), "the half on disk is kept and resumed");
        assertEquals("bytes=" + video.length / 2 + "-", requests.get(2).range());
        awaitVideo("cgt-closed-whole", whole);
        assertEquals(1, storage.requestsFor("closed-whole.mp4").size(), "a whole video ended by the close is accepted");
    }

    @Test
    void aTricklingHostIsCutOffAndResumed() throws Exception {
        byte[] video = Videos.mp4(300_000, 26);
        readyTask("cgt-trickle", storage.video("trickle.mp4", video, Behaviour.TRICKLE, Behaviour.SERVE));
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of("jimeng.download.min-speed", "50KB"));

            app.drop("ids.txt", "cgt-trickle");

            awaitVideo("cgt-trickle", video);
            assertTrue(log.count("jimeng.download.min-speed") > 0, log.all());
        }
        List<Request> requests = storage.requestsFor("trickle.mp4");
        assertEquals(2, requests.size());
        long resumedAt = Long.parseLong(requests.get(1).range().replaceAll("\\D", ""));
        assertTrue(resumedAt >= 64 * 1024, "resumed after the bytes received: " + resumedAt);
    }

    @Test
    void aPercentEncodedUrlGoesOnTheWireExactlyAsGiven() throws Exception {
        byte[] video = Videos.mp4(40_000, 27);
        String rawPath = "/videos/%E8%A7%86%E9%A2%91%20a.mp4";
        String rawQuery = "X-Tos-Signature=a%2Bb&x=1";
        readyTask("cgt-encoded", storage.videoAt(rawPath, rawQuery, video, Behaviour.SERVE));
        startApp(Map.of());

        app.drop("ids.txt", "cgt-encoded");

        awaitVideo("cgt-encoded", video);
        List<Request> requests = storage.requestsFor("\u89c6\u9891 a.mp4");
        assertEquals(1, requests.size());
        assertEquals(rawPath, requests.get(0).rawPath());
        assertEquals(rawQuery, requests.get(0).rawQuery());
    }

    @Test
    void aVideoReplacedOnTheHostIsDownloadedAgainNotSpliced() throws Exception {
        byte[] before = Videos.mp4(300_000, 28);
        byte[] after = Videos.mp4(350_000, 29);
        readyTask("cgt-replaced", storage.video("replaced.mp4", before, Behaviour.CUT_SHORT, Behaviour.SERVE_LATER_VERSION));
        storage.laterVersion("replaced.mp4", after);
        startApp(Map.of());

        app.drop("ids.txt", "cgt-replaced");

        awaitVideo("cgt-replaced", after);
        List<Request> requests = storage.requestsFor("replaced.mp4");
        assertEquals(3, requests.size());
        assertEquals("bytes=" + before.length / 2 + "-", requests.get(1).range(), "resumed, answered with another total");
        assertNull(requests.get(2).range(), "then started over");
        assertEquals(1, api.fetchesOf("cgt-replaced").size(), "no fresh URL needed");
    }

    @Test
    void aPartRemovedDuringTheDownloadStartsOverWithoutADiskFault() throws Exception {
        byte[] video = Videos.mp4(3_000_000, 30);
        readyTask("cgt-removed", storage.video("removed.mp4", video, Behaviour.SLOW, Behaviour.SERVE));
        try (CapturedLog log = CapturedLog.capture()) {
            startApp(Map.of());

            app.drop("ids.txt", "cgt-removed");

            Path part = app.work().resolve("downloads/cgt-removed.mp4.part");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(part) && Files.size(part) > 0);
            Files.delete(part);

            awaitVideo("cgt-removed", video);
            assertEquals(0, log.count("cannot be completed now"), "not taken for a disk fault: " + log.all());
        }
        List<Request> requests = storage.requestsFor("removed.mp4");
        assertEquals(2, requests.size());
        assertNull(requests.get(1).range(), "started over");
    }
}

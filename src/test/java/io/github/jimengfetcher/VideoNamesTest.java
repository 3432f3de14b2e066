package io.github.jimengfetcher;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Http;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Videos named by jimeng.output.video-name: the fields, sub-folders, two tasks of one name, and finding them again. */
class VideoNamesTest extends AppTestSupport {

    private static final String SETTING = "jimeng.output.video-name";
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** The gateway's own success answer, naming this action, and this model where one is given. */
    private static String success(String id, String action, String model, String url) {
        String named = "\"action\":\"" + action + "\"" + (model == null ? "" : ",\"model\":\"" + model + "\"");
        return FakeGateway.success(id, url).replace("\"action\":\"jimeng-videos\"", named);
    }

    private void succeeds(String id, String action, String model, byte[] video) {
        api.answer(id, Answer.json(success(id, action, model, api.video(id + ".mp4", video))));
    }

    /** The video the result record names, checked to hold the bytes served and the record's checksum. */
    private Path publishedVideo(String id, byte[] expected) throws Exception {
        JsonNode result = awaitResult(id);
        Path video = app.output("").resolve(result.path("video_file").asText());
        assertTrue(Files.isRegularFile(video), result.path("video_file") + " exists");
        assertArrayEquals(expected, Files.readAllBytes(video));
        assertEquals(Videos.sha256(expected), result.path("video_sha256").asText());
        return video;
    }

    /** Today in UTC, taken around the finish: a day change in between is either day. */
    private static Set<String> today() {
        return Set.of(LocalDate.now(ZoneOffset.UTC).toString(), LocalDate.now(ZoneOffset.UTC).plusDays(1).toString());
    }

    @Test
    void everyFieldGoesIntoTheNameInSubFoldersMadeSafeAndUnknownWhereMissing() throws Exception {
        startApp(Map.of(SETTING, "{date}/{provider}/{kind}/{model}-{task_id}"));
        String named = "cgt-names-all";
        String noModel = "cgt-names-no-model";
        String dots = "cgt-names-dots";
        byte[] first = Videos.mp4(20_000, 61);
        byte[] second = Videos.mp4(20_000, 62);
        byte[] third = Videos.mp4(20_000, 63);
        succeeds(named, "jimeng-videos", "seedance 1.0/pro:fast", first);
        succeeds(noModel, "jimeng-videos", null, second);
        succeeds(dots, "..", ".", third);
        Set<String> days = today();

        app.drop("ids.txt", named + "\n" + noModel + "\n" + dots + "\n");

        Path videos = app.output("videos");
        Path all = publishedVideo(named, first);
        String day = videos.relativize(all).getName(0).toString();
        assertTrue(days.contains(day), day + " is today in UTC");
        assertEquals(videos.resolve(day + "/jimeng-gateway/jimeng-videos/seedance_1.0_pro_fast-" + named + ".mp4"), all,
                "every field; a value's '/', ':' and ' ' as '_'; .mp4 added");
        assertEquals("videos/" + day + "/jimeng-gateway/jimeng-videos/seedance_1.0_pro_fast-" + named + ".mp4",
                JSON.readTree(app.result(named).toFile()).path("video_file").asText(), "the record names it relative to output/");
        assertEquals(videos.resolve(day + "/jimeng-gateway/jimeng-videos/unknown-" + noModel + ".mp4"), publishedVideo(noModel, second),
                "a value the answer does not name is unknown");
        assertEquals(videos.resolve(day + "/jimeng-gateway/_./_-" + dots + ".mp4"), publishedVideo(dots, third),
                "a value '..' or '.' is no folder step");
        assertFalse(Files.exists(videos.resolve(named + ".mp4")));
        try (Stream<Path> top = Files.list(videos)) {
            assertEquals(List.of(day), top.map(f -> f.getFileName().toString()).toList(), "nothing else in videos/, no temporary file left");
        }
    }

    @Test
    void twoTasksOfOneNameKeepBothTheSecondWithItsIdAndEachIsServedByItsId() throws Exception {
        Map<String, String> settings = new HashMap<>();
        int port = Http.enable(settings);
        settings.put(SETTING, "{kind}.mp4");
        startApp(settings);
        String first = "cgt-names-first";
        String second = "cgt-names-second";
        byte[] firstVideo = Videos.mp4(30_000, 64);
        byte[] secondVideo = Videos.mp4(30_000, 65);
        succeeds(first, "jimeng-videos", null, firstVideo);
        succeeds(second, "jimeng-videos", null, secondVideo);

        app.drop("first.txt", first + "\n");
        assertEquals(app.output("videos").resolve("jimeng-videos.mp4"), publishedVideo(first, firstVideo));
        app.drop("second.txt", second + "\n");
        assertEquals(app.output("videos").resolve("jimeng-videos-" + second + ".mp4"), publishedVideo(second, secondVideo));
        assertArrayEquals(firstVideo, Files.readAllBytes(app.output("videos").resolve("jimeng-videos.mp4")), "the first is not replaced");

        HttpResponse<byte[]> served = Http.getBytes(port, "/videos/" + first + ".mp4");
        assertEquals(200, served.statusCode());
        assertArrayEquals(firstVideo, served.body());
        served = Http.getBytes(port, "/videos/" + second + ".mp4");
        assertEquals(200, served.statusCode());
        assertArrayEquals(secondVideo, served.body());
    }

    @Test
    void twoAppsOnOneOutputFolderPublishingOneNameAtOnceKeepBoth() throws Exception {
        int tasks = 6;
        Map<String, byte[]> videos = new HashMap<>();
        for (int i = 0; i < 2 * tasks; i++) {
            String id = "cgt-names-race-" + i;
            videos.put(id, Videos.mp4(40_000, 100 + i));
            succeeds(id, "jimeng-videos", "one-model", videos.get(id));
        }
        Path output = root.resolve("output");
        Map<String, String> a = RunningApp.testSettings(root.resolve("a"), api.baseUrl());
        Map<String, String> b = RunningApp.testSettings(root.resolve("b"), api.baseUrl());
        for (Map<String, String> settings : List.of(a, b)) {
            settings.put("jimeng.output.folder", output.toString());
            settings.put(SETTING, "{model}.mp4");
        }
        try (RunningApp first = RunningApp.start(root.resolve("a"), a); RunningApp second = RunningApp.start(root.resolve("b"), b)) {
            StringBuilder forFirst = new StringBuilder();
            StringBuilder forSecond = new StringBuilder();
            for (int i = 0; i < 2 * tasks; i++) {
                (i % 2 == 0 ? forFirst : forSecond).append("cgt-names-race-").append(i).append('\n');
            }
            first.drop("ids.txt", forFirst.toString());
            second.drop("ids.txt", forSecond.toString());

            await().atMost(WAIT).until(() -> videos.keySet().stream().allMatch(id -> Files.exists(output.resolve("results/" + id + ".json"))));
        }
        Set<String> names = new java.util.HashSet<>();
        for (Map.Entry<String, byte[]> task : videos.entrySet()) {
            JsonNode result = JSON.readTree(output.resolve("results/" + task.getKey() + ".json").toFile());
            String name = result.path("video_file").asText();
            assertTrue(name.equals("videos/one-model.mp4") || name.equals("videos/one-model-" + task.getKey() + ".mp4"), name);
            assertArrayEquals(task.getValue(), Files.readAllBytes(output.resolve(name)), task.getKey() + "'s own video under " + name);
            names.add(name);
        }
        assertEquals(2 * tasks, names.size(), "every task kept its own video");
        try (Stream<Path> files = Files.list(output.resolve("videos"))) {
            assertEquals(2 * tasks, files.count(), "no temporary file left, nothing doubled");
        }
    }

    @Test
    void aTemplatedVideoIsListedServedAndOnlyDownloadedAgainOnceItIsGone() throws Exception {
        Map<String, String> settings = new HashMap<>();
        int port = Http.enable(settings);
        settings.put(SETTING, "{date}/{kind}/{task_id}.mp4");
        startApp(settings);
        String id = "cgt-names-served";
        String failedFirst = "cgt-names-retried";
        byte[] video = Videos.mp4(50_000, 66);
        byte[] retried = Videos.mp4(50_000, 67);
        succeeds(id, "jimeng-videos", null, video);
        api.answer(failedFirst, Answer.json(FakeGateway.failure(failedFirst, "busy")));

        app.drop("ids.txt", id + "\n" + failedFirst + "\n");
        Path published = publishedVideo(id, video);
        assertEquals("jimeng-videos", published.getParent().getFileName().toString());

        HttpResponse<byte[]> served = Http.getBytes(port, "/videos/" + id + ".mp4");
        assertEquals(200, served.statusCode());
        assertArrayEquals(video, served.body());
        JsonNode listed = JSON.readTree(Http.get(port, "/tasks?q=" + id).body()).path("tasks").get(0);
        assertEquals("/videos/" + id + ".mp4", listed.path("video_url").asText(), listed.toString());
        assertEquals(video.length, listed.path("video_bytes").asLong(), "the status page finds the video: " + listed);

        HttpResponse<String> refused = Http.post(port, "/tasks/" + id + "/retry", null, "");
        assertEquals(409, refused.statusCode(), "its video is where its record says: " + refused.body());
        assertTrue(Files.exists(app.result(id)), "nothing set aside");

        // Gone from where its record says: downloaded again, under the template's name.
        Files.delete(published);
        assertEquals(404, Http.getBytes(port, "/videos/" + id + ".mp4").statusCode());
        HttpResponse<String> again = Http.post(port, "/tasks/" + id + "/retry", null, "");
        assertEquals(202, again.statusCode(), again.body());
        assertEquals(published, publishedVideo(id, video));
        assertEquals(200, Http.getBytes(port, "/videos/" + id + ".mp4").statusCode());

        // A failed task retried and succeeding lands under the template's name too.
        awaitFailure(failedFirst);
        succeeds(failedFirst, "jimeng-videos", null, retried);
        assertEquals(202, Http.post(port, "/tasks/" + failedFirst + "/retry", null, "").statusCode());
        Path retriedVideo = publishedVideo(failedFirst, retried);
        assertEquals(published.resolveSibling(failedFirst + ".mp4"), retriedVideo);
        served = Http.getBytes(port, "/videos/" + failedFirst + ".mp4");
        assertArrayEquals(retried, served.body());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{task_id}/{size}.mp4 | names an unknown field {size}",
        "{date}/../{task_id}.mp4 | leaves output/videos/",
        "../results/{task_id} | leaves output/videos/",
        "/srv/videos/{task_id}.mp4 | is an absolute path",
        "{date}//{task_id}.mp4 | has an empty folder name",
        "{date}/ | has an empty folder name",
        "./{task_id}.mp4 | has a folder named '.'",
        ".{task_id}.mp4 | has a name starting with '.'",
        "{date} {task_id}.mp4 | has ' ' outside the fields",
        "{task_id | has a '{' without '}'",
    })
    void aTemplateThatCouldLeaveTheVideosFolderStopsTheStartNamingTheSetting(String template, String expected) {
        String reason = StartFailures.reason(root, api.baseUrl(), Map.of(SETTING, template));
        assertTrue(reason.startsWith(SETTING + "=" + template + " " + expected), reason);
        assertTrue(reason.endsWith("(environment variable JIMENG_OUTPUT_VIDEO_NAME)"), reason);
        assertFalse(reason.contains("\n"), "one line: " + reason);
    }

    @Test
    void theDefaultNameIsTheTaskIdAsBefore() throws Exception {
        startApp(Map.of());
        String id = "cgt-names-default";
        byte[] video = Videos.mp4(10_000, 68);
        succeeds(id, "jimeng-videos", "m", video);
        app.drop("ids.txt", id + "\n");
        assertEquals(app.video(id), publishedVideo(id, video));
        assertEquals("videos/" + id + ".mp4", JSON.readTree(app.result(id).toFile()).path("video_file").asText());
        try (Stream<Path> files = Files.list(app.output("videos"))) {
            assertEquals(Set.of(id + ".mp4"), files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
    }
}

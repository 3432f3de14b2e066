package io.github.jimengfetcher;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.support.FakeGateway;
import io.github.jimengfetcher.support.RunningApp;
import io.github.jimengfetcher.support.Videos;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log: one line per event, the task id first, and never the key. */
class LogTest extends AppTestSupport {

    @Test
    void everyLineAboutATaskStartsWithItsIdAndALargeDownloadLogsEveryTenth() throws Exception {
        String big = "cgt-log-big";
        String failed = "cgt-log-failed";
        byte[] video = Videos.mp4(60 * 1024 * 1024, 21);
        // Storage hosts announce the length of a video; the progress is counted against it.
        api.server().stubFor(get(urlPathEqualTo("/videos/big.mp4")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "video/mp4").withHeader("Content-Length", String.valueOf(video.length)).withBody(video)));
        api.statuses(big, FakeGateway.status(big, "QUEUED", "0%"), FakeGateway.status(big, "IN_PROGRESS", "50%"),
                FakeGateway.success(big, api.baseUrl() + "/videos/big.mp4?X-Tos-Expires=86400"));
        api.answer(failed, okJson(FakeGateway.failure(failed, "content policy")));

        try (CapturedLog log = CapturedLog.capture()) {
            app = RunningApp.start(root, RunningApp.testSettings(root, api.baseUrl()));
            app.drop("ids.txt", big + "\n" + failed + "\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(app.result(big)) && Files.exists(app.failure(failed))
                    && !log.containing(big + " DONE").isEmpty());

            List<String> progress = log.messages().stream().filter(m -> m.startsWith(big + " downloading ")).toList();
            assertEquals(10, progress.size(), "one line per tenth of 60 MB: " + progress);
            for (int tenth = 1; tenth <= 10; tenth++) {
                assertTrue(progress.get(tenth - 1).startsWith(big + " downloading " + tenth * 10 + "%"), progress.toString());
            }

            for (String id : List.of(big, failed)) {
                List<String> lines = log.containing(id);
                assertTrue(lines.size() >= 2, lines.toString());
                lines.forEach(line -> assertTrue(line.startsWith(id + " "), "task id first: " + line));
                lines.forEach(line -> assertFalse(line.contains("\n"), "one line per event: " + line));
            }
            assertTrue(log.containing(big + " DONE").size() == 1);
            assertTrue(log.containing(failed + " FAILED").size() == 1);
            log.messages().forEach(line -> assertFalse(line.contains(FakeGateway.KEY), "never the key: " + line));
        }
    }
}

package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.support.fake.KlingShape;
import io.github.jimengfetcher.support.fake.Step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kling example of docs/providers.md: its two provider files (src/test/resources/providers-kling,
 * the same as the docs show) read from jimeng.provider-files, against the fake answering in Kling's shape.
 */
class KlingProviderFilesTest extends AppTestSupport {

    @Test
    void textToVideoTaskOfTheExampleFileSucceedsAndAFailedOneEndsWithItsStatusMessage() throws Exception {
        byte[] video = Videos.mp4(40_000, 41);
        String url = api.video("kling.mp4", video);
        api.kling().task("860117712218742852", Step.queued(), Step.running(0), Step.succeeded(url));
        api.kling().task("860117712218742853", Step.running(0), Step.failed("1301", "Failure to pass the risk control system"));
        startWith("kling-text2video");

        app.drop("ids.txt", "860117712218742852\n860117712218742853\n");

        JsonNode result = awaitResult("860117712218742852");
        assertArrayEquals(video, Files.readAllBytes(app.video("860117712218742852")));
        assertEquals("succeed", result.path("answer").path("data").path("task_status").asText(), result.toString());
        JsonNode failure = awaitFailure("860117712218742853");
        assertEquals("api_failure", failure.path("reason_class").asText(), failure.toString());
        assertTrue(failure.path("reason").asText().contains("Failure to pass the risk control system"), failure.toString());
        assertTrue(api.kling().requests(KlingShape.TEXT2VIDEO) >= 5);
        assertEquals(0, api.kling().requests(KlingShape.IMAGE2VIDEO));
    }

    @Test
    void imageToVideoTaskOfTheExampleFileSucceeds() throws Exception {
        byte[] video = Videos.mp4(40_000, 42);
        String url = api.video("kling-image.mp4", video);
        api.kling().task("860117712218742999", Step.running(0), Step.succeeded(url));
        startWith("kling-image2video");

        app.drop("ids.txt", "860117712218742999\n");

        awaitResult("860117712218742999");
        assertArrayEquals(video, Files.readAllBytes(app.video("860117712218742999")));
        assertEquals(0, api.kling().requests(KlingShape.TEXT2VIDEO));
        assertTrue(api.kling().requests(KlingShape.IMAGE2VIDEO) >= 2);
    }

    @Test
    void theFilesAreTheExampleTheDocsShow() throws Exception {
        String docs = Files.readString(Path.of("docs/providers.md"));
        int heading = docs.indexOf("`providers/kling-text2video.yaml`:");
        assertTrue(heading >= 0, "docs/providers.md shows the Kling example");
        int from = docs.indexOf("```yaml\n", heading) + "```yaml\n".length();
        String shown = docs.substring(from, docs.indexOf("```", from));
        String text2video = Files.readString(file("kling-text2video.yaml"));
        assertEquals(shown, text2video);
        assertEquals(text2video.replace("text2video", "image2video").replace("Kling text to video", "Kling image to video"),
                Files.readString(file("kling-image2video.yaml")), "the same but for its path and description, as the docs say");
    }

    private static Path file(String name) throws Exception {
        return Path.of(KlingProviderFilesTest.class.getResource("/providers-kling/" + name).toURI());
    }

    private void startWith(String provider) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("jimeng.provider", provider);
        settings.put("jimeng.providers." + provider + ".base-url", api.baseUrl());
        settings.put("jimeng.providers." + provider + ".api-key", FakeGateway.KEY);
        settings.put("jimeng.provider-files", file("kling-text2video.yaml").getParent().toString());
        startApp(settings);
    }
}

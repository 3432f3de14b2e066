package io.github.jimengfetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.support.fake.Answer;
import io.github.jimengfetcher.support.fake.Request;
import io.github.jimengfetcher.support.fake.StorageHost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A provider file of the user's own, in jimeng.provider-files, makes the real app ask its API its
 * way (path, query, key header) and read the answers by its pointers; a broken file stops the start.
 */
class OwnProviderTest extends AppTestSupport {

    private static final String ACME = """
            description: A task API of our own
            request:
              path: /acme/jobs/{id}
              query: {view: full}
              key-header: X-Api-Key
              key-prefix: ""
            answer:
              id: /job/id
              status: /job/state
              progress: /job/percent
              video-url: /job/outputs/0/url
              failure-code: /error/code
              failure-message: /error/message
            status:
              running: [working]
              succeeded: [ready]
              failed: [broken]
            not-found:
              http-status: 404
              error-code: NoSuchJob
            """;

    private Path providerFiles(String text) throws IOException {
        Path folder = Files.createDirectories(root.resolve("providers"));
        Files.writeString(folder.resolve("acme.yaml"), text);
        return folder;
    }

    private void startAcme() throws Exception {
        startApp(Map.of("jimeng.provider-files", providerFiles(ACME).toString(), "jimeng.provider", "acme",
                "jimeng.providers.acme.api-key", "acme-key-1"));
    }

    /** Runs the app in this thread; returns the one line main() prints before it exits with code 2. */
    private String startFailure(Map<String, String> extra) {
        return StartFailures.reason(root, api.baseUrl(), extra);
    }

    @Test
    void aProviderFileOfTheUsersIsAskedItsWayAndReadByItsPointers() throws Exception {
        String id = "acme-7f3a";
        byte[] video = Videos.mp4(64 * 1024, 3);
        String url = api.video("acme.mp4", video);
        api.listen("/acme/jobs/", Answer.json("{\"job\":{\"id\":\"" + id + "\",\"state\":\"ready\",\"percent\":100,\"outputs\":[{\"url\":\""
                + url + "\"}]}}"));
        startAcme();
        app.drop("ids.txt", id + "\n");

        JsonNode result = awaitResult(id);
        assertEquals(id, result.path("task_id").asText(), result.toString());
        assertEquals(video.length, Files.size(app.video(id)));
        Request fetch = api.requestsTo("/acme/jobs/" + id).get(0);
        assertEquals("GET", fetch.method());
        assertEquals("view=full", fetch.rawQuery());
        assertEquals("acme-key-1", fetch.header("X-Api-Key"), "its own key, in its own header, without a prefix");
        assertNull(fetch.authorization(), "no other key goes with it");
        List<Request> downloads = api.requestsTo("/videos/acme.mp4");
        assertFalse(downloads.get(0).hasHeader("X-Api-Key"), "the key never goes to the storage host");
        assertTrue(api.fetchesOf(id).isEmpty(), "nothing was asked of /jimeng/fetch");
    }

    @Test
    void aProviderAskedByPostGetsAPostWithoutABody() throws Exception {
        String id = "acme-post";
        byte[] video = Videos.mp4(64 * 1024, 4);
        String url = api.video("acme-post.mp4", video);
        api.listen("/acme/jobs/", Answer.json("{\"job\":{\"id\":\"" + id + "\",\"state\":\"ready\",\"outputs\":[{\"url\":\""
                + url + "\"}]}}"));
        startApp(Map.of("jimeng.provider-files", providerFiles(ACME.replace("request:\n", "request:\n  method: POST\n")).toString(),
                "jimeng.provider", "acme", "jimeng.providers.acme.api-key", "acme-key-1"));
        app.drop("ids.txt", id + "\n");

        awaitResult(id);
        Request fetch = api.requestsTo("/acme/jobs/" + id).get(0);
        assertEquals("POST", fetch.method());
        assertEquals("", fetch.body(), "no body goes with it");
    }

    @Test
    void itsNotFoundAnswerEndsTheTaskAsNotFound() throws Exception {
        String id = "acme-gone";
        api.listen("/acme/jobs/", Answer.status(404).header("Content-Type", "application/json")
                .body("{\"error\":{\"code\":\"NoSuchJob\",\"message\":\"no job acme-gone\"}}"));
        startAcme();
        app.drop("ids.txt", id + "\n");

        JsonNode failure = awaitFailure(id);
        assertEquals("not_found", failure.path("reason_class").asText(), failure.toString());
        assertEquals("task not found (the API answered HTTP 404 NoSuchJob)", failure.path("reason").asText());
        assertEquals(2, api.requestsTo("/acme/jobs/" + id).size(), "believed when a second fetch says it again, as task_not_exist");
    }

    @Test
    void aVideoBehindTheProvidersKeyGetsItOnTheProvidersVideoPathOnly() throws Exception {
        String id = "acme-keyed";
        byte[] video = Videos.mp4(64 * 1024, 5);
        api.video(id + ".mp4", video, StorageHost.Behaviour.REDIRECT);
        api.listen("/acme/jobs/", Answer.json("{\"job\":{\"id\":\"" + id + "\",\"state\":\"ready\"}}"));
        startApp(Map.of("jimeng.provider-files", providerFiles(ACME.replace("  video-url: /job/outputs/0/url\n", "")
                + "download:\n  needs-key: true\n  path: /videos/{id}.mp4\n").toString(), "jimeng.provider", "acme",
                "jimeng.providers.acme.api-key", "acme-key-1"));
        app.drop("ids.txt", id + "\n");

        awaitResult(id);
        assertEquals(video.length, Files.size(app.video(id)));
        assertEquals("acme-key-1", api.requestsTo("/videos/" + id + ".mp4").get(0).header("X-Api-Key"), "the provider's video path gets its key");
        List<Request> moved = api.requestsTo("/moved/videos/" + id + ".mp4");
        assertFalse(moved.isEmpty(), "the video was redirected");
        assertFalse(moved.get(0).hasHeader("X-Api-Key"), "a redirect away from the provider's video path carries no key");
    }

    @Test
    void aBrokenProviderFileStopsTheStartNamingTheFileAndTheField() throws Exception {
        Path folder = providerFiles(ACME.replace("  status: /job/state\n", ""));
        String reason = startFailure(Map.of("jimeng.provider-files", folder.toString()));
        assertEquals(folder.resolve("acme.yaml") + ": answer.status: missing (a JSON Pointer such as /data/task_status)", reason);
    }

    @Test
    void aDefaultProviderWithoutAFileStopsTheStart() {
        String reason = startFailure(new HashMap<>(Map.of("jimeng.provider", "kling")));
        assertTrue(reason.startsWith("jimeng.provider=kling names no provider file: known are jimeng-gateway, new-api, openai-videos, ark"), reason);
        String shape = startFailure(Map.of("jimeng.provider", "Kling"));
        assertTrue(shape.startsWith("jimeng.provider=Kling is not a provider name"), shape);
    }
}

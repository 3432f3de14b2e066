package io.github.jimengfetcher.provider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.jimengfetcher.api.StatusFamily;
import io.github.jimengfetcher.support.CapturedLog;
import io.github.jimengfetcher.task.ProviderName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A provider file is read whole and checked: what cannot be used is said in one line naming the file and the field. */
class ProviderFileReaderTest {

    /** Kling's text-to-video, as docs/providers.md writes it. */
    static final String KLING = """
            description: Kling text to video
            base-url: https://api.klingai.com
            request:
              path: /v1/videos/text2video/{id}
            answer:
              id: /data/task_id
              status: /data/task_status
              video-url: /data/task_result/videos/0/url
              failure-message: /data/task_status_msg
            status:
              running: [submitted, processing]
              succeeded: [succeed]
              failed: [failed]
            """;

    @TempDir
    Path folder;

    private static String failure(String fileText) {
        return assertThrows(IllegalStateException.class, () -> ProviderFileReader.read("kling.yaml", "providers/kling.yaml", fileText))
                .getMessage();
    }

    @Test
    void theShippedFilesAreReadWithTheirDefaults() {
        Map<ProviderName, Provider> shipped = ProviderFiles.read(folder.resolve("none"));
        assertEquals(ProviderFiles.SHIPPED, shipped.keySet().stream().map(ProviderName::value).toList());

        Provider gateway = shipped.get(ProviderName.JIMENG_GATEWAY);
        assertTrue(gateway.readsLikeTheGateway());
        assertEquals("jimeng/fetch/cgt-1", gateway.request().pathOf("cgt-1"));
        assertEquals("/jimeng/fetch/", gateway.request().keyedPathPrefix());
        assertEquals("Authorization", gateway.request().keyHeader());
        assertEquals("Bearer ", gateway.request().keyPrefix());
        assertEquals("", gateway.baseUrl(), "the gateway has no root of its own: jimeng.api.base-url or the demo");

        Provider ark = shipped.get(new ProviderName("ark"));
        assertEquals("https://ark.cn-beijing.volces.com", ark.baseUrl());
        assertEquals("api/v3/contents/generations/tasks/cgt-20250829165122-qkwch", ark.request().pathOf("cgt-20250829165122-qkwch"));
        assertEquals(new NotFoundRule(404, "ResourceNotFound"), ark.notFound());
        assertEquals(Map.of("last-frame", "/content/last_frame_url"), ark.answer().images());
        assertEquals(new ListQuery("/api/v3/contents/generations/tasks", "filter.task_ids", Map.of("page_size", "{count}"), 500, "/items"),
                ark.list());
        assertEquals(StatusFamily.EXPIRED, ark.status().familyOf("expired"));

        Provider openai = shipped.get(new ProviderName("openai-videos"));
        assertEquals(new ProviderDownload(true, "/v1/videos/{id}/content"), openai.download());
        assertNull(openai.notFound());
    }

    @Test
    void klingsFileReadsAsTheDocsWriteIt() {
        Provider kling = ProviderFileReader.read("kling-text2video.yaml", "providers/kling-text2video.yaml", KLING);
        assertEquals(new ProviderName("kling-text2video"), kling.name());
        assertEquals("GET", kling.request().method());
        assertEquals("/data/task_result/videos/0/url", kling.answer().videoUrl());
        assertEquals(AnswerPointers.Reader.POINTERS, kling.answer().reader());
        assertEquals(StatusFamily.SUCCEEDED, kling.status().familyOf("SUCCEED"));
        assertEquals(StatusFamily.WAITING, kling.status().familyOf("Submitted"));
        assertEquals(StatusFamily.UNRECOGNISED, kling.status().familyOf("paused"));
        assertEquals(StatusFamily.WAITING, kling.status().familyOf(""), "no word yet: still waiting");
    }

    static Stream<Arguments> requiredFields() {
        return Stream.of(
                Arguments.of("request:\n  path: /v1/videos/text2video/{id}\n", "request: missing", ""),
                Arguments.of("  path: /v1/videos/text2video/{id}\n", "request.path: missing", "  method: GET\n"),
                Arguments.of(KLING.substring(KLING.indexOf("answer:"), KLING.indexOf("status:\n")), "answer: missing", ""),
                Arguments.of("  status: /data/task_status\n", "answer.status: missing (a JSON Pointer such as /data/task_status)", ""),
                Arguments.of("  video-url: /data/task_result/videos/0/url\n",
                        "answer.video-url: missing (a JSON Pointer such as /content/video_url), or give download.path", ""),
                Arguments.of(KLING.substring(KLING.indexOf("status:\n")), "status: missing", ""),
                Arguments.of("  running: [submitted, processing]\n", "status.running: missing", ""),
                Arguments.of("  succeeded: [succeed]\n", "status.succeeded: missing", ""),
                Arguments.of("  failed: [failed]\n", "status.failed: missing", ""));
    }

    @ParameterizedTest
    @MethodSource("requiredFields")
    void everyRequiredFieldMissingIsNamedWithTheFile(String removed, String expected, String instead) {
        assertTrue(KLING.contains(removed), removed);
        String message = failure(KLING.replace(removed, instead));
        assertTrue(message.startsWith("providers/kling.yaml: " + expected), message);
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    @Test
    void aListQueryNeedsTheAnswersIdToMatchItsItemsToTheirTasks() {
        String list = "list:\n  path: /v1/videos/text2video\n  id-parameter: task_ids\n  items: /data/tasks\n";
        assertEquals("providers/kling.yaml: list.items: each item is matched to its task by answer.id: give answer.id (and the pointers reader)",
                failure(KLING.replace("  id: /data/task_id\n", "") + list));
        ListQuery query = ProviderFileReader.read("kling.yaml", "providers/kling.yaml", KLING + list).list();
        assertEquals("task_ids=a&task_ids=b%2F1", query.queryOf(java.util.List.of("a", "b/1")));
        assertEquals("v1/videos/text2video", query.pathUnderRoot());
    }

    @Test
    void aPointerThatDoesNotStartWithASlashIsRefused() {
        String message = failure(KLING.replace("status: /data/task_status", "status: data.task_status"));
        assertEquals("providers/kling.yaml: answer.status: 'data.task_status' is not a JSON Pointer: it starts with '/', "
                + "such as /data/status (array items by index: /data/videos/0/url)", message);
        assertTrue(failure(KLING.replace("video-url: /data/task_result/videos/0/url", "video-url: videos[0].url"))
                .startsWith("providers/kling.yaml: answer.video-url: 'videos[0].url' is not a JSON Pointer"));
    }

    @Test
    void aFileNameThatIsNoProviderNameIsRefused() {
        String message = assertThrows(IllegalStateException.class, () -> ProviderFileReader.read("Kling_v1.yaml", "providers/Kling_v1.yaml", KLING))
                .getMessage();
        assertTrue(message.startsWith("providers/Kling_v1.yaml: the file's name: provider name 'Kling_v1' is not lower-case letters"), message);
    }

    @Test
    void aMisspeltFieldAWrongValueOrNoYamlIsRefused() {
        assertTrue(failure(KLING.replace("video-url:", "vidoe-url:")).startsWith("providers/kling.yaml: answer.vidoe-url: unknown field"));
        assertTrue(failure(KLING.replace("  path:", "  method: DELETE\n  path:")).startsWith("providers/kling.yaml: request.method: 'DELETE' is not GET or POST"));
        assertTrue(failure(KLING.replace("/v1/videos/text2video/{id}", "/v1/videos/text2video")).startsWith("providers/kling.yaml: request.path: "
                + "'/v1/videos/text2video' names no {id}"));
        assertTrue(failure(KLING.replace("failed: [failed]", "failed: [failed, processing]"))
                .startsWith("providers/kling.yaml: status.failed: 'processing' is also in status.running"));
        assertTrue(failure(KLING + "not-found:\n  http-status: 404\n  error-code: NotFound\n")
                .startsWith("providers/kling.yaml: not-found.error-code: needs answer.failure-code"));
        assertTrue(failure(KLING + "download:\n  needs-key: true\n").startsWith("providers/kling.yaml: download.path: missing"));
        assertTrue(failure(KLING.replace("base-url: https://api.klingai.com", "base-url: ftp://api.klingai.com"))
                .startsWith("providers/kling.yaml: base-url: 'ftp://api.klingai.com' is not a plain http(s) API root"));
        assertTrue(failure("request: [").startsWith("providers/kling.yaml: not readable YAML"), failure("request: ["));
        assertTrue(failure("- a list").startsWith("providers/kling.yaml: not a provider file"));
        assertTrue(failure(KLING.replace("answer:\n", "answer:\n  reader: gateway\n"))
                .startsWith("providers/kling.yaml: answer.reader: gateway reads jimeng-gateway's answers only"));
    }

    @Test
    void aUsersFileWithAShippedNameReplacesItAndOthersJoin() throws Exception {
        Files.writeString(folder.resolve("ark.yaml"), KLING.replace("https://api.klingai.com", "https://ark.example.com"));
        Files.writeString(folder.resolve("kling-text2video.yaml"), KLING);
        Files.writeString(folder.resolve(".kling-image2video.yaml"), "half written");
        Files.writeString(folder.resolve("notes.txt"), "not a provider");
        Map<ProviderName, Provider> providers;
        try (CapturedLog log = CapturedLog.capture()) {
            providers = ProviderFiles.read(folder);
            assertTrue(log.all().contains("Provider ark: " + folder.resolve("ark.yaml") + " replaces the shipped file"), log.all());
        }
        assertEquals("https://ark.example.com", providers.get(new ProviderName("ark")).baseUrl());
        assertEquals(folder.resolve("ark.yaml").toString(), providers.get(new ProviderName("ark")).source());
        assertTrue(providers.containsKey(new ProviderName("kling-text2video")));
        assertEquals(5, providers.size(), "hidden files and other files are no providers: " + providers.keySet());
    }

    @Test
    void aBrokenUsersFileStopsTheReadingNamingIt() throws Exception {
        Files.writeString(folder.resolve("kling.yaml"), KLING.replace("  status: /data/task_status\n", ""));
        String message = assertThrows(IllegalStateException.class, () -> ProviderFiles.read(folder)).getMessage();
        assertEquals(folder.resolve("kling.yaml") + ": answer.status: missing (a JSON Pointer such as /data/task_status)", message);
    }

    @Test
    void whereANotificationNamesItsTaskIsTheFilesNotifyIdOrElseItsAnswerId() {
        assertEquals("", ProviderFileReader.read("kling.yaml", "providers/kling.yaml", KLING).notifyId());
        assertEquals("/task/id", ProviderFileReader.read("kling.yaml", "providers/kling.yaml", KLING + "notify:\n  id: /task/id\n").notifyId());
        assertEquals("providers/kling.yaml: notify.id: 'task.id' is not a JSON Pointer: it starts with '/', such as /data/status "
                + "(array items by index: /data/videos/0/url)", failure(KLING + "notify:\n  id: task.id\n"));
        assertTrue(failure(KLING + "notify:\n  ids: /id\n").startsWith("providers/kling.yaml: notify.ids: unknown field"));
    }
}

package io.github.jimengfetcher.provider;

import java.net.URI;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import io.github.jimengfetcher.api.StatusFamily;
import io.github.jimengfetcher.task.ProviderName;

/**
 * One provider file into a {@link Provider}, checked whole: a file that cannot be used stops the
 * start with one line naming the file and the field (docs/providers.md has the format).
 */
public final class ProviderFileReader {

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    private ProviderFileReader() {
    }

    /**
     * @param fileName the file's own name ({@code ark.yaml}): the provider's name without {@code .yaml}
     * @param source   where it was read from, as the messages name it
     */
    public static Provider read(String fileName, String source, String text) {
        String name = fileName.endsWith(".yaml") ? fileName.substring(0, fileName.length() - ".yaml".length()) : fileName;
        String badName = ProviderName.problem(name);
        if (badName != null) {
            throw new IllegalStateException(source + ": the file's name: " + badName + " (the provider's name is the file's name without .yaml)");
        }
        Object document;
        try {
            document = new Load(LoadSettings.builder().setLabel(source).build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new IllegalStateException(source + ": not readable YAML: " + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip());
        }
        FileFields file = FileFields.of(source, document)
                .known(Set.of("description", "base-url", "request", "answer", "status", "not-found", "download", "list", "notify"));
        ProviderName provider = new ProviderName(name);
        ProviderRequest request = request(file);
        ProviderDownload download = download(file);
        AnswerPointers answer = answer(file, provider, download);
        return new Provider(provider, source, file.text("description", ""), baseUrl(file), request, answer, status(file),
                notFound(file, answer), download, list(file, answer), notifyId(file));
    }

    /** Where a notification names its task, when its body is not the answer's shape (notify.id); empty: answer.id. */
    private static String notifyId(FileFields file) {
        FileFields notify = file.mapping("notify", false, "id: a JSON Pointer");
        if (notify == null) {
            return "";
        }
        notify.known(Set.of("id"));
        return notify.pointer("id", true, "/data/task_id");
    }

    private static String baseUrl(FileFields file) {
        String value = file.text("base-url", "");
        if (!value.isEmpty()) {
            URI uri;
            try {
                uri = URI.create(value);
            } catch (IllegalArgumentException e) {
                throw file.problem("base-url", "'" + value + "' is not a URL (write it like https://api.example.com)");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw file.problem("base-url", "'" + value + "' is not a plain http(s) API root such as https://api.example.com");
            }
        }
        return value.replaceAll("/+$", "");
    }

    private static ProviderRequest request(FileFields file) {
        FileFields request = file.mapping("request", true, "at least path: such as /v1/tasks/{id}")
                .known(Set.of("method", "path", "query", "key-header", "key-prefix"));
        String method = request.text("method", "GET").toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("POST")) {
            throw request.problem("method", "'" + method + "' is not GET or POST");
        }
        String path = request.requiredText("path", "the task's path under the base URL, with {id}, such as /v1/tasks/{id}");
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw request.problem("path", "'" + path + "' is not a path starting with '/' (extra parameters go in request.query)");
        }
        checkPath(request, "path", path);
        Map<String, String> query = request.texts("query");
        if (!path.contains(ProviderRequest.ID) && query.values().stream().noneMatch(v -> v.contains(ProviderRequest.ID))) {
            throw request.problem("path", "'" + path + "' names no {id} (nor does request.query): where does the task's id go?");
        }
        String keyHeader = request.text("key-header", "Authorization");
        if (!HEADER_NAME.matcher(keyHeader).matches()) {
            throw request.problem("key-header", "'" + keyHeader + "' is not an HTTP header name");
        }
        // Spaces count here ("Bearer "): the value as written.
        String keyPrefix = request.has("key-prefix") ? request.raw("key-prefix") : "Bearer ";
        if (keyPrefix.chars().anyMatch(c -> c < 0x20 || c > 0x7e)) {
            throw request.problem("key-prefix", "has characters that cannot go in an HTTP header");
        }
        return new ProviderRequest(method, path, query, keyHeader, keyPrefix);
    }

    /** A path a URL can have, once the id is in it (spaces and the like percent-encoded, as on the wire). */
    private static void checkPath(FileFields fields, String name, String path) {
        try {
            URI.create("http://host" + path.replace(ProviderRequest.ID, "id"));
        } catch (IllegalArgumentException e) {
            throw fields.problem(name, "'" + path + "' is not a URL path (characters such as spaces are written percent-encoded: %20)");
        }
    }

    private static AnswerPointers answer(FileFields file, ProviderName provider, ProviderDownload download) {
        FileFields answer = file.mapping("answer", true, "at least status: a JSON Pointer such as /data/status")
                .known(Set.of("reader", "id", "status", "progress", "video-url", "images", "failure-code", "failure-message",
                        "submitted-at", "finished-at", "model", "kind"));
        String readerName = answer.text("reader", "pointers");
        AnswerPointers.Reader reader = switch (readerName) {
            case "pointers" -> AnswerPointers.Reader.POINTERS;
            case "gateway" -> AnswerPointers.Reader.GATEWAY;
            default -> throw answer.problem("reader", "'" + readerName + "' is not pointers or gateway");
        };
        if (reader == AnswerPointers.Reader.GATEWAY && !provider.equals(ProviderName.JIMENG_GATEWAY)) {
            throw answer.problem("reader", "gateway reads jimeng-gateway's answers only: write pointers, with the answer's pointers");
        }
        boolean pointers = reader == AnswerPointers.Reader.POINTERS;
        String videoUrl = answer.pointer("video-url", false, "/content/video_url");
        if (pointers && videoUrl.isEmpty() && download.path().isEmpty()) {
            throw answer.problem("video-url", "missing (a JSON Pointer such as /content/video_url), or give download.path");
        }
        Map<String, String> images = answer.texts("images");
        images.forEach((name, pointer) -> answer.checkedPointer("images." + name, pointer));
        return new AnswerPointers(reader, answer.pointer("id", false, "/id"), answer.pointer("status", pointers, "/data/task_status"),
                answer.pointer("progress", false, "/progress"), videoUrl, images, answer.pointer("failure-code", false, "/error/code"),
                answer.pointer("failure-message", false, "/error/message"), answer.pointer("submitted-at", false, "/created_at"),
                answer.pointer("finished-at", false, "/updated_at"), answer.pointer("model", false, "/model"),
                answer.pointer("kind", false, "/kind"));
    }

    private static StatusWords status(FileFields file) {
        FileFields status = file.mapping("status", true, "the provider's status words: running:, succeeded:, failed: lists")
                .known(StatusWords.FAMILIES.keySet());
        Map<StatusFamily, List<String>> lists = new EnumMap<>(StatusFamily.class);
        Map<String, String> listOf = new HashMap<>();
        for (String key : status.names()) {
            List<String> words = status.words(key);
            for (String word : words == null ? List.<String>of() : words) {
                String other = listOf.putIfAbsent(StatusWords.normalise(word), key);
                if (other != null && !other.equals(key)) {
                    throw status.problem(key, "'" + word + "' is also in status." + other);
                }
            }
            lists.put(StatusWords.FAMILIES.get(key), words == null ? List.of() : words);
        }
        for (String key : StatusWords.REQUIRED) {
            if (lists.getOrDefault(StatusWords.FAMILIES.get(key), List.of()).isEmpty()) {
                throw status.problem(key, "missing (a list of the provider's words for it, such as [" + key + "])");
            }
        }
        return new StatusWords(lists);
    }

    private static NotFoundRule notFound(FileFields file, AnswerPointers answer) {
        FileFields rule = file.mapping("not-found", false, "http-status: and optionally error-code:");
        if (rule == null) {
            return null;
        }
        rule.known(Set.of("http-status", "error-code"));
        if (!rule.has("http-status")) {
            throw rule.problem("http-status", "missing (the HTTP status of the answer meaning no such task, such as 404)");
        }
        String errorCode = rule.text("error-code", "");
        if (!errorCode.isEmpty() && answer.failureCode().isEmpty()) {
            throw rule.problem("error-code", "needs answer.failure-code, the pointer it is read at (such as /error/code)");
        }
        return new NotFoundRule(rule.number("http-status", 404, 400, 599), errorCode);
    }

    private static ProviderDownload download(FileFields file) {
        FileFields download = file.mapping("download", false, "needs-key: and path:");
        if (download == null) {
            return new ProviderDownload(false, "");
        }
        download.known(Set.of("needs-key", "path"));
        boolean needsKey = download.flag("needs-key", false);
        String path = download.text("path", "");
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw download.problem("path", "'" + path + "' is not a path starting with '/', such as /v1/videos/{id}/content");
        }
        if (!path.isEmpty()) {
            checkPath(download, "path", path);
        }
        if (needsKey && path.isEmpty()) {
            throw download.problem("path", "missing (needs-key: true fetches the video from this path with the key, such as /v1/videos/{id}/content)");
        }
        return new ProviderDownload(needsKey, path);
    }

    private static ListQuery list(FileFields file, AnswerPointers answer) {
        FileFields list = file.mapping("list", false, "path:, id-parameter:, items:");
        if (list == null) {
            return null;
        }
        list.known(Set.of("path", "id-parameter", "query", "limit", "items"));
        String path = list.requiredText("path", "the many-tasks query's path, such as /v1/tasks");
        if (!path.startsWith("/")) {
            throw list.problem("path", "'" + path + "' is not a path starting with '/'");
        }
        if (answer.reader() != AnswerPointers.Reader.POINTERS || answer.id().isEmpty()) {
            throw list.problem("items", "each item is matched to its task by answer.id: give answer.id (and the pointers reader)");
        }
        return new ListQuery(path, list.requiredText("id-parameter", "the query parameter repeated once per id, such as ids"),
                list.texts("query"), list.number("limit", 100, 1, 10_000), list.pointer("items", true, "/items"));
    }
}

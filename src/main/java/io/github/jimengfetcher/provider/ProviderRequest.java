package io.github.jimengfetcher.provider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How one task is asked for: the method (GET, or POST without a body), the path under the base URL
 * with {@code {id}} for the task id, extra query parameters, and the header that carries the key.
 */
public record ProviderRequest(String method, String path, Map<String, String> query, String keyHeader, String keyPrefix) {

    static final String ID = "{id}";

    /** The path of this task's request, without its leading '/': the id URL-path-encoded. */
    public String pathOf(String taskId) {
        String path = this.path.replace(ID, pathSegment(taskId));
        return path.startsWith("/") ? path.substring(1) : path;
    }

    /** The query of this task's request, encoded; null when there is none. */
    public String queryOf(String taskId) {
        if (query.isEmpty()) {
            return null;
        }
        StringJoiner joined = new StringJoiner("&");
        query.forEach((name, value) -> joined.add(queryPart(name) + "=" + queryPart(value.replace(ID, taskId))));
        return joined.toString();
    }

    /** The path every request of this provider starts with: the key goes only to requests under it. */
    public String keyedPathPrefix() {
        int id = path.indexOf(ID);
        return id < 0 ? path : path.substring(0, id);
    }

    static String pathSegment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String queryPart(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}

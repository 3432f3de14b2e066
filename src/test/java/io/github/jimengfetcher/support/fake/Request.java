package io.github.jimengfetcher.support.fake;

import java.util.List;
import java.util.Map;

/**
 * One request as it arrived: the decoded path, the raw path and query exactly as on the wire, its
 * headers (names in any case), its body, when it came (epoch ms), and the body it was answered with
 * when the API answered it.
 */
public record Request(String method, String path, String rawPath, String rawQuery, Map<String, List<String>> headers,
        String body, long at, String answer) {

    /** The header's first value, or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public boolean hasHeader(String name) {
        return header(name) != null;
    }

    public String range() {
        return header("Range");
    }

    public String authorization() {
        return header("Authorization");
    }

    /** Whether this secret went out with the request: in any header or in its path or query. */
    public boolean carries(String secret) {
        return url().contains(secret) || headers.values().stream().flatMap(List::stream).anyMatch(v -> v.contains(secret));
    }

    /** The path and query as sent, e.g. "/jimeng/fetch/cgt-1" or "/videos/a.mp4?sig=x". */
    public String url() {
        return rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
    }

    /** The values of this query parameter, decoded, in order ("filter.task_ids" of a list query, say). */
    public List<String> parameter(String name) {
        return ShapedApi.parameter(rawQuery, name);
    }

    Request answered(String body) {
        return new Request(method, path, rawPath, rawQuery, headers, this.body, at, body);
    }
}

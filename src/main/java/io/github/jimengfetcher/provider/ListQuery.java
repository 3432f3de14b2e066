package io.github.jimengfetcher.provider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A query for many tasks at once, where the provider has one: the due tasks of such a provider are
 * asked in groups of up to {@code limit} (life's {@code FetchGroups}, routes/poll.yaml's fetch-group).
 *
 * @param idParameter the query parameter repeated once per id
 * @param query       further parameters; {@code {count}} is the number of ids asked
 * @param limit       the most ids in one query
 * @param items       pointer to the array of task objects, each read with the answer's pointers
 */
public record ListQuery(String path, String idParameter, Map<String, String> query, int limit, String items) {

    static final String COUNT = "{count}";

    /** The query's path, without its leading '/'. */
    public String pathUnderRoot() {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    /** The query naming these ids, encoded: the id parameter once per id, then the further parameters. */
    public String queryOf(List<String> ids) {
        StringJoiner joined = new StringJoiner("&");
        for (String id : ids) {
            joined.add(part(idParameter) + "=" + part(id));
        }
        query.forEach((name, value) -> joined.add(part(name) + "=" + part(value.replace(COUNT, Integer.toString(ids.size())))));
        return joined.toString();
    }

    private static String part(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}

package io.github.jimengfetcher.provider;

import java.util.Map;

/**
 * A query for many tasks at once, where the provider has one: read and checked at start, not yet asked.
 *
 * @param idParameter the query parameter repeated once per id
 * @param query       further parameters; {@code {count}} is the number of ids asked
 * @param limit       the most ids in one query
 * @param items       pointer to the array of task objects, each read with the answer's pointers
 */
public record ListQuery(String path, String idParameter, Map<String, String> query, int limit, String items) {
}

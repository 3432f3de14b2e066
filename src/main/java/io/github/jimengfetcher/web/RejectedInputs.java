package io.github.jimengfetcher.web;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Header;

/**
 * GET /rejected: the records of output/rejected/, newest first, a page at a time, each said
 * shortly: where the input came from, when, how many pieces were rejected and accepted, and the
 * first reasons. Read from the folder on every call, so it survives a restart and shows what other
 * instances sharing the folder recorded.
 *
 * The folder may hold thousands of records: only each file's name and time are kept while looking
 * (and of those only the newest offset + limit), and only the files of the page are read.
 */
public class RejectedInputs {

    /** A record larger than this is listed, not read (the app writes records of a few kilobytes). */
    static final long MAX_RECORD_BYTES = 1024 * 1024;
    /** The first rejections of a record shown with it. */
    static final int FIRST_SHOWN = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<Listed> NEWEST_FIRST =
            Comparator.comparingLong(Listed::modified).reversed().thenComparing(Listed::name, Comparator.reverseOrder());

    private final Path folder;
    private final int shown;

    /** @param shown records on a page unless the query asks for another number (jimeng.http.rejected-shown) */
    public RejectedInputs(Path folder, int shown) {
        this.folder = folder;
        this.shown = shown;
    }

    /** A page of records, or why the query cannot be answered. */
    public record Query(int offset, int limit, String problem) {

        public boolean isValid() {
            return problem == null;
        }
    }

    private record Listed(Path file, String name, long modified) {
    }

    /** ?offset=&limit=, read by the rules of GET /tasks (the same answers to bad values); the limit defaults to the setting. */
    public Query query(@Header("offset") String offset, @Header("limit") String limit) {
        TaskQuery read = TaskQuery.of(null, null, offset, limit);
        if (!read.isValid()) {
            return new Query(0, shown, read.problem());
        }
        return new Query(read.offset(), limit == null || limit.isEmpty() ? shown : read.limit(), null);
    }

    /** The answer to a query that cannot be read: 400, and why. */
    public Map<String, Object> refusal(Query query) {
        return Map.of("error", query.problem());
    }

    /** The document GET /rejected answers. */
    public Map<String, Object> page(Query query) throws IOException {
        int keep = (int) Math.min(Integer.MAX_VALUE - 1L, (long) query.offset() + query.limit());
        // The oldest of those kept on top, so that it goes first when a newer one comes.
        PriorityQueue<Listed> newest = new PriorityQueue<>(Math.min(keep, 1024) + 1, NEWEST_FIRST.reversed());
        int total = 0;
        if (Files.isDirectory(folder)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.startsWith(".")) {
                        continue;
                    }
                    BasicFileAttributes attributes;
                    try {
                        attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    if (!attributes.isRegularFile()) {
                        continue;
                    }
                    total++;
                    newest.add(new Listed(file, name, attributes.lastModifiedTime().toMillis()));
                    if (newest.size() > keep) {
                        newest.poll();
                    }
                }
            }
        }
        List<Listed> sorted = new ArrayList<>(newest);
        sorted.sort(NEWEST_FIRST);
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = query.offset(); i < sorted.size(); i++) {
            records.add(entry(sorted.get(i)));
        }
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("total", total);
        page.put("offset", query.offset());
        page.put("limit", query.limit());
        page.put("rejected", records);
        return page;
    }

    private static Map<String, Object> entry(Listed listed) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("record", listed.name());
        JsonNode record = null;
        String unread = null;
        try {
            if (Files.size(listed.file()) > MAX_RECORD_BYTES) {
                unread = "the record is larger than 1 MB: see it in output/rejected/";
            } else {
                record = JSON.readTree(listed.file().toFile());
                if (record == null || !record.isObject()) {
                    unread = "the record is not a JSON object";
                    record = null;
                }
            }
        } catch (IOException e) {
            unread = "the record cannot be read: " + e.getClass().getSimpleName();
        }
        JsonNode r = record == null ? JSON.createObjectNode() : record;
        String source = r.path("source").asText("");
        entry.put("from", from(source));
        entry.put("source", describe(r, source, listed.name()));
        entry.put("rejected_at", r.path("rejected_at").isTextual() ? r.path("rejected_at").asText()
                : Instant.ofEpochMilli(listed.modified()).toString());
        JsonNode kept = r.path("rejected");
        entry.put("rejected_count", r.path("rejected_count").canConvertToInt() && r.path("rejected_count").isNumber()
                ? r.path("rejected_count").asInt() : kept.size());
        entry.put("accepted_ids", r.path("accepted_ids").isNumber() ? r.path("accepted_ids").asInt() : null);
        List<Map<String, Object>> first = new ArrayList<>();
        if (unread != null) {
            first.add(Map.of("reason", unread));
        }
        for (int i = 0; i < kept.size() && first.size() < FIRST_SHOWN; i++) {
            JsonNode one = kept.get(i);
            Map<String, Object> rejection = new LinkedHashMap<>();
            if (one.path("line").isNumber()) {
                rejection.put("line", one.path("line").asInt());
            }
            if (one.path("text").isTextual()) {
                rejection.put("text", one.path("text").asText());
            }
            rejection.put("reason", one.path("reason").asText(""));
            first.add(rejection);
        }
        entry.put("first_rejections", first);
        return entry;
    }

    /** file, post or kafka: how the input reached the app. */
    private static String from(String source) {
        if ("http-post-tasks".equals(source)) {
            return "post";
        }
        return "kafka".equals(source) ? "kafka" : "file";
    }

    /** The inbox file's name, POST /tasks, or the Kafka record's place. */
    private static String describe(JsonNode record, String source, String recordName) {
        if ("http-post-tasks".equals(source)) {
            return "POST /tasks";
        }
        if ("kafka".equals(source)) {
            return "Kafka " + record.path("topic").asText("?") + " partition " + record.path("partition").asText("?")
                    + " offset " + record.path("offset").asText("?");
        }
        if (source.isEmpty()) {
            // Not a record the app wrote: its own file name says most.
            return recordName;
        }
        return record.path("appended_from_byte").isNumber()
                ? source + " (lines appended from byte " + record.path("appended_from_byte").asLong() + ")" : source;
    }
}

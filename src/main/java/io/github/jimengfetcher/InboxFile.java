package io.github.jimengfetcher;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one inbox file holds: the valid task ids, in order and without repeats,
 * and every line that was rejected with the reason.
 */
public record InboxFile(String source, List<String> ids, List<Rejection> rejections) {

    /** One rejected piece of input; line is 0 when the whole file was rejected. */
    public record Rejection(int line, String text, String reason) {
    }

    public boolean hasRejections() {
        return !rejections.isEmpty();
    }

    /** The record written to output/rejected/, so that nothing is dropped silently. */
    public Map<String, Object> rejectionReport() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("source", source);
        report.put("rejected_at", Instant.now().toString());
        report.put("accepted_ids", ids.size());
        report.put("rejected", rejections.stream().map(r -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            if (r.line() > 0) {
                entry.put("line", r.line());
            }
            if (r.text() != null) {
                entry.put("text", r.text());
            }
            entry.put("reason", r.reason());
            return entry;
        }).toList());
        return report;
    }
}

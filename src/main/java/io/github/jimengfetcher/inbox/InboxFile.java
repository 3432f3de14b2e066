package io.github.jimengfetcher.inbox;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.jimengfetcher.task.ProviderConflict;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;

/**
 * What one inbox file holds: the valid task ids with their providers, in order and without
 * repeats, how many pieces of it were rejected, and the first {@link Rejections#KEPT} of those
 * with the reason.
 *
 * @param linesEnd     how many bytes of the file were read as id lines, so that lines appended
 *                     later can be read from there; -1 when the file is not in line form
 *                     (UTF-16, rejected whole), whose appends are not followed; for JSON, where the
 *                     last whole document ends
 * @param appendedFrom -1 for a whole file; for lines appended after the file was read, the
 *                     byte offset they start at
 * @param rejectedCount how many pieces were rejected, of which rejections holds the first ones
 */
public record InboxFile(String source, List<TaskRef> tasks, List<Rejection> rejections, long linesEnd, long appendedFrom,
                        int rejectedCount) {

    /** One rejected piece of input; line is 0 when the whole file was rejected. */
    public record Rejection(int line, String text, String reason) {
    }

    /** Every rejection kept. */
    public InboxFile(String source, List<TaskRef> tasks, List<Rejection> rejections, long linesEnd, long appendedFrom) {
        this(source, tasks, rejections, linesEnd, appendedFrom, rejections.size());
    }

    public InboxFile(String source, List<TaskRef> tasks, Rejections rejections, long linesEnd, long appendedFrom) {
        this(source, tasks, rejections.kept(), linesEnd, appendedFrom, rejections.count());
    }

    /** A whole file whose appends are not followed. */
    public InboxFile(String source, List<TaskRef> tasks, List<Rejection> rejections) {
        this(source, tasks, rejections, -1, -1);
    }

    /** The valid ids, in order. */
    public List<TaskId> ids() {
        return tasks.stream().map(TaskRef::id).toList();
    }

    /**
     * The same, but for the ids the store refused, as it has them for another provider: those are
     * rejected with the reason, as a bad line is.
     */
    public InboxFile refusing(List<ProviderConflict> conflicts) {
        if (conflicts.isEmpty()) {
            return this;
        }
        Set<TaskRef> refused = conflicts.stream().map(c -> new TaskRef(c.id(), c.asked())).collect(Collectors.toSet());
        Rejections all = new Rejections();
        all.addAll(this);
        conflicts.forEach(c -> all.add(new Rejection(0, new TaskRef(c.id(), c.asked()).toString(), c.reason())));
        return new InboxFile(source, tasks.stream().filter(task -> !refused.contains(task)).toList(), all, linesEnd, appendedFrom);
    }

    /** Something in the inbox that is not taken at all, for the reason given. */
    public static InboxFile notTaken(String source, String reason) {
        return new InboxFile(source, List.of(), List.of(new Rejection(0, null, reason)));
    }

    /** A file named *.retry lists failed tasks to fetch again, not tasks to register. */
    public boolean isRetryList() {
        return source.toLowerCase(java.util.Locale.ROOT).endsWith(".retry");
    }

    public boolean hasRejections() {
        return rejectedCount > 0;
    }

    /** Rejections counted but not kept with their reasons. */
    public int rejectedLeftOut() {
        return rejectedCount - rejections.size();
    }

    /** The name under which copies and records of this file are kept, short enough for any file system. */
    public String storedName() {
        return StoredNames.fit(source);
    }

    /** For the log: the file's name, and which part of it was read. */
    public String description() {
        return appendedFrom < 0 ? source : source + " (lines appended after it was read, from byte " + appendedFrom + ")";
    }

    /** The reason of the first rejection, for the log line. */
    public String firstReason() {
        return rejections.isEmpty() ? "" : rejections.get(0).reason();
    }

    /** Every kept rejection, what and why, for the log line; those left out are counted. */
    public String reasons() {
        StringBuilder reasons = new StringBuilder();
        for (Rejection r : rejections) {
            if (!reasons.isEmpty()) {
                reasons.append("; ");
            }
            if (r.line() > 0) {
                reasons.append("line ").append(r.line()).append(": ");
            }
            if (r.text() != null) {
                reasons.append(r.text()).append(": ");
            }
            reasons.append(r.reason());
        }
        if (rejectedLeftOut() > 0) {
            reasons.append("; and ").append(rejectedLeftOut()).append(" more");
        }
        return reasons.toString();
    }

    /** The record written to output/rejected/, so that nothing is dropped silently. */
    public Map<String, Object> rejectionReport() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("source", source);
        if (appendedFrom >= 0) {
            report.put("appended_from_byte", appendedFrom);
        }
        report.put("rejected_at", Instant.now().toString());
        report.put("accepted_ids", tasks.size());
        report.put("rejected_count", rejectedCount);
        if (rejectedLeftOut() > 0) {
            report.put("rejected_left_out", rejectedLeftOut());
        }
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

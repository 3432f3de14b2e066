package io.github.jimengfetcher.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.Exchange;

import io.github.jimengfetcher.inbox.InboxFile;
import io.github.jimengfetcher.inbox.InboxFileReader;
import io.github.jimengfetcher.inbox.Submission;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.TaskId;

/**
 * Task ids sent with {@code POST /tasks}: read by the inbox's own rules ({@link InboxFileReader}),
 * so that they are registered, and their rejected lines recorded, exactly as an inbox file's.
 */
public class PostedTasks {

    /** The name rejected lines are recorded under, output/rejected/{SOURCE}.{time}.json. */
    public static final String SOURCE = "http-post-tasks";

    /** What the body holds; status 200 when it can be registered, otherwise the answer's code and why. */
    public record Posted(int status, String reason, Submission submission) {

        public Map<String, Object> refusal() {
            return Map.of("reason", reason);
        }
    }

    private final InboxFileReader reader;
    private final TaskStore store;
    private final long maxSize;

    /** @param maxSize the largest body read (jimeng.inbox.max-file-size, as for an inbox file) */
    public PostedTasks(InboxFileReader reader, TaskStore store, long maxSize) {
        this.reader = reader;
        this.store = store;
        this.maxSize = maxSize;
    }

    /** The request's body, by its Content-Type (looked at first: a form body is not even converted). */
    public Posted read(Exchange request) {
        String contentType = request.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";")[0].strip();
        boolean json = type.equals("application/json") || type.endsWith("+json");
        if (!json && !type.equals("text/plain")) {
            return new Posted(415, "send the ids as text/plain (one a line) or application/json ({\"task_ids\": [...]}), not '"
                    + (type.isEmpty() ? "no Content-Type" : type) + "'", null);
        }
        byte[] body = request.getMessage().getBody(byte[].class);
        byte[] bytes = body == null ? new byte[0] : body;
        if (bytes.length > maxSize) {
            return new Posted(413, "the body is " + bytes.length + " bytes, larger than the limit of " + maxSize
                    + " bytes (jimeng.inbox.max-file-size)", null);
        }
        InboxFile read = reader.readPosted(SOURCE, bytes, json);
        boolean anyId = !read.ids().isEmpty() || read.rejections().stream().anyMatch(r -> r.text() != null);
        if (!anyId) {
            return new Posted(400, read.hasRejections() ? "no task id in the body: " + read.firstReason() : "no task id in the body", null);
        }
        return new Posted(200, null, new Submission(Submission.Kind.HTTP_POST, SOURCE, Instant.now(), read, Map.of()));
    }

    /** Which of the ids the store knows already (pending or finished), asked before they are registered. */
    public List<TaskId> known(Submission posted) {
        return posted.ids().stream().filter(id -> store.find(id).isPresent() || store.isFinished(id)).toList();
    }

    /**
     * The answer: {"registered": [...], "known": [...], "rejected": [{"text", "reason"}],
     * "rejected_count": n, "rejected_left_out": m}; rejected holds the first rejections only, and an
     * id is in one list alone (one the store has for another provider is rejected, not known).
     *
     * @param submission as registered: without the ids the store refused
     */
    public Map<String, Object> answer(Submission submission, List<TaskId> known) {
        InboxFile posted = submission.read();
        Map<String, Object> answer = new LinkedHashMap<>();
        java.util.Set<TaskId> knownIds = new java.util.HashSet<>(known);
        List<TaskId> taken = posted.ids();
        java.util.Set<TaskId> takenIds = new java.util.HashSet<>(taken);
        answer.put("registered", taken.stream().filter(id -> !knownIds.contains(id)).map(TaskId::value).toList());
        answer.put("known", known.stream().filter(takenIds::contains).map(TaskId::value).toList());
        answer.put("rejected", posted.rejections().stream().map(r -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("text", r.text());
            entry.put("reason", r.reason());
            return entry;
        }).toList());
        answer.put("rejected_count", posted.rejectedCount());
        answer.put("rejected_left_out", posted.rejectedLeftOut());
        return answer;
    }
}

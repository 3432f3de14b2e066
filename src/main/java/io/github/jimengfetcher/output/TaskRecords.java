package io.github.jimengfetcher.output;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskFailure;

/**
 * The documents a finished task leaves, written by {@link OutputRecords}: output/results/{id}.json
 * and output/failed/{id}.json. The API's answer is kept as received, inside our own fields.
 */
class TaskRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param videoFile where the video was published, relative to the output folder (videos/...)
     * @param images    each image the answer named, saved beside the video or why not; null when it named none
     * @param s3        the object the video was delivered to; null when S3 delivery is off
     */
    Map<String, Object> success(Lease lease, DownloadResult download, String videoFile, List<Map<String, Object>> images, S3Delivery.S3Copy s3) {
        Task task = lease.task();
        Map<String, Object> record = begin(task, "SUCCESS");
        record.put("video_file", videoFile);
        record.put("video_bytes", download.bytes());
        record.put("video_sha256", download.sha256());
        if (s3 != null) {
            record.put("s3_uri", s3.uri());
            record.put("s3_etag", s3.etag());
        }
        if (images != null && !images.isEmpty()) {
            record.put("images", images);
        }
        times(record, task);
        record.put("answer", answer(task.answer));
        return record;
    }

    /** The failure record; its reason_class is the failure's {@link FailureClass#wireName()}. */
    Map<String, Object> failure(Lease lease, TaskFailure failure) {
        Task task = lease.task();
        Map<String, Object> record = begin(task, "FAILED");
        record.put("reason_class", failure.failureClass().wireName());
        record.put("reason", failure.reason());
        times(record, task);
        String answer = failure.lastAnswer() != null ? failure.lastAnswer() : task.answer;
        if (answer != null) {
            record.put("last_answer", answer(answer));
        }
        return record;
    }

    private static Map<String, Object> begin(Task task, String status) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("task_id", task.id.value());
        record.put("provider", task.ref().provider().value());
        record.put("status", status);
        return record;
    }

    /** When the task was registered and finished, and how many fetches it took. */
    private static void times(Map<String, Object> record, Task task) {
        record.put("registered_at", Instant.ofEpochMilli(task.registeredAt).toString());
        record.put("finished_at", Instant.now().toString());
        record.put("fetches", task.fetches);
    }

    /** The answer as parsed JSON when it is JSON, else as the text received. */
    private static Object answer(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            return raw;
        }
    }
}

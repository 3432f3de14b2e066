package io.github.jimengfetcher.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.inbox.InboxFile;
import io.github.jimengfetcher.inbox.Rejections;
import io.github.jimengfetcher.inbox.Submission;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.output.S3Delivery;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.ProviderConflict;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;

/**
 * Whether a task may be fetched again, and if so starts it afresh: the one behaviour behind
 * {@code POST /tasks/{id}/retry} and the lines of a {@code .retry} inbox file.
 *
 * A failed task (its record in output/failed/, whether the store has it finished or timed out and
 * waiting to be looked at late) has its failure record set aside in output/superseded/ and goes
 * through the store's explicit reopen: pending again, with a new deadline. So does a succeeded
 * task whose video is gone from output/videos/: its result record is set aside and the task
 * fetched and downloaded again. The record is set aside before the reopen, so that the reopened
 * task is never taken as finished by the record it had; if the reopen does not go ahead, it is
 * put back.
 */
public class TaskRetry {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRetry.class);

    /** What a retry came to, with the HTTP status the route answers. */
    public enum Outcome {
        RETRIED(202), DOWNLOAD_AGAIN(202), INVALID(400), UNKNOWN(404), PENDING(409), SUCCEEDED(409), HELD(409);

        private final int status;

        Outcome(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** One retry's outcome; reason is null when the task is pending again. */
    public record Result(String taskId, Outcome outcome, String reason) {

        public int status() {
            return outcome.status();
        }

        public boolean retried() {
            return outcome.status() == 202;
        }

        /** The JSON answer: {"task_id", "state": "pending"}, or the state it stays in and why. */
        public Map<String, Object> answer() {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("task_id", taskId);
            switch (outcome) {
                case RETRIED, DOWNLOAD_AGAIN, PENDING, HELD -> answer.put("state", "pending");
                case SUCCEEDED -> answer.put("state", "succeeded");
                default -> { }
            }
            if (reason != null) {
                answer.put("reason", reason);
            }
            return answer;
        }
    }

    private final TaskStore store;
    private final OutputFolders outputs;

    public TaskRetry(TaskStore store, OutputFolders outputs) {
        this.store = store;
        this.outputs = outputs;
    }

    /** Retries the task if it failed (or succeeded but lost its video); says why not otherwise. */
    public synchronized Result retry(String id) throws IOException {
        TaskId valid;
        try {
            valid = TaskId.of(id);
        } catch (IllegalArgumentException invalid) {
            return new Result(id, Outcome.INVALID, invalid.getMessage());
        }
        return retryValid(valid);
    }

    private synchronized Result retryValid(TaskId id) throws IOException {
        Optional<Task> pending = store.find(id);
        if (pending.isPresent() && pending.get().timedOutAt == null) {
            return new Result(id.value(), Outcome.PENDING, "the task is still pending: it has not failed");
        }
        if (pending.isPresent() && isHeld(pending.get())) {
            return held(id);
        }
        if (outputs.hasResult(id)) {
            if (Files.isRegularFile(outputs.videoFile(id.value()))) {
                return new Result(id.value(), Outcome.SUCCEEDED, "the task succeeded and its video is in output/videos: nothing to retry");
            }
            String stored = S3Delivery.recordedUri(outputs.resultFile(id.value()));
            if (stored != null) {
                return new Result(id.value(), Outcome.SUCCEEDED, "the task succeeded and its video is at " + stored + ": nothing to retry");
            }
            if (pending.isPresent()) {
                return new Result(id.value(), Outcome.PENDING, "the task's late success is being published right now");
            }
            return reopen(id, outputs.resultFile(id.value()), Outcome.DOWNLOAD_AGAIN, "its video was gone from output/videos, so it is downloaded again; its result record is now");
        }
        if (Files.exists(outputs.failureFile(id.value())) || pending.isPresent() || store.isFinished(id)) {
            return reopen(id, outputs.failureFile(id.value()), Outcome.RETRIED, "its failure record is now");
        }
        return new Result(id.value(), Outcome.UNKNOWN, "no such task: it was never registered here");
    }

    /**
     * Retries each id of a {@code .retry} inbox file. What comes back holds the ids retried, and as
     * rejections the file's own plus every id not retried with the reason: also one the store has
     * for another provider than its line names.
     */
    public Submission retryAll(Submission submission) throws IOException {
        InboxFile file = submission.read();
        List<TaskRef> retried = new ArrayList<>();
        Rejections rejections = new Rejections();
        rejections.addAll(file);
        for (TaskRef task : file.tasks()) {
            ProviderName kept = store.providerOf(task.id()).orElse(task.provider());
            Result result = kept.equals(task.provider()) ? retryValid(task.id())
                    : new Result(task.id().value(), Outcome.INVALID, new ProviderConflict(task.id(), task.provider(), kept).reason());
            if (result.retried()) {
                retried.add(task);
            } else {
                rejections.add(new InboxFile.Rejection(0, task.id().value(), result.reason()));
            }
        }
        return submission.withRead(new InboxFile(file.source(), retried, rejections, file.linesEnd(), file.appendedFrom()));
    }

    private Result reopen(TaskId id, Path record, Outcome outcome, String movedSaying) throws IOException {
        Path setAside = outputs.setAside(record, id.value());
        boolean reopened;
        try {
            reopened = store.reopen(id);
        } catch (RuntimeException e) {
            outputs.putBack(setAside, record);
            throw e;
        }
        if (!reopened) {
            outputs.putBack(setAside, record);
            return held(id);
        }
        LOG.info("{} retried: pending again with a new deadline{}", id, setAside == null ? "" : "; " + movedSaying + " " + setAside);
        return new Result(id.value(), outcome, null);
    }

    private boolean isHeld(Task task) {
        return task.leaseOwner != null && task.leaseUntil > store.now();
    }

    private static Result held(TaskId id) {
        return new Result(id.value(), Outcome.HELD, "the task timed out and is being looked at again right now: try again in a moment");
    }
}

package io.github.jimengfetcher.support;

import java.util.Arrays;
import java.util.List;

import io.github.jimengfetcher.task.TaskId;

/** Task ids written as text in the tests, checked as they would be where they enter the app. */
public final class Ids {

    private Ids() {
    }

    public static TaskId taskId(String id) {
        return TaskId.of(id);
    }

    public static List<TaskId> taskIds(String... ids) {
        return Arrays.stream(ids).map(TaskId::of).toList();
    }

    public static List<TaskId> taskIds(List<String> ids) {
        return ids.stream().map(TaskId::of).toList();
    }
}

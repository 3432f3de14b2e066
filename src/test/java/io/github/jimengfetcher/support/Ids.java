package io.github.jimengfetcher.support;

import java.util.Arrays;
import java.util.List;

import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;

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

    /** Ids of jimeng-gateway, the provider of ids that name none, as a registration takes them. */
    public static List<TaskRef> tasks(String... ids) {
        return TaskRef.ofGateway(taskIds(ids));
    }

    public static List<TaskRef> tasks(List<String> ids) {
        return TaskRef.ofGateway(taskIds(ids));
    }

    /** An id of the named provider. */
    public static TaskRef task(String provider, String id) {
        return new TaskRef(TaskId.of(id), new ProviderName(provider));
    }
}

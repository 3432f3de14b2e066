package io.github.jimengfetcher.task;

import java.util.List;

/**
 * A task id as it was handed in, with the provider (task API) it belongs to: an inbox line
 * {@code ark:cgt-20250829165122-qkwch}, or a JSON document's {@code provider} beside its id.
 */
public record TaskRef(TaskId id, ProviderName provider) {

    public TaskRef {
        if (id == null || provider == null) {
            throw new IllegalArgumentException("a task reference needs an id and a provider");
        }
    }

    /** Ids of the provider every task had before providers were named. */
    public static List<TaskRef> ofGateway(List<TaskId> ids) {
        return ids.stream().map(id -> new TaskRef(id, ProviderName.JIMENG_GATEWAY)).toList();
    }

    /** As an id line names it: {@code provider:id}. */
    @Override
    public String toString() {
        return provider.value() + ":" + id.value();
    }
}

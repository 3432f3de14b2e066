package io.github.jimengfetcher.store.journal;

import java.util.HashMap;
import java.util.Map;

import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;

/**
 * The providers of the finished ids: only those of a provider other than jimeng-gateway are kept,
 * since most are its own (every id finished before tasks named a provider is). Guarded by the
 * store's lock, as the finished ids are.
 */
final class FinishedProviders {

    private final Map<TaskId, ProviderName> others = new HashMap<>();

    void put(TaskId id, ProviderName provider) {
        if (provider == null || ProviderName.JIMENG_GATEWAY.equals(provider)) {
            others.remove(id);
        } else {
            others.put(id, provider);
        }
    }

    /** The provider of a finished id. */
    ProviderName of(TaskId id) {
        return others.getOrDefault(id, ProviderName.JIMENG_GATEWAY);
    }

    void remove(TaskId id) {
        others.remove(id);
    }
}

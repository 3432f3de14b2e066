package io.github.jimengfetcher.inbox;

import io.github.jimengfetcher.task.KnownProviders;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskIds;
import io.github.jimengfetcher.task.TaskRef;

/**
 * The provider an id is handed in for: named before it ({@code ark:cgt-20250829165122-qkwch}), or
 * by a JSON document's {@code provider} field beside it, else the default provider. A task id never
 * holds ':', so the first one ends the provider's name.
 */
final class ProviderPrefix {

    private ProviderPrefix() {
    }

    /**
     * @param text  the id as written, perhaps after a provider's name and ':'
     * @param field the provider a JSON document names beside the id; null when it names none
     * @throws IllegalArgumentException saying why, for a bad id and for a provider this instance does not know
     */
    static TaskRef read(String text, String field, KnownProviders providers) {
        int colon = text.indexOf(':');
        String named = colon < 0 ? null : text.substring(0, colon);
        TaskId id = TaskId.of(colon < 0 ? text : text.substring(colon + 1));
        if (named != null && field != null && !named.equals(field)) {
            throw new IllegalArgumentException("the id names provider '" + named + "', its document's provider field '" + field + "'");
        }
        String name = named != null ? named : field;
        return new TaskRef(id, name == null ? providers.defaultProvider() : known(name, providers));
    }

    /** The id and provider the text names, or null when it is no id of a provider known here (asked of rejected text: no exception). */
    static TaskRef readOrNull(String text, KnownProviders providers) {
        int colon = text.indexOf(':');
        String id = colon < 0 ? text : text.substring(colon + 1);
        String name = colon < 0 ? null : text.substring(0, colon);
        if (TaskIds.problemWith(id) != null || name != null && ProviderName.problem(name) != null) {
            return null;
        }
        ProviderName provider = name == null ? providers.defaultProvider() : new ProviderName(name);
        return providers.knows(provider) ? new TaskRef(TaskId.of(id), provider) : null;
    }

    private static ProviderName known(String name, KnownProviders providers) {
        String problem = ProviderName.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        ProviderName provider = new ProviderName(name);
        if (!providers.knows(provider)) {
            throw new IllegalArgumentException("unknown provider '" + name + "' (no provider file of that name)");
        }
        return provider;
    }
}

package io.github.jimengfetcher.life;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.camel.Variable;

import io.github.jimengfetcher.api.ApiFault;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;

/**
 * How each task API (provider) is answering (bean {@code apiHealth}), one {@link ProviderHealth} per
 * provider: a refused key, a rate limit or an outage of one provider is that provider's, and health
 * and the status page name it. Keeps state only; what a fault means for a task is
 * {@link AfterFault}'s to decide.
 */
public class ApiHealth {

    private static final Comparator<ProviderName> BY_NAME = Comparator.comparing(ProviderName::value);

    private TaskStore store;
    private Function<ProviderName, String> keySettings = name -> "jimeng.providers." + name + ".api-key";
    private final Map<ProviderName, ProviderHealth> providers = new ConcurrentHashMap<>();

    public void setStore(TaskStore store) {
        this.store = store;
    }

    /** The setting (and environment variable) of each provider's key, for the message that it is refused. */
    public void setKeySettings(Function<ProviderName, String> keySettings) {
        this.keySettings = keySettings;
    }

    private ProviderHealth of(ProviderName provider) {
        return providers.computeIfAbsent(provider == null ? ProviderName.JIMENG_GATEWAY : provider, name -> new ProviderHealth(name, store));
    }

    /** A readable answer of the provider arrived: its fault episode is over. */
    public void answered(@Variable("provider") ProviderName provider) {
        of(provider).answered();
    }

    /** A fault of a fetch of this task, noted before its fate is decided: a 403 counts towards a refused key of its provider. */
    public void faultOf(ProviderName provider, TaskId taskId, Throwable fault) {
        if (ApiFault.classify(fault) == ApiFault.FORBIDDEN) {
            of(provider).forbidden(taskId);
        }
    }

    /** How many of the provider's tasks were answered with HTTP 403 since it last answered. */
    public int tasksForbiddenSinceAnswer(ProviderName provider) {
        return of(provider).tasksForbiddenSinceAnswer();
    }

    /** Has the provider's API answered since then (epoch ms)? */
    public boolean answeredSince(ProviderName provider, long at) {
        return of(provider).answeredSince(at);
    }

    /** The provider's key is refused: said loudly once, naming the provider and its key's setting, until it answers again. */
    public void keyRefused(ProviderName provider, String detail, long pause) {
        of(provider).keyRefused(detail, pause, keySettings.apply(provider == null ? ProviderName.JIMENG_GATEWAY : provider));
    }

    /** The provider's fetches pause for its API's rate limit. */
    public void rateLimited(ProviderName provider, long pause) {
        of(provider).rateLimited(pause);
    }

    /** A passing fault of the provider's API, of the given kind, with this task's detail. */
    public void passingFault(ProviderName provider, String kind, String detail) {
        of(provider).passingFault(kind, detail);
    }

    /** Is some provider's key refused? */
    public boolean isKeyRefused() {
        return !keyRefusedProviders().isEmpty();
    }

    public boolean isKeyRefused(ProviderName provider) {
        ProviderHealth health = providers.get(provider);
        return health != null && health.isKeyRefused();
    }

    /** The providers whose key is refused now, by name. */
    public List<ProviderName> keyRefusedProviders() {
        List<ProviderName> refused = new ArrayList<>();
        providers.forEach((name, health) -> {
            if (health.isKeyRefused()) {
                refused.add(name);
            }
        });
        refused.sort(BY_NAME);
        return refused;
    }

    /** The setting (and environment variable) of the provider's key. */
    public String keySetting(ProviderName provider) {
        return keySettings.apply(provider);
    }

    /** The providers whose fetches are paused for their API's rate limit, by name, each with until when (epoch ms). */
    public Map<ProviderName, Long> rateLimitPauses() {
        return byName(ProviderHealth::rateLimitPausedUntil);
    }

    /** The providers every request to which has failed, by name, each with since when (epoch ms). */
    public Map<ProviderName, Long> failingSince() {
        return byName(ProviderHealth::failingSince);
    }

    /** The provider's value where it is above 0. */
    private Map<ProviderName, Long> byName(java.util.function.ToLongFunction<ProviderHealth> value) {
        Map<ProviderName, Long> values = new LinkedHashMap<>();
        providers.keySet().stream().sorted(BY_NAME).forEach(name -> {
            long at = value.applyAsLong(providers.get(name));
            if (at > 0) {
                values.put(name, at);
            }
        });
        return values;
    }
}

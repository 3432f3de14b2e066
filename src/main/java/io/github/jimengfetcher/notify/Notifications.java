package io.github.jimengfetcher.notify;

import java.util.List;
import java.util.Optional;

import org.apache.camel.Body;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;

/**
 * What a notification does (bean {@code notifications}, routes/notify.yaml): it is a reason to fetch
 * the task now, never a result. A pending task waiting for its turn is due now in the store (so on a
 * shared store whichever instance claims it fetches it); one due already or being fetched is left as
 * it is, and so is one whose last notification had the same body ({@link RecentNotices}), so a
 * notification sent three times costs one fetch; a finished task, nothing. An id the store
 * does not know is registered for the provider, as an inbox id would be (jimeng.notify.register-unknown).
 */
public class Notifications {

    public static final String FETCHED = "fetched";
    public static final String DUPLICATE = "duplicate";
    public static final String FINISHED = "finished";
    public static final String REGISTERED = "registered";
    /** Not registered (jimeng.notify.register-unknown=false), or kept for another provider. */
    public static final String UNKNOWN = "unknown";
    public static final String REJECTED_RATE = "rejected_rate";

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    private final TaskStore store;
    private final boolean registerUnknown;
    private final NotificationRate rate;
    private final RecentNotices recent = new RecentNotices();

    public Notifications(TaskStore store, boolean registerUnknown, int maxPerSecond) {
        this.store = store;
        this.registerUnknown = registerUnknown;
        this.rate = new NotificationRate(maxPerSecond);
    }

    /** The outcome, one of this class's names. */
    public String act(@Variable("taskId") String taskId, @Variable("provider") String provider, @Body String body) {
        long now = System.currentTimeMillis();
        if (!rate.admit(now)) {
            return REJECTED_RATE;
        }
        String key = provider + " " + taskId;
        if (recent.seenBefore(key, body, now)) {
            return DUPLICATE;
        }
        try {
            return acted(TaskId.of(taskId), new ProviderName(provider));
        } catch (RuntimeException notActedOn) {
            // The sender is answered 503 and sends it again: that copy must be acted on, not taken for a duplicate.
            recent.forget(key);
            throw notActedOn;
        }
    }

    private String acted(TaskId id, ProviderName name) {
        Optional<ProviderName> kept = store.providerOf(id);
        if (kept.isEmpty()) {
            return registered(id, name);
        }
        if (!kept.get().equals(name)) {
            LOG.info("{} notification from provider {} ignored: the task is kept for provider {}", id, name, kept.get());
            return UNKNOWN;
        }
        return switch (store.notified(id)) {
            case MOVED, AFTER_FETCH -> FETCHED;
            case ALREADY_DUE -> DUPLICATE;
            case FINISHED -> FINISHED;
            case UNKNOWN -> registered(id, name);
        };
    }

    private String registered(TaskId id, ProviderName provider) {
        if (!registerUnknown) {
            LOG.info("{} notification from provider {} for a task not registered here: ignored (jimeng.notify.register-unknown=false)",
                    id, provider);
            return UNKNOWN;
        }
        TaskStore.Registration registration = store.register(List.of(new TaskRef(id, provider)));
        if (registration.registered() > 0) {
            LOG.info("{} registered from a notification of provider {}", id, provider);
            return REGISTERED;
        }
        // Registered meanwhile by another way in (or kept for another provider): counted as a duplicate.
        return registration.conflicts().isEmpty() ? DUPLICATE : UNKNOWN;
    }
}

package io.github.jimengfetcher.task;

/**
 * An id handed in for one provider that the store has for another: the same id at two task APIs
 * would be two different tasks under one name (one result file, one video), so it is refused.
 *
 * @param asked the provider it was handed in for
 * @param kept  the provider the store has it for, pending or finished
 */
public record ProviderConflict(TaskId id, ProviderName asked, ProviderName kept) {

    /** As the rejection record and the log say it. */
    public String reason() {
        return "task " + id.value() + " is registered for provider " + kept.value() + ", not " + asked.value();
    }
}

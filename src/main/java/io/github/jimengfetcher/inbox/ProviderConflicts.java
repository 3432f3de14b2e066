package io.github.jimengfetcher.inbox;

import org.apache.camel.Variable;

import io.github.jimengfetcher.store.TaskStore;

/**
 * Ids the store refused, as it has them for another provider (bean {@code providerConflicts}): they
 * join the submission's rejections, recorded and answered as a bad line is, and registered nowhere.
 */
public class ProviderConflicts {

    /** The submission as registered: without the refused ids, which it now rejects with the reason. */
    public Submission registered(@Variable("submission") Submission submission, @Variable("registration") TaskStore.Registration registration) {
        return submission.refusing(registration);
    }
}

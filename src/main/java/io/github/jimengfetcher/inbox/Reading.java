package io.github.jimengfetcher.inbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.jimengfetcher.task.KnownProviders;
import io.github.jimengfetcher.task.TaskRef;

/**
 * The ids and rejections gathered while one submission is read: each id once, in order, and
 * never both taken and rejected.
 */
final class Reading {

    private static final int SHOWN_TEXT_LIMIT = 200;

    private final KnownProviders providers;
    /**
     * The ids taken with their providers, and the text each was written as: where an id enters, it
     * is checked once and becomes a TaskId, its provider one this instance knows.
     */
    private final Map<TaskRef, String> ids = new LinkedHashMap<>();
    private final Rejections rejections = new Rejections();

    Reading(KnownProviders providers) {
        this.providers = providers;
    }

    /** A reading of one part (a JSON document) of the same submission, merged once it is read whole. */
    Reading part() {
        return new Reading(providers);
    }

    /** Takes the candidate as an id, perhaps after a provider's name, or rejects it with the reason (after context). */
    void accept(String candidate, int line, String context) {
        accept(candidate, null, line, context);
    }

    /** @param provider the provider a JSON document names beside the id; null when it names none */
    void accept(String candidate, String provider, int line, String context) {
        TaskRef task;
        try {
            task = ProviderPrefix.read(candidate, provider, providers);
        } catch (IllegalArgumentException invalid) {
            reject(line, candidate, context + invalid.getMessage());
            return;
        }
        if (ids.putIfAbsent(task, candidate) == null) {
            rejections.withdraw(candidate);
        }
    }

    /** The text was taken as an id (an id "5" and the number 5 of one submission). */
    private boolean taken(String text) {
        if (ids.isEmpty()) {
            return false;
        }
        TaskRef task = ProviderPrefix.readOrNull(text, providers);
        return task != null && ids.containsKey(task);
    }

    /** @param text the rejected input, cut when long; null when a whole document or file was rejected */
    void reject(int line, String text, String reason) {
        String shown = text == null ? null : shown(text);
        if (shown == null || !taken(shown)) {
            rejections.add(new InboxFile.Rejection(line, shown, reason));
        }
    }

    /** A whole document's ids and rejections; those of a document cut short or malformed are never merged. */
    void merge(Reading document) {
        for (Map.Entry<TaskRef, String> id : document.ids.entrySet()) {
            if (ids.putIfAbsent(id.getKey(), id.getValue()) == null) {
                rejections.withdraw(id.getValue());
            }
        }
        for (InboxFile.Rejection r : document.rejections.kept()) {
            if (r.text() == null || !taken(r.text())) {
                rejections.add(r);
            }
        }
        rejections.countMore(document.rejections.count() - document.rejections.kept().size());
    }

    InboxFile result(String source, long linesEnd, long appendedFrom) {
        return new InboxFile(source, new ArrayList<>(ids.keySet()), rejections, linesEnd, appendedFrom);
    }

    /** Long input is cut for the record; JSON encoding escapes control characters. */
    static String shown(String text) {
        return text.length() <= SHOWN_TEXT_LIMIT ? text : text.substring(0, SHOWN_TEXT_LIMIT) + "... (" + text.length() + " characters)";
    }
}

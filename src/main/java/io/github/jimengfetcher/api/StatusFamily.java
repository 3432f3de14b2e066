package io.github.jimengfetcher.api;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.jimengfetcher.task.FailureClass;

/**
 * What a task status word means, whichever gateway or provider wrote it (docs/operating.md, "Status
 * words"). Words are matched in any case, with spaces and dashes read as underscores.
 */
public enum StatusFamily {

    /** Not finished yet: fetched again one poll interval later. Also an empty status and UNKNOWN. */
    WAITING(null, "NOT_START", "NOT_STARTED", "SUBMITTED", "CREATED", "ACCEPTED", "SCHEDULED", "QUEUED", "QUEUEING",
            "QUEUING", "IN_QUEUE", "PENDING", "WAITING", "STARTED", "IN_PROGRESS", "INPROGRESS", "PROCESSING", "RUNNING",
            "GENERATING", "UNKNOWN"),
    /** A word not listed here: not finished yet either, and logged once per task and word. */
    UNRECOGNISED(null),
    /** Finished with a video: download it. */
    SUCCEEDED(null, "SUCCESS", "SUCCEEDED", "SUCCEED", "SUCCESSFUL", "COMPLETED", "COMPLETE", "DONE", "FINISHED"),
    /** The provider says the task failed: final at once. */
    FAILED(FailureClass.API_FAILURE, "FAILURE", "FAILED", "FAIL", "ERROR", "ERRORED"),
    /** The provider dropped the task after its retention time: final. */
    EXPIRED(FailureClass.EXPIRED, "EXPIRED"),
    /** The task was cancelled: final. */
    CANCELLED(FailureClass.CANCELLED, "CANCELLED", "CANCELED", "CANCEL"),
    /** The provider does not know the task: final. */
    NOT_FOUND(FailureClass.NOT_FOUND, "NOT_FOUND");

    private static final Pattern SEPARATORS = Pattern.compile("[\\s-]+");
    private static final Map<String, StatusFamily> BY_WORD = new HashMap<>();

    static {
        for (StatusFamily family : values()) {
            family.words.forEach(word -> BY_WORD.put(word, family));
        }
    }

    private final FailureClass failureClass;
    private final List<String> words;

    StatusFamily(FailureClass failureClass, String... words) {
        this.failureClass = failureClass;
        this.words = List.of(words);
    }

    /** The family of a status word; an empty word is WAITING (the answer named no status yet). */
    public static StatusFamily of(String word) {
        String key = normalise(word);
        return key.isEmpty() ? WAITING : BY_WORD.getOrDefault(key, UNRECOGNISED);
    }

    /** "in-progress", "In Progress" and "IN_PROGRESS" are one word. */
    static String normalise(String word) {
        if (word == null) {
            return "";
        }
        String upper = word.strip().toUpperCase(Locale.ROOT);
        // Every answer passes here: the pattern only for a word that has a blank or a dash in it.
        return upper.indexOf('-') < 0 && upper.chars().noneMatch(Character::isWhitespace) ? upper : SEPARATORS.matcher(upper).replaceAll("_");
    }

    /** True for the families that end a task without a video. */
    public boolean endsWithoutVideo() {
        return failureClass != null;
    }

    /** The failure record's reason_class for a task that ended this way; null while not final or on success. */
    public FailureClass failureClass() {
        return failureClass;
    }

    /** The words of this family, as listed in docs/operating.md, "Status words". */
    public List<String> words() {
        return words;
    }
}

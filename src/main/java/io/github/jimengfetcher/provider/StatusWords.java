package io.github.jimengfetcher.provider;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.jimengfetcher.api.StatusFamily;

/**
 * A provider's own status words and what each means, matched as {@link StatusFamily} matches words:
 * in any case, with spaces and dashes read as underscores. A word in no list is UNRECOGNISED: logged
 * once per task and still fetched; an answer without a word is WAITING.
 */
public final class StatusWords {

    /** The lists of a provider file, by their key there. */
    static final Map<String, StatusFamily> FAMILIES = Map.of("running", StatusFamily.WAITING, "succeeded", StatusFamily.SUCCEEDED,
            "failed", StatusFamily.FAILED, "expired", StatusFamily.EXPIRED, "cancelled", StatusFamily.CANCELLED,
            "not-found", StatusFamily.NOT_FOUND);
    static final List<String> REQUIRED = List.of("running", "succeeded", "failed");

    private static final Pattern SEPARATORS = Pattern.compile("[\\s-]+");

    private final Map<String, StatusFamily> byWord = new HashMap<>();

    /** @param lists family to its words; a word in two lists is the caller's to refuse */
    StatusWords(Map<StatusFamily, List<String>> lists) {
        lists.forEach((family, words) -> words.forEach(word -> byWord.put(normalise(word), family)));
    }

    public StatusFamily familyOf(String word) {
        String key = normalise(word);
        return key.isEmpty() ? StatusFamily.WAITING : byWord.getOrDefault(key, StatusFamily.UNRECOGNISED);
    }

    static String normalise(String word) {
        return word == null ? "" : SEPARATORS.matcher(word.strip().toUpperCase(Locale.ROOT)).replaceAll("_");
    }

    @Override
    public String toString() {
        return "StatusWords" + byWord;
    }
}

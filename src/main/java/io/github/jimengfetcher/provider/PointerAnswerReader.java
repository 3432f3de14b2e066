package io.github.jimengfetcher.provider;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.FetchAnswer;
import io.github.jimengfetcher.api.TaskLabels;
import io.github.jimengfetcher.api.FetchAnswerReader.ErrorAnswerException;
import io.github.jimengfetcher.api.FetchAnswerReader.ForeignAnswerException;
import io.github.jimengfetcher.api.FetchAnswerReader.MalformedAnswerException;
import io.github.jimengfetcher.api.StatusFamily;
import io.github.jimengfetcher.api.VideoUrlCandidates;

/**
 * A provider's answer read by its file's JSON Pointers ({@code reader: pointers}) into the same
 * {@link FetchAnswer} the gateway's reader gives, so what follows an answer is the same for every
 * provider. Unusable answers throw the gateway reader's exceptions, and so are the same faults.
 */
public final class PointerAnswerReader {

    private static final Logger LOG = LoggerFactory.getLogger(PointerAnswerReader.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REMEMBERED_WARNINGS = 10_000;
    /** Longer than any real kind or model name: a kind is a label in metrics and a key in the store. */
    private static final int MAX_KIND = 64;
    private static final Pattern NOT_IN_KIND = Pattern.compile("[^A-Za-z0-9._/:-]");

    private final Provider provider;
    private final String baseUrl;
    private final VideoUrlCandidates videoUrls;
    /** Task id and word already warned about: each is logged once per task (forgotten all at once past the bound). */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param baseUrl the provider's base URL, which a download.path is under
     * @param videoUrls the video URLs that may be followed (jimeng.download.allowed-hosts)
     */
    public PointerAnswerReader(Provider provider, String baseUrl, VideoUrlCandidates videoUrls) {
        this.provider = provider;
        this.baseUrl = baseUrl;
        this.videoUrls = videoUrls;
    }

    /**
     * @param taskId the task this answer was fetched for; null reads the answer without checking whose it is
     * @throws MalformedAnswerException when the answer is not a JSON object
     * @throws ForeignAnswerException   when the answer names another task
     * @throws ErrorAnswerException     when the answer is an error and names no status
     */
    public FetchAnswer read(String taskId, String raw) {
        JsonNode root;
        try {
            root = raw == null || raw.isBlank() ? null : JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new MalformedAnswerException("answer is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedAnswerException("answer is not a JSON object");
        }
        AnswerPointers at = provider.answer();
        String named = text(root, at.id());
        if (taskId != null && !named.isEmpty() && !named.equals(taskId)) {
            throw new ForeignAnswerException(named);
        }
        String word = text(root, at.status());
        String failure = failure(text(root, at.failureCode()), text(root, at.failureMessage()));
        if (word.isEmpty() && !failure.isEmpty()) {
            throw new ErrorAnswerException(failure, raw);
        }
        StatusFamily family = provider.status().familyOf(word);
        String status = word.isEmpty() ? "UNKNOWN" : word.toUpperCase(Locale.ROOT);
        if (family == StatusFamily.UNRECOGNISED) {
            warnOnce(taskId, status, () -> LOG.warn("{}unrecognised status '{}' from {}, still polling", taskId == null ? "" : taskId + " ",
                    word, provider.name()));
        }
        String url = null;
        String problem = null;
        if (family == StatusFamily.SUCCEEDED) {
            String candidate = videoUrl(root, taskId);
            try {
                url = candidate == null ? null : videoUrls.wireForm(candidate);
            } catch (IllegalArgumentException refused) {
                problem = refused.getMessage();
            }
        }
        return new FetchAnswer(status, family, progress(root.at(at.progress())), failure, "", url, problem, raw,
                kind(text(root, at.kind()), text(root, at.model())), AnswerTimes.epochMillis(root.at(at.submittedAt())),
                AnswerTimes.epochMillis(root.at(at.finishedAt())), TaskLabels.of(text(root, at.kind()), text(root, at.model())));
    }

    /** The provider's download path first (on its own host), else the URL the answer holds. */
    private String videoUrl(JsonNode root, String taskId) {
        if (!provider.download().path().isEmpty()) {
            return baseUrl + provider.download().path().replace(ProviderRequest.ID, ProviderRequest.pathSegment(taskId == null ? "" : taskId));
        }
        String url = text(root, provider.answer().videoUrl());
        return url.isEmpty() ? null : url;
    }

    /** "code: message", or whichever the answer gives. */
    private static String failure(String code, String message) {
        if (code.isEmpty() || message.isEmpty()) {
            return code.isEmpty() ? message : code;
        }
        return code + ": " + message;
    }

    /** A number 0-100 reads as "N%"; text as written. */
    static String progress(JsonNode value) {
        if (value.isNumber()) {
            double number = value.asDouble();
            return (number == Math.rint(number) ? String.valueOf((long) number) : String.valueOf(number)) + "%";
        }
        return value.isTextual() ? value.asText().strip() : "";
    }

    /** "kind/model" like the gateway's answers, or whichever is given; null for neither. */
    static String kind(String kind, String model) {
        String both = model.isEmpty() ? kind : kind.isEmpty() ? model : kind + "/" + model;
        if (both.isEmpty()) {
            return null;
        }
        both = NOT_IN_KIND.matcher(both).replaceAll("_");
        return both.length() <= MAX_KIND ? both : both.substring(0, MAX_KIND);
    }

    /** The text at the pointer; empty for no pointer, a missing node, null or a container. */
    private static String text(JsonNode root, String pointer) {
        if (pointer.isEmpty()) {
            return "";
        }
        JsonNode value = root.at(pointer);
        return value.isValueNode() && !value.isNull() ? value.asText().strip() : "";
    }

    private void warnOnce(String taskId, String word, Runnable log) {
        if (warned.size() > MAX_REMEMBERED_WARNINGS) {
            warned.clear();
        }
        if (warned.add(taskId + "\n" + word)) {
            log.run();
        }
    }
}

package io.github.jimengfetcher.api;

import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a successful answer may hold its video URL, in which order they are tried, and which
 * of them may be followed: only http(s), and only to the allowed hosts when any are set (also for
 * the URLs a provider file's pointers find).
 */
public final class VideoUrlCandidates {

    private static final Pattern HTTP_URL = Pattern.compile("https?://\\S+", Pattern.CASE_INSENSITIVE);
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    /** Field names (lower case, without '_' and '-') that name a video; preferred over a plain "url". */
    private static final Set<String> VIDEO_FIELD_NAMES = Set.of(
            "video", "videourl", "videouri", "videolink", "resulturl", "downloadurl", "outputurl", "fileurl", "mp4url");
    private static final Set<String> URL_FIELD_NAMES = Set.of("url", "uri");

    private final Set<String> allowedHosts;

    /** @param hosts comma-separated host names the video may come from; null or blank allows any host */
    public VideoUrlCandidates(String hosts) {
        this.allowedHosts = hosts == null || hosts.isBlank() ? Set.of()
                : Stream.of(hosts.split(",")).map(String::strip).filter(h -> !h.isEmpty())
                        .map(h -> IDN.toASCII(h, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    /**
     * The video URL to download: the first candidate that may be followed, in its wire form.
     *
     * @param url     that URL, or null when no candidate may be followed
     * @param problem null when a URL was found; else why the first unusable candidate was refused,
     *                or null when the answer holds no candidate at all
     */
    record Pick(String url, String problem) {
        /** Nothing looked for: the answer is not a success. */
        static final Pick NONE = new Pick(null, null);
    }

    Pick pick(JsonNode root, JsonNode data, String failReason) {
        String problem = null;
        for (String candidate : inAnswer(root, data, failReason)) {
            try {
                return new Pick(wireForm(candidate), null);
            } catch (IllegalArgumentException refused) {
                if (problem == null) {
                    problem = refused.getMessage();
                }
            }
        }
        return new Pick(null, problem);
    }

    /**
     * The documented places first, in their order: the raw answer's video, result_url, a URL in
     * fail_reason. Then every other URL field: those named for a video before a plain "url", and
     * anything that may be a video before what is plainly an image (a thumbnail or cover).
     */
    static List<String> inAnswer(JsonNode root, JsonNode data, String failReason) {
        List<String> candidates = new ArrayList<>();
        addIfText(candidates, data.path("data").path("data").path("data").path("video"));
        addIfText(candidates, data.path("result_url"));
        Matcher m = HTTP_URL.matcher(failReason);
        if (m.find()) {
            candidates.add(m.group());
        }
        List<String> videoNamed = new ArrayList<>();
        List<String> urlNamed = new ArrayList<>();
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            JsonNode node = todo.poll();
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> field = it.next();
                    JsonNode value = field.getValue();
                    String name = field.getKey().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
                    if (value.isTextual() && HTTP_URL.matcher(value.asText().strip()).lookingAt()) {
                        if (VIDEO_FIELD_NAMES.contains(name)) {
                            videoNamed.add(value.asText().strip());
                        } else if (URL_FIELD_NAMES.contains(name)) {
                            urlNamed.add(value.asText().strip());
                        }
                    } else if (value.isContainerNode()) {
                        todo.add(value);
                    }
                }
            } else if (node.isArray()) {
                node.forEach(todo::add);
            }
        }
        List<String> found = new ArrayList<>(videoNamed);
        found.addAll(urlNamed);
        found.sort(Comparator.comparing(VideoUrls::looksLikeImage)); // stable: the name order holds within each kind
        candidates.addAll(found);
        return candidates;
    }

    private static void addIfText(List<String> candidates, JsonNode node) {
        if (node.isTextual() && !node.asText().isBlank()) {
            candidates.add(node.asText().strip());
        }
    }

    /**
     * The URL as it goes on the wire; only http(s) URLs, optionally only to allowed hosts, are followed.
     *
     * @throws IllegalArgumentException with the reason, for the failure record
     */
    public String wireForm(String candidate) {
        Matcher scheme = SCHEME.matcher(candidate);
        String name = scheme.find() ? scheme.group(1).toLowerCase(Locale.ROOT) : "";
        if (!name.equals("http") && !name.equals("https")) {
            throw new IllegalArgumentException("video URL scheme '" + name + "' is not allowed (only http and https)");
        }
        String wire;
        URI uri;
        try {
            wire = VideoUrls.encode(candidate);
            uri = new URI(wire);
        } catch (IllegalArgumentException | URISyntaxException e) {
            throw new IllegalArgumentException("video URL is not a valid URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("video URL has no host");
        }
        if (!allowedHosts.isEmpty() && !allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("video host '" + uri.getHost() + "' is not in jimeng.download.allowed-hosts");
        }
        return wire;
    }
}

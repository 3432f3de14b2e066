package io.github.jimengfetcher.api;

import java.net.URI;
import java.util.Locale;

/**
 * Where the fetches go and the key they carry, from the checked settings (or the demo
 * simulator's). The routes read both from here ({@code {{bean:apiEndpoint.fetchUrl}}},
 * {@code ref: apiEndpoint}), never from the raw settings.
 */
public final class ApiEndpoint {

    private static final String FETCH_PATH = "/jimeng/fetch";

    private final String baseUrl;
    private final String apiKey;

    private ApiEndpoint(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    /** The API at this root with this key, or a one-line reason why the settings cannot be used. */
    public static ApiEndpoint of(String baseUrlSetting, String apiKeySetting) {
        String baseUrl = baseUrlSetting.strip();
        String apiKey = apiKeySetting.strip();
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("jimeng.api.base-url is not a URL: '" + baseUrl + "' (no spaces; write it like https://api.example.com)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalStateException("jimeng.api.base-url must be an http(s) URL such as https://api.example.com, not '" + baseUrl + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalStateException("jimeng.api.base-url must be a plain API root without user, query or fragment");
        }
        // The app adds /jimeng/fetch/{id} itself: one slash only, and not twice.
        String root = baseUrl.replaceAll("/+$", "");
        if (uri.getRawPath() != null && uri.getRawPath().replaceAll("/+$", "").endsWith(FETCH_PATH)) {
            throw new IllegalStateException("jimeng.api.base-url is the API root, without " + FETCH_PATH + ": write "
                    + root.substring(0, root.length() - FETCH_PATH.length()) + ", not " + baseUrl);
        }
        if (apiKey.isEmpty()) {
            throw new IllegalStateException("jimeng.api.base-url is set but jimeng.api.key is empty: set the key in application.properties "
                    + "or in the environment variable JIMENG_API_KEY");
        }
        if (apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalStateException("jimeng.api.key contains spaces or characters that cannot go in an HTTP header: "
                    + "copy the key again, without quotes or line breaks");
        }
        return new ApiEndpoint(root, apiKey);
    }

    /** GET this URL + "/" + task id; the route adds the id. */
    public String fetchUrl() {
        return baseUrl + FETCH_PATH;
    }

    /**
     * The key, added by the API's HTTP client to each fetch as it goes out (never a message header,
     * so a tracer cannot record it).
     */
    public ApiAuthorization authorization() {
        return new ApiAuthorization(fetchUrl(), "Bearer " + apiKey);
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "API at " + baseUrl;
    }
}

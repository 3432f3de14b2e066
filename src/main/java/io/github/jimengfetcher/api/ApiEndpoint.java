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
    private final String keyName;

    private ApiEndpoint(String baseUrl, String apiKey, String keyName) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.keyName = keyName;
    }

    /** The API at this root with this key, or a one-line reason why the settings cannot be used. */
    public static ApiEndpoint of(String baseUrlSetting, String apiKeySetting) {
        return of(baseUrlSetting, apiKeySetting, "jimeng.api.base-url", "jimeng.api.key");
    }

    /**
     * A task API's root and key, from the settings named (a provider's own, say), or a one-line reason
     * naming them why they cannot be used.
     */
    public static ApiEndpoint of(String baseUrlSetting, String apiKeySetting, String baseUrlName, String keyName) {
        String baseUrl = baseUrlSetting.strip();
        String apiKey = apiKeySetting.strip();
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(baseUrlName + " is not a URL: '" + baseUrl + "' (no spaces; write it like https://api.example.com)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalStateException(baseUrlName + " must be an http(s) URL such as https://api.example.com, not '" + baseUrl + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalStateException(baseUrlName + " must be a plain API root without user, query or fragment");
        }
        // The app adds /jimeng/fetch/{id} itself: one slash only, and not twice.
        String root = baseUrl.replaceAll("/+$", "");
        if (uri.getRawPath() != null && uri.getRawPath().replaceAll("/+$", "").endsWith(FETCH_PATH)) {
            throw new IllegalStateException(baseUrlName + " is the API root, without " + FETCH_PATH + ": write "
                    + root.substring(0, root.length() - FETCH_PATH.length()) + ", not " + baseUrl);
        }
        if (apiKey.isEmpty()) {
            throw new IllegalStateException(baseUrlName + " is set but " + keyName + " is empty: set the key in application.properties "
                    + "or in the environment variable " + keyName.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        }
        if (apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalStateException(keyName + " contains spaces or characters that cannot go in an HTTP header: "
                    + "copy the key again, without quotes or line breaks");
        }
        return new ApiEndpoint(root, apiKey, keyName);
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

    /**
     * The key as a task API's requests carry it: under this path of the root, in this header, after
     * this prefix ("Bearer ").
     */
    public ApiAuthorization.Grant grant(String path, String header, String prefix) {
        return new ApiAuthorization.Grant(baseUrl + path, header, prefix + apiKey);
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The setting the key came from (jimeng.api.key, or a provider's own), for a message saying which to fix. */
    public String keySetting() {
        return keyName;
    }

    /**
     * A one-way hash of root and key, so instances on the same API and key can share its pauses
     * without the key being stored: SHA-256, its first 16 bytes in hex.
     */
    public String keyHash() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((baseUrl + " " + apiKey).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "API at " + baseUrl;
    }
}

package io.github.jimengfetcher.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The listener for notifications (jimeng.notify.*): on or off, where it listens, the secret in its
 * path, the URL users paste into the API, how many notifications a second it takes, whether an id it
 * does not know is registered, and how often a notifying provider's tasks are fetched all the same.
 */
public record NotifySettings(boolean enabled, String host, int port, String secret, String publicUrl, int maxPerSecond,
        boolean registerUnknown, Duration fallbackInterval) {

    static final String ENABLED = "jimeng.notify.enabled";
    static final String HOST = "jimeng.notify.host";
    static final String PORT = "jimeng.notify.port";
    static final String SECRET = "jimeng.notify.secret";
    static final String PUBLIC_URL = "jimeng.notify.public-url";
    static final String MAX_PER_SECOND = "jimeng.notify.max-per-second";
    static final String REGISTER_UNKNOWN = "jimeng.notify.register-unknown";
    static final String FALLBACK_INTERVAL = "jimeng.notify.fallback-interval";

    /** A path segment no URL encoding changes, long enough not to be guessed. */
    private static final Pattern SECRET_SHAPE = Pattern.compile("[A-Za-z0-9_-]{16,}");

    /** @param http the status server's settings: the two cannot share a port */
    public static NotifySettings read(SettingsReader settings, HttpSettings http) {
        boolean enabled = settings.flag(ENABLED);
        String host = settings.text(HOST);
        int port = settings.port(PORT);
        int maxPerSecond = settings.count(MAX_PER_SECOND);
        boolean registerUnknown = settings.flag(REGISTER_UNKNOWN);
        Duration fallback = settings.duration(FALLBACK_INTERVAL);
        String secret = settings.text(SECRET);
        if (enabled) {
            if (host.isEmpty()) {
                throw new IllegalStateException(settings.written(HOST) + " is empty: write an address of this machine, such as 127.0.0.1 "
                        + "or 0.0.0.0 (" + SettingChecks.whatItIs(settings.written(HOST), HOST) + ")");
            }
            if (!SECRET_SHAPE.matcher(secret).matches()) {
                // Never the value: it is the one thing a forged notification would need.
                throw new IllegalStateException(settings.written(SECRET) + " must be at least 16 letters, digits, '-' or '_' while "
                        + ENABLED + "=true: write a random one, such as the output of openssl rand -hex 16 ("
                        + SettingChecks.whatItIs(settings.written(SECRET), SECRET) + ")");
            }
            if (port == http.port()) {
                throw new IllegalStateException(settings.written(PORT) + "=" + port + " is jimeng.http.port too: write another port, such as 8081 ("
                        + SettingChecks.whatItIs(settings.written(PORT), PORT) + ")");
            }
        }
        return new NotifySettings(enabled, host, port, secret, settings.text(PUBLIC_URL), maxPerSecond, registerUnknown, fallback);
    }

    /** Never the secret, nor a word of it. */
    @Override
    public String toString() {
        return "NotifySettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", publicUrl=" + (secret.isEmpty() ? publicUrl : publicUrl.replace(secret, "***")) + ", maxPerSecond=" + maxPerSecond + ", registerUnknown=" + registerUnknown
                + ", fallbackInterval=" + fallbackInterval + "]";
    }
}

package io.github.jimengfetcher.config;

import java.time.Duration;
import java.util.List;

/**
 * The app's HTTP service: on or off, where it listens (the host as written: spaces around it are
 * refused, not trimmed), its token, the host names it answers to beyond loopback, its connection
 * limits, and how many rejected inputs the status page shows.
 */
public record HttpSettings(boolean enabled, String host, int port, String token, List<String> allowedHosts, Duration headerTimeout,
        int maxConnections, int rejectedShown) {

    static final String ENABLED = "jimeng.http.enabled";
    static final String HOST = "jimeng.http.host";
    static final String PORT = "jimeng.http.port";
    static final String TOKEN = "jimeng.http.token";
    static final String ALLOWED_HOSTS = "jimeng.http.allowed-hosts";
    static final String HEADER_TIMEOUT = "jimeng.http.header-timeout";
    static final String MAX_CONNECTIONS = "jimeng.http.max-connections";
    static final String REJECTED_SHOWN = "jimeng.http.rejected-shown";

    public static HttpSettings read(SettingsReader settings) {
        boolean enabled = settings.flag(ENABLED);
        int port = settings.port(PORT);
        Duration headerTimeout = settings.duration(HEADER_TIMEOUT);
        int maxConnections = settings.count(MAX_CONNECTIONS);
        List<String> allowedHosts = settings.hosts(ALLOWED_HOSTS);
        int rejectedShown = settings.pageSize(REJECTED_SHOWN);
        return new HttpSettings(enabled, settings.raw(HOST), port, settings.text(TOKEN), allowedHosts, headerTimeout, maxConnections,
                rejectedShown);
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "HttpSettings[enabled=" + enabled + ", host=" + host + ", port=" + port + ", token=" + (token.isEmpty() ? "" : "***")
                + ", allowedHosts=" + allowedHosts + ", headerTimeout=" + headerTimeout + ", maxConnections=" + maxConnections
                + ", rejectedShown=" + rejectedShown + "]";
    }
}

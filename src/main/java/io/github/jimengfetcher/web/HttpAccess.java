package io.github.jimengfetcher.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use the app's HTTP port. On loopback (the default) only programs of this machine reach
 * it, so no token is asked for; but a web page the user happens to visit could still make the
 * browser POST to it, so a POST whose Origin names another origin is refused, and a page whose own
 * name was made to point at 127.0.0.1 (DNS rebinding) still sends that name as Host, so a Host that
 * is neither a loopback name nor one of jimeng.http.allowed-hosts is refused on every path. Bound beyond loopback,
 * every request except /observe/* (health and metrics, for probes) needs
 * {@code Authorization: Bearer <jimeng.http.token>}, and without a token the app does not start.
 *
 * The token is kept only as its SHA-256 digest, compared in constant time, and never shown.
 */
public final class HttpAccess {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final String BEARER = "bearer ";
    /** A shorter token could be guessed; 16 characters of a random text are plenty. */
    static final int MIN_TOKEN_LENGTH = 16;

    /** What a request comes to, and the status it is refused with (0: let through). */
    public enum Verdict {
        PASS(0), NO_TOKEN(401), FOREIGN_ORIGIN(403), FOREIGN_HOST(403), TOO_LARGE(413);

        private final int status;

        Verdict(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final boolean loopback;
    private final byte[] tokenDigest;
    private final long maxBody;
    private final Set<String> allowedHosts;

    private HttpAccess(boolean loopback, byte[] tokenDigest, long maxBody, Set<String> allowedHosts) {
        this.loopback = loopback;
        this.tokenDigest = tokenDigest;
        this.maxBody = maxBody;
        this.allowedHosts = allowedHosts;
    }

    public static HttpAccess of(String host, String token, long maxBody) {
        return of(host, token, maxBody, "");
    }

    /**
     * From the settings; throws, without showing the token, when the app must not start: bound beyond
     * loopback without a token, or a token that cannot be sent in a header or is too short to be safe.
     *
     * @param maxBody      requests announcing a larger body are refused before it is read
     * @param allowedHosts comma-separated host names a request may name in its Host header besides the loopback ones
     */
    public static HttpAccess of(String host, String token, long maxBody, String allowedHosts) {
        String bind = host == null ? "" : host;
        if (!bind.equals(bind.strip())) {
            // Trimmed here, the server would still be asked to listen on the name with its spaces, and fail.
            throw new IllegalStateException("jimeng.http.host='" + bind + "' has spaces around the address: write it without them "
                    + "(environment variable JIMENG_HTTP_HOST)");
        }
        String secret = token == null ? "" : token.strip();
        boolean loopback = isLoopback(bind);
        if (!secret.isEmpty() && secret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalStateException("jimeng.http.token contains spaces or characters that cannot go in an HTTP header: "
                    + "use letters, digits and punctuation only (environment variable JIMENG_HTTP_TOKEN)");
        }
        if (!secret.isEmpty() && secret.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalStateException("jimeng.http.token is shorter than " + MIN_TOKEN_LENGTH
                    + " characters: use a long random text, e.g. from `openssl rand -hex 24` (environment variable JIMENG_HTTP_TOKEN)");
        }
        if (!loopback && secret.isEmpty()) {
            throw new IllegalStateException("jimeng.http.host=" + bind + " listens beyond this machine, but jimeng.http.token is empty: "
                    + "set a token (environment variable JIMENG_HTTP_TOKEN) that every client sends as 'Authorization: Bearer <token>', "
                    + "or listen on 127.0.0.1");
        }
        Set<String> hosts = new HashSet<>();
        for (String name : (allowedHosts == null ? "" : allowedHosts).split(",")) {
            if (!name.isBlank()) {
                hosts.add(name.strip().toLowerCase(Locale.ROOT));
            }
        }
        return new HttpAccess(loopback, secret.isEmpty() ? null : digest(secret), maxBody, Set.copyOf(hosts));
    }

    /** 127.0.0.0/8, ::1 and localhost; any other name or address reaches beyond this machine. */
    public static boolean isLoopback(String host) {
        String name = host.strip().toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.equals("localhost")) {
            return true;
        }
        var ipv4 = IPV4.matcher(name);
        if (ipv4.matches()) {
            return ipv4.group(1).equals("127");
        }
        if (name.contains(":") && name.matches("[0-9a-f:.]+")) {
            try {
                // A literal: no name is looked up.
                return InetAddress.getByName(name).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    public boolean isLoopback() {
        return loopback;
    }

    /**
     * @param path          the request's normalised path
     * @param authorization its Authorization header, or null
     * @param origin        its Origin header, or null (programs other than browsers send none)
     * @param host          its Host header, or null
     * @param contentLength its Content-Length header, or null
     */
    public Verdict check(String method, String path, String authorization, String origin, String host, String contentLength) {
        if (loopback && host != null && !host.isBlank() && !isKnownHost(host)) {
            return Verdict.FOREIGN_HOST;
        }
        if (path.equals("/observe") || path.startsWith("/observe/")) {
            return Verdict.PASS;
        }
        if (!loopback && !hasToken(authorization)) {
            return Verdict.NO_TOKEN;
        }
        if (loopback && "POST".equalsIgnoreCase(method) && origin != null && !sameOrigin(origin, host)) {
            return Verdict.FOREIGN_ORIGIN;
        }
        if (contentLength != null && isLarger(contentLength)) {
            return Verdict.TOO_LARGE;
        }
        return Verdict.PASS;
    }

    /** What a refused request is told. */
    public static String reason(Verdict verdict) {
        return switch (verdict) {
            case NO_TOKEN -> "send 'Authorization: Bearer <jimeng.http.token>'";
            case FOREIGN_ORIGIN -> "a POST from a page of another origin is refused";
            case FOREIGN_HOST -> "the Host header names neither this machine nor one of jimeng.http.allowed-hosts";
            case TOO_LARGE -> "the body is larger than jimeng.inbox.max-file-size";
            case PASS -> "";
        };
    }

    private boolean hasToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        // Digests of equal length, compared in constant time: neither the token nor its length leaks.
        return MessageDigest.isEqual(tokenDigest, digest(authorization.substring(BEARER.length()).strip()));
    }

    /**
     * The page's origin is the app's own: http://{the Host it asked for}, and that Host is a loopback
     * name (a page of another site whose name was made to point at 127.0.0.1 names its own host).
     */
    private static boolean sameOrigin(String origin, String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String hostName = host.strip().replaceFirst(":\\d+$", "");
        return isLoopback(hostName) && origin.strip().equalsIgnoreCase("http://" + host.strip());
    }

    /**
     * A loopback name or address, or one of the allowed hosts, with any port. A request without
     * a Host (HTTP/1.0) comes from a program, not a browser, and is not asked this.
     */
    private boolean isKnownHost(String host) {
        String name = hostName(host.strip());
        return isLoopback(name) || allowedHosts.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The Host header without its port: "[::1]:8080" -> "[::1]", "example:80" -> "example". */
    static String hostName(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private boolean isLarger(String contentLength) {
        try {
            return Long.parseLong(contentLength.strip()) > maxBody;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

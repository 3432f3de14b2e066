package io.github.jimengfetcher.download;

import java.net.URISyntaxException;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.Method;

/**
 * The request for a video URL. The URL arrives already percent-encoded (as a browser encodes
 * it), so its path and query go on the wire exactly as they are: not decoded, not re-encoded,
 * not held to java.net.URI's stricter grammar (a browser leaves characters such as '|' as they
 * are). Only the host part is parsed. A fragment is not sent.
 */
final class VideoRequest {

    private VideoRequest() {
    }

    static SimpleHttpRequest get(String url) {
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("not an absolute URL");
        }
        int pathStart = schemeEnd + 3;
        while (pathStart < url.length() && "/?#".indexOf(url.charAt(pathStart)) < 0) {
            pathStart++;
        }
        String rest = url.substring(pathStart);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        String path = rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
        try {
            return SimpleHttpRequest.create(Method.GET, HttpHost.create(url.substring(0, pathStart)), path);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid video URL host: " + e.getMessage(), e);
        }
    }

    /** The request for the bytes from offset on: a Range request when a part of offset bytes is on disk. */
    static SimpleHttpRequest from(String url, long offset) {
        SimpleHttpRequest get = get(url);
        if (offset > 0) {
            get.addHeader("Range", "bytes=" + offset + "-");
        }
        return get;
    }
}

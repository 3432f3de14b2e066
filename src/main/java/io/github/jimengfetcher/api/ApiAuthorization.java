package io.github.jimengfetcher.api;

import java.net.URI;
import java.util.Locale;

import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.RouteInfo;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Puts the key on each request to the API, inside the API's HTTP client, as the request goes
 * out: the key is never a header of a Camel message, so neither a tracer (backlog tracing,
 * {@code camel.main.tracing}), message history nor a route's log step can record it. Only a
 * request to the API's own scheme, host and port, under its fetch path, carries it.
 */
public final class ApiAuthorization implements HttpRequestInterceptor {

    private final HttpHost apiHost;
    private final String fetchPath;
    private final String authorization;

    ApiAuthorization(String fetchUrl, String authorization) {
        URI uri = URI.create(fetchUrl);
        this.apiHost = new HttpHost(uri.getScheme().toLowerCase(Locale.ROOT), uri.getHost(), port(uri));
        this.fetchPath = uri.getRawPath() + "/";
        this.authorization = authorization;
    }

    @Override
    public void process(HttpRequest request, EntityDetails entity, HttpContext context) {
        RouteInfo route = HttpClientContext.castOrCreate(context).getHttpRoute();
        HttpHost target = route == null ? null : route.getTargetHost();
        String path = request.getPath() == null ? "" : request.getPath();
        if (target != null && sameHost(target) && path.startsWith(fetchPath)) {
            request.setHeader("Authorization", authorization);
        } else {
            request.removeHeaders("Authorization");
        }
    }

    private boolean sameHost(HttpHost target) {
        int port = target.getPort() >= 0 ? target.getPort() : ("https".equalsIgnoreCase(target.getSchemeName()) ? 443 : 80);
        return apiHost.getSchemeName().equalsIgnoreCase(target.getSchemeName())
                && apiHost.getHostName().equalsIgnoreCase(target.getHostName())
                && apiHost.getPort() == port;
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "API key for " + apiHost;
    }
}

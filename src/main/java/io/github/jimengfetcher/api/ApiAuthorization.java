package io.github.jimengfetcher.api;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.RouteInfo;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.protocol.HttpContext;

import io.github.jimengfetcher.task.ProviderName;

/**
 * Puts the key on each request to the API, inside the API's HTTP client, as the request goes
 * out: the key is never a header of a Camel message, so neither a tracer (backlog tracing,
 * {@code camel.main.tracing}), message history nor a route's log step can record it. Only a
 * request to the API's own scheme, host and port, under its fetch path, carries it. With several
 * task APIs (providers), each has its own {@link Grant}: its host, its path, its header.
 */
public final class ApiAuthorization implements HttpRequestInterceptor {

    private final List<Grant> grants;

    ApiAuthorization(String fetchUrl, String authorization) {
        this(List.of(new Grant(fetchUrl + "/", "Authorization", authorization)));
    }

    private ApiAuthorization(List<Grant> grants) {
        this.grants = List.copyOf(grants);
    }

    /** The keys of several APIs: a request gets the first grant's whose host and path it goes to, and no other header of theirs. */
    public static ApiAuthorization of(List<Grant> grants) {
        return new ApiAuthorization(grants);
    }

    @Override
    public void process(HttpRequest request, EntityDetails entity, HttpContext context) {
        Grant granted = grantOf(request, context);
        for (Grant grant : grants) {
            request.removeHeaders(grant.header);
        }
        if (granted != null) {
            request.setHeader(granted.header, granted.value);
        }
    }

    /** The provider whose host and path the request goes to (the one whose key it carries); null when none. */
    public ProviderName providerOf(HttpRequest request, HttpContext context) {
        Grant granted = grantOf(request, context);
        return granted == null ? null : granted.provider;
    }

    private Grant grantOf(HttpRequest request, HttpContext context) {
        RouteInfo route = HttpClientContext.castOrCreate(context).getHttpRoute();
        HttpHost target = route == null ? null : route.getTargetHost();
        // The request names its host too (a redirect's does): where the two disagree, no key.
        HttpHost named = request.getScheme() == null || request.getAuthority() == null ? null
                : new HttpHost(request.getScheme(), request.getAuthority().getHostName(), request.getAuthority().getPort());
        if (target == null) {
            target = named;
        } else if (named != null && !Grant.sameHost(target, named)) {
            target = null;
        }
        String path = request.getPath() == null ? "" : request.getPath();
        for (Grant grant : grants) {
            if (target != null && grant.covers(target, path)) {
                return grant;
            }
        }
        return null;
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "API keys for " + grants;
    }

    /** One API's key: requests to its scheme, host and port, under its path, carry {@code header: value}. */
    public static final class Grant {

        private final HttpHost host;
        private final String path;
        private final String header;
        private final String value;
        private final ProviderName provider;

        /** @param url the API's scheme, host, port and the path under which its requests carry the key */
        Grant(String url, String header, String value) {
            URI uri = URI.create(url);
            this.host = new HttpHost(uri.getScheme().toLowerCase(Locale.ROOT), uri.getHost(), port(uri));
            this.path = uri.getRawPath();
            this.header = header;
            this.value = value;
            this.provider = null;
        }

        private Grant(Grant grant, ProviderName provider) {
            this.host = grant.host;
            this.path = grant.path;
            this.header = grant.header;
            this.value = grant.value;
            this.provider = provider;
        }

        /** The same grant, known as this provider's: its requests count in the provider's pace. */
        public Grant of(ProviderName name) {
            return new Grant(this, name);
        }

        boolean covers(HttpHost target, String requestPath) {
            return sameHost(host, target) && requestPath.startsWith(path);
        }

        static boolean sameHost(HttpHost one, HttpHost other) {
            return one.getSchemeName().equalsIgnoreCase(other.getSchemeName()) && one.getHostName().equalsIgnoreCase(other.getHostName())
                    && port(one) == port(other);
        }

        private static int port(HttpHost host) {
            return host.getPort() >= 0 ? host.getPort() : ("https".equalsIgnoreCase(host.getSchemeName()) ? 443 : 80);
        }

        private static int port(URI uri) {
            return uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        }

        /** Never the key. */
        @Override
        public String toString() {
            return header + " on " + host + path;
        }
    }
}

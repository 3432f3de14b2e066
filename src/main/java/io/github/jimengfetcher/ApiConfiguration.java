package io.github.jimengfetcher;

import java.io.IOException;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.ApiEndpoint;
import io.github.jimengfetcher.api.ApiRequestLimits;
import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.config.ApiSettings;
import io.github.jimengfetcher.config.DownloadSettings;
import io.github.jimengfetcher.config.FetchSettings;
import io.github.jimengfetcher.demo.DemoGateway;
import io.github.jimengfetcher.provider.Providers;
import io.github.jimengfetcher.task.ProviderName;

/**
 * The gateway's API as the routes call it ({@code {{bean:apiEndpoint.fetchUrl}}},
 * {@code httpClientConfigurer=#apiRequestLimits}): a configured API needs a key; no API at all
 * means the demo, which is said loudly and served by {@link DemoGateway}. The routes read the API
 * from these beans, never from the raw settings.
 */
@Configuration
public class ApiConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ApiConfiguration.class);

    /** The built-in simulator: made only when the demo asks for it; the stop closes it (AppLifecycle). */
    @BindToRegistry(lazy = true)
    public DemoGateway demoGateway(ApiSettings api) throws IOException {
        return DemoGateway.start(api.demoTaskTime().toMillis());
    }

    /** The default provider's root and key (jimeng.provider); no root for jimeng-gateway means the demo. */
    @BindToRegistry(lazy = true)
    public ApiEndpoint apiEndpoint(Providers providers, org.apache.camel.spi.Registry registry) {
        ApiEndpoint endpoint = providers.endpoint(providers.defaultProvider());
        if (!providers.demo()) {
            LOG.info("Fetching tasks from {}{}", endpoint.baseUrl(), providers.defaultProvider().equals(ProviderName.JIMENG_GATEWAY) ? ""
                    : " (provider " + providers.defaultProvider() + ")");
            return endpoint;
        }
        DemoGateway demo = registry.lookupByNameAndType("demoGateway", DemoGateway.class);
        LOG.warn("");
        LOG.warn("*****************************************************************************************");
        LOG.warn("*  DEMO MODE: jimeng.api.base-url is not set, so tasks are fetched from a built-in simulator  *");
        LOG.warn("*  at {}. Nothing real is downloaded.", demo.baseUrl());
        LOG.warn("*  Drop a file named like 'cgt-demo-1' into the inbox and watch output/ fill up.");
        LOG.warn("*  Set jimeng.api.base-url and jimeng.api.key (or JIMENG_API_BASE_URL, JIMENG_API_KEY) for the real API.");
        LOG.warn("*****************************************************************************************");
        LOG.warn("");
        return endpoint;
    }

    /** The pace of each provider's fetches, learned from its API's answers: the claims keep to it (DueWork). */
    @BindToRegistry(lazy = true)
    public ProviderPaces fetchPaces(FetchSettings fetch) {
        return new ProviderPaces(fetch.maxConcurrent());
    }

    @BindToRegistry(lazy = true, destroyMethod = "close")
    public ApiRequestLimits apiRequestLimits(ApiSettings api, FetchSettings fetch, Providers providers, ProviderPaces paces) {
        // Every provider's key, each only for requests to its own host and paths; each request counts in that provider's pace.
        ApiRequestLimits limits = new ApiRequestLimits(api.connectTimeout().toMillis(), api.readTimeout().toMillis(),
                api.requestTimeout().toMillis(), api.maxAnswerSize(), fetch.maxConcurrent(), providers.authorization());
        limits.setPaces(paces);
        return limits;
    }

    /** Video URLs only from the allowed hosts (none listed: any). */
    @BindToRegistry(lazy = true)
    public FetchAnswerReader fetchAnswerReader(DownloadSettings download) {
        FetchAnswerReader reader = new FetchAnswerReader();
        reader.setAllowedVideoHosts(download.allowedHosts());
        return reader;
    }
}

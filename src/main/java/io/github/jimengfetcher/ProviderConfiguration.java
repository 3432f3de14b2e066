package io.github.jimengfetcher;

import org.apache.camel.BindToRegistry;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;

import io.github.jimengfetcher.api.ApiEndpoint;
import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.api.VideoUrlCandidates;
import io.github.jimengfetcher.config.ApiSettings;
import io.github.jimengfetcher.config.DownloadSettings;
import io.github.jimengfetcher.config.ProviderSettings;
import io.github.jimengfetcher.demo.DemoGateway;
import io.github.jimengfetcher.provider.ProviderAccess;
import io.github.jimengfetcher.provider.ProviderFetches;
import io.github.jimengfetcher.provider.ProviderFiles;
import io.github.jimengfetcher.provider.Providers;

/**
 * The task APIs (providers): their files read and checked at start (a bad one stops it), where each
 * is asked (bean {@code providers}, also the {@code KnownProviders} of the rest), and a fetch as the
 * task's provider wants it ({@code providerFetches}, routes/poll.yaml).
 */
@Configuration
public class ProviderConfiguration {

    @BindToRegistry(lazy = true)
    public Providers providers(ProviderSettings settings, ApiSettings api, Registry registry) {
        return ProviderAccess.resolve(ProviderFiles.read(settings.files()), settings, api,
                () -> ApiEndpoint.of(registry.lookupByNameAndType("demoGateway", DemoGateway.class).baseUrl(), DemoGateway.DEMO_KEY));
    }

    /** Video URLs from pointers only from the allowed hosts too (none listed: any). */
    @BindToRegistry(lazy = true)
    public ProviderFetches providerFetches(Providers providers, FetchAnswerReader fetchAnswerReader, DownloadSettings download) {
        return new ProviderFetches(providers, fetchAnswerReader, new VideoUrlCandidates(String.join(",", download.allowedHosts())));
    }
}

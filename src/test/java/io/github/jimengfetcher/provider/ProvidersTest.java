package io.github.jimengfetcher.provider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.api.ApiEndpoint;
import io.github.jimengfetcher.api.ApiFault;
import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.api.VideoUrlCandidates;
import io.github.jimengfetcher.config.ApiSettings;
import io.github.jimengfetcher.config.ProviderSettings;
import io.github.jimengfetcher.config.SettingsReader;
import io.github.jimengfetcher.task.ProviderName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which providers are asked where, with which key, and what their own answers for "no such task" mean. */
class ProvidersTest {

    private static final ProviderName ARK = new ProviderName("ark");
    private static final ApiEndpoint DEMO = ApiEndpoint.of("http://127.0.0.1:9", "demo-key");

    private static Providers providers(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("jimeng.provider", "jimeng-gateway", "jimeng.provider-files", "target/no-provider-files-here"));
        all.putAll(settings);
        SettingsReader reader = new SettingsReader(key -> Optional.ofNullable(all.get(key)));
        ApiSettings api = new ApiSettings(all.getOrDefault("jimeng.api.base-url", ""), all.getOrDefault("jimeng.api.key", ""),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1 << 20, Duration.ofSeconds(1));
        ProviderSettings providerSettings = ProviderSettings.read(reader);
        return ProviderAccess.resolve(ProviderFiles.read(Path.of(all.get("jimeng.provider-files"))), providerSettings, api, () -> DEMO);
    }

    private static String keyOn(Providers providers, String url) throws Exception {
        java.net.URI uri = java.net.URI.create(url);
        BasicHttpRequest request = new BasicHttpRequest("GET", new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()), uri.getRawPath());
        providers.authorization().process(request, null, HttpClientContext.create());
        return request.getFirstHeader("Authorization") == null ? null : request.getFirstHeader("Authorization").getValue();
    }

    @Test
    void theGatewayWithNothingSetIsTheDemoAndTheOthersAreNotAsked() {
        Providers providers = providers(Map.of());
        assertTrue(providers.demo());
        assertSame(DEMO, providers.endpoint(ProviderName.JIMENG_GATEWAY));
        assertFalse(providers.isConfigured(ARK), "Ark's file names its root, but there is no key for it");
        assertTrue(providers.knows(ARK));
        assertFalse(providers.knows(new ProviderName("kling")));
    }

    @Test
    void anUnknownDefaultProviderStopsTheStart() {
        String message = assertThrows(IllegalStateException.class, () -> providers(Map.of("jimeng.provider", "kling"))).getMessage();
        assertTrue(message.startsWith("jimeng.provider=kling names no provider file: known are jimeng-gateway, new-api, openai-videos, ark"),
                message);
    }

    @Test
    void theDefaultProviderNeedsItsKey() {
        String message = assertThrows(IllegalStateException.class, () -> providers(Map.of("jimeng.provider", "ark"))).getMessage();
        assertTrue(message.contains("is set but jimeng.api.key is empty"), message);
        String own = assertThrows(IllegalStateException.class,
                () -> providers(Map.of("jimeng.providers.new-api.base-url", "https://relay.example.com"))).getMessage();
        assertTrue(own.startsWith("jimeng.providers.new-api.base-url is set but jimeng.providers.new-api.api-key is empty: set the key "
                + "in application.properties or in the environment variable JIMENG_PROVIDERS_NEW_API_API_KEY"), own);
    }

    @Test
    void eachProvidersKeyGoesOnlyToItsOwnHostAndPath() throws Exception {
        Providers providers = providers(Map.of("jimeng.api.base-url", "https://gw.example.com", "jimeng.api.key", "sk-gateway",
                "jimeng.providers.ark.api-key", "ark-key", "jimeng.providers.new-api.base-url", "https://relay.example.com/proxy",
                "jimeng.providers.new-api.api-key", "relay-key"));
        assertFalse(providers.demo());
        assertEquals("https://ark.cn-beijing.volces.com", providers.endpoint(ARK).baseUrl(), "Ark's own root, from its file");
        assertEquals("https://relay.example.com/proxy", providers.endpoint(new ProviderName("new-api")).baseUrl());
        assertEquals("Bearer sk-gateway", keyOn(providers, "https://gw.example.com/jimeng/fetch/cgt-1"));
        assertEquals("Bearer ark-key", keyOn(providers, "https://ark.cn-beijing.volces.com/api/v3/contents/generations/tasks/cgt-1"));
        assertEquals("Bearer relay-key", keyOn(providers, "https://relay.example.com/proxy/v1/video/generations/task-1"));
        assertNull(keyOn(providers, "https://relay.example.com/v1/video/generations/task-1"), "not under the relay's root");
        assertNull(keyOn(providers, "https://cdn.example.com/jimeng/fetch/cgt-1"), "another host");
        assertNull(keyOn(providers, "https://gw.example.com/videos/cgt-1.mp4"), "another path");
        String described = providers.authorization().toString();
        assertFalse(described.contains("sk-gateway") || described.contains("ark-key") || described.contains("relay-key"), described);
    }

    @Test
    void arksNotFoundAnswerIsTheApisWordThatThereIsNoSuchTask() {
        Providers providers = providers(Map.of("jimeng.providers.ark.api-key", "ark-key"));
        ProviderFetches fetches = new ProviderFetches(providers, new FetchAnswerReader(), new VideoUrlCandidates(""));
        HttpOperationFailedException notFound = new HttpOperationFailedException("https://ark.cn-beijing.volces.com/api/v3/contents/generations/tasks/cgt-x",
                404, "Not Found", null, Map.of(), "{\"error\":{\"code\":\"ResourceNotFound\",\"message\":\"The specified task is not found\"}}");
        Throwable fault = fetches.fault(notFound, "ark");
        assertEquals(ApiFault.NOT_FOUND, ApiFault.classify(fault));
        assertEquals(ApiFault.HTTP_ERROR, ApiFault.classify(fetches.fault(notFound, null)), "the gateway has no such rule: a 404 is a passing fault");
        HttpOperationFailedException otherCode = new HttpOperationFailedException("https://ark.cn-beijing.volces.com/x", 404, "Not Found", null,
                Map.of(), "{\"error\":{\"code\":\"ModelNotOpen\"}}");
        assertEquals(ApiFault.HTTP_ERROR, ApiFault.classify(fetches.fault(otherCode, ARK)));
    }

    @Test
    void theRequestFollowsTheProvider() {
        Providers providers = providers(Map.of("jimeng.api.base-url", "https://gw.example.com", "jimeng.api.key", "sk-gateway",
                "jimeng.providers.ark.api-key", "ark-key"));
        ProviderFetches fetches = new ProviderFetches(providers, new FetchAnswerReader(), new VideoUrlCandidates(""));
        assertEquals("https://gw.example.com", fetches.root(null));
        assertEquals("jimeng/fetch/cgt-1", fetches.path("cgt-1", null));
        assertEquals(org.apache.camel.component.http.HttpMethods.GET, fetches.method(null));
        assertNull(fetches.query("cgt-1", null));
        assertEquals("https://ark.cn-beijing.volces.com", fetches.root("ark"));
        assertEquals("api/v3/contents/generations/tasks/cgt-1", fetches.path("cgt-1", ARK));
    }
}

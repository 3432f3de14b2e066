package io.github.jimengfetcher.provider;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.github.jimengfetcher.api.ApiEndpoint;
import io.github.jimengfetcher.config.ApiSettings;
import io.github.jimengfetcher.config.ProviderSettings;
import io.github.jimengfetcher.task.ProviderName;

/**
 * Where each provider is asked, and with which key, from the settings: its own
 * {@code jimeng.providers.{name}.base-url} and {@code .api-key} first; for the default provider
 * {@code jimeng.api.base-url} and {@code jimeng.api.key}; then the base URL its file names; for
 * jimeng-gateway as the default with none of these, the built-in simulator. The default provider must
 * be reachable, or the start stops naming the settings; another provider without a base URL and a
 * key is simply not asked.
 */
public final class ProviderAccess {

    private ProviderAccess() {
    }

    static String baseUrlSetting(ProviderName name) {
        return ProviderSettings.baseUrlSetting(name.value()) + " (environment variable "
                + ProviderSettings.environmentVariable(ProviderSettings.baseUrlSetting(name.value())) + ")";
    }

    /** @param demo the simulator's endpoint, started only when asked for */
    public static Providers resolve(Map<ProviderName, Provider> files, ProviderSettings settings, ApiSettings api, Supplier<ApiEndpoint> demo) {
        ProviderName defaultProvider = new ProviderName(settings.provider());
        Map<ProviderName, ApiEndpoint> endpoints = new LinkedHashMap<>();
        boolean demoMode = false;
        for (Provider provider : files.values()) {
            ProviderName name = provider.name();
            boolean isDefault = name.equals(defaultProvider);
            ApiEndpoint endpoint = endpoint(provider, isDefault, settings, api);
            if (endpoint == null && isDefault && name.equals(ProviderName.JIMENG_GATEWAY)) {
                endpoint = demo.get();
                demoMode = true;
            }
            if (endpoint == null && isDefault) {
                throw new IllegalStateException("jimeng.provider=" + name + " has no base URL: set " + baseUrlSetting(name)
                        + " or jimeng.api.base-url, and its key");
            }
            if (endpoint != null) {
                endpoints.put(name, endpoint);
            }
        }
        return new Providers(files, defaultProvider, endpoints, demoMode);
    }

    /** Null when nothing names the provider's root, or only its file does and no key is given. */
    private static ApiEndpoint endpoint(Provider provider, boolean isDefault, ProviderSettings settings, ApiSettings api) {
        String name = provider.name().value();
        String ownKey = settings.apiKey(name);
        boolean ownKeyGiven = !ownKey.isEmpty() || !isDefault;
        String key = ownKeyGiven ? ownKey : api.key();
        String keyName = ownKeyGiven ? ProviderSettings.apiKeySetting(name) : "jimeng.api.key";
        String own = settings.baseUrl(name);
        if (!own.isEmpty()) {
            return ApiEndpoint.of(own, key, ProviderSettings.baseUrlSetting(name), keyName);
        }
        if (isDefault && !api.baseUrl().isEmpty()) {
            return ApiEndpoint.of(api.baseUrl(), key, "jimeng.api.base-url", keyName);
        }
        if (provider.baseUrl().isEmpty() || (key.isBlank() && !isDefault)) {
            return null;
        }
        return ApiEndpoint.of(provider.baseUrl(), key, "base-url of " + provider.source(), keyName);
    }
}

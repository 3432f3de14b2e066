package io.github.jimengfetcher.provider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.github.jimengfetcher.api.ApiAuthorization;
import io.github.jimengfetcher.api.ApiEndpoint;
import io.github.jimengfetcher.config.ProviderSettings;
import io.github.jimengfetcher.task.KnownProviders;
import io.github.jimengfetcher.task.ProviderName;

/**
 * The task APIs this instance knows (bean {@code providers}): every provider file read at start, the
 * one ids without a provider belong to ({@code jimeng.provider}), and where each configured
 * provider is asked, with its key. A provider is configured when it has a base URL.
 */
public final class Providers implements KnownProviders {

    private final Map<ProviderName, Provider> files;
    private final ProviderName defaultProvider;
    private final Map<ProviderName, ApiEndpoint> endpoints;
    private final boolean demo;

    /**
     * @param endpoints the configured providers' roots and keys
     * @param demo      whether the default provider is the built-in simulator
     */
    public Providers(Map<ProviderName, Provider> files, ProviderName defaultProvider, Map<ProviderName, ApiEndpoint> endpoints, boolean demo) {
        if (!files.containsKey(defaultProvider)) {
            throw new IllegalStateException("jimeng.provider=" + defaultProvider + " names no provider file: known are "
                    + names(files.keySet()) + " (write one of them, or add " + defaultProvider + ".yaml to the folder jimeng.provider-files; "
                    + "environment variable JIMENG_PROVIDER)");
        }
        this.files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        this.defaultProvider = defaultProvider;
        this.endpoints = Collections.unmodifiableMap(new LinkedHashMap<>(endpoints));
        this.demo = demo;
    }

    /** The names of the images any provider's answers name (a last frame, a cover): saved beside the videos. */
    public Set<String> imageNames() {
        Set<String> names = new TreeSet<>();
        files.values().forEach(provider -> names.addAll(provider.answer().images().keySet()));
        return names;
    }

    @Override
    public ProviderName defaultProvider() {
        return defaultProvider;
    }

    @Override
    public boolean knows(ProviderName name) {
        return files.containsKey(name);
    }

    /** The provider's file; the default provider for null. */
    public Provider get(ProviderName name) {
        Provider provider = files.get(name == null ? defaultProvider : name);
        if (provider == null) {
            throw new IllegalArgumentException("no provider file for " + name);
        }
        return provider;
    }

    public boolean isConfigured(ProviderName name) {
        return endpoints.containsKey(name);
    }

    /** The providers this instance can ask: those with a base URL and, where they need one, a key. */
    public List<ProviderName> configured() {
        return List.copyOf(endpoints.keySet());
    }

    /** Where this provider is asked, with its key. */
    public ApiEndpoint endpoint(ProviderName name) {
        ApiEndpoint endpoint = endpoints.get(name);
        if (endpoint == null) {
            throw new IllegalStateException("provider " + name + " has no base URL: set " + ProviderAccess.baseUrlSetting(name));
        }
        return endpoint;
    }

    /** The default provider is jimeng-gateway and nothing names its root: the built-in simulator answers. */
    public boolean demo() {
        return demo;
    }

    /** The keys of every configured provider, each only for requests to its own host under its own paths (its list query's too). */
    public ApiAuthorization authorization() {
        List<ApiAuthorization.Grant> grants = new ArrayList<>();
        endpoints.forEach((name, endpoint) -> {
            Provider provider = files.get(name);
            grants.add(endpoint.grant(provider.request().keyedPathPrefix(), provider.request().keyHeader(), provider.request().keyPrefix())
                    .of(name));
            if (provider.list() != null) {
                grants.add(endpoint.grant(provider.list().path(), provider.request().keyHeader(), provider.request().keyPrefix()).of(name));
            }
        });
        return ApiAuthorization.of(grants);
    }

    /**
     * The setting of the provider's key, with its environment variable, for a message saying which key
     * to fix: its own jimeng.providers.{name}.api-key, or jimeng.api.key where the default provider takes it.
     */
    public String keySetting(ProviderName name) {
        ApiEndpoint endpoint = endpoints.get(name);
        String setting = endpoint == null ? ProviderSettings.apiKeySetting(name.value()) : endpoint.keySetting();
        return setting + " (environment variable " + ProviderSettings.environmentVariable(setting) + ")";
    }

    /** A one-way hash of each configured provider's root and key: pauses are shared per provider and key (never the key itself). */
    public Map<ProviderName, String> keyHashes() {
        Map<ProviderName, String> hashes = new LinkedHashMap<>();
        endpoints.forEach((name, endpoint) -> hashes.put(name, endpoint.keyHash()));
        return hashes;
    }

    /** Whether a configured provider's videos are behind its key (download.needs-key). */
    public boolean hasKeyedDownloads() {
        return endpoints.keySet().stream().anyMatch(name -> files.get(name).download().needsKey());
    }

    /** The keys of the configured providers whose videos are behind them, each only for its own host and video path. */
    public ApiAuthorization downloadAuthorization() {
        List<ApiAuthorization.Grant> grants = new ArrayList<>();
        endpoints.forEach((name, endpoint) -> {
            Provider provider = files.get(name);
            if (provider.download().needsKey()) {
                String path = provider.download().path();
                int id = path.indexOf(ProviderRequest.ID);
                grants.add(endpoint.grant(id < 0 ? path : path.substring(0, id), provider.request().keyHeader(),
                        provider.request().keyPrefix()));
            }
        });
        return ApiAuthorization.of(grants);
    }

    /**
     * The configured providers whose due tasks are asked in groups, by their list query (docs/providers.md),
     * with the most tasks one query may name.
     */
    public Map<ProviderName, Integer> listLimits() {
        Map<ProviderName, Integer> limits = new LinkedHashMap<>();
        endpoints.keySet().stream().filter(name -> files.get(name).list() != null).forEach(name -> limits.put(name, files.get(name).list().limit()));
        return limits;
    }

    /** Every provider known, in the order read: the shipped ones, then the users'. */
    public List<ProviderName> names() {
        return List.copyOf(files.keySet());
    }

    private static String names(java.util.Collection<ProviderName> names) {
        return names.stream().map(ProviderName::value).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "Providers[" + names(files.keySet()) + "; default " + defaultProvider + "]";
    }
}

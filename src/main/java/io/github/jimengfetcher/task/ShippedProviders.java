package io.github.jimengfetcher.task;

import java.util.Set;

/**
 * The provider names shipped with the app, jimeng-gateway the default: what the doors check ids
 * against until the registry of provider files (bean {@code providers}) takes this one's place.
 */
public final class ShippedProviders implements KnownProviders {

    private static final Set<String> SHIPPED = Set.of("jimeng-gateway", "new-api", "openai-videos", "ark");

    @Override
    public ProviderName defaultProvider() {
        return ProviderName.JIMENG_GATEWAY;
    }

    @Override
    public boolean knows(ProviderName name) {
        return name != null && SHIPPED.contains(name.value());
    }
}

package io.github.jimengfetcher.store;

import java.util.Set;

import io.github.jimengfetcher.task.ProviderName;

/**
 * Whose due fetches a claim may take: every provider's but those skipped (their pace allows no more
 * now), or one provider's only (its pace allows fewer than the claim asks for). A store skips the
 * providers whose fetches are paused on top of these.
 *
 * @param only    the one provider whose tasks may be claimed, or null for any
 * @param skipped providers whose tasks are left waiting (with {@code only} null)
 */
public record ProviderChoice(ProviderName only, Set<ProviderName> skipped) {

    /** Every provider's tasks. */
    public static final ProviderChoice ANY = new ProviderChoice(null, Set.of());

    public ProviderChoice {
        skipped = Set.copyOf(skipped);
    }

    public static ProviderChoice allBut(Set<ProviderName> skipped) {
        return skipped.isEmpty() ? ANY : new ProviderChoice(null, skipped);
    }

    public static ProviderChoice only(ProviderName provider) {
        return new ProviderChoice(provider, Set.of());
    }

    /** May a task of this provider be claimed? */
    public boolean allows(ProviderName provider) {
        return only != null ? only.equals(provider) : !skipped.contains(provider);
    }
}

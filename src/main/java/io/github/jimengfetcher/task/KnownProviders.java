package io.github.jimengfetcher.task;

/** The task APIs this instance has a provider file for, and the one an id without a provider belongs to. */
public interface KnownProviders {

    /** jimeng.provider: the provider of ids that name none. */
    ProviderName defaultProvider();

    /** Whether a provider file of this name was read at start. */
    boolean knows(ProviderName name);
}

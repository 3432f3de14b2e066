package io.github.jimengfetcher.config;

import java.nio.file.Path;

/**
 * Which task API ids without a provider belong to, where users' provider files are, and each
 * provider's own root and key ({@code jimeng.providers.{name}.base-url} and {@code .api-key}),
 * read by name once the provider files say which names there are.
 */
public final class ProviderSettings {

    static final String PROVIDER = "jimeng.provider";
    static final String FILES = "jimeng.provider-files";

    private final String provider;
    private final Path files;
    private final SettingsReader settings;

    public ProviderSettings(String provider, Path files, SettingsReader settings) {
        this.provider = provider;
        this.files = files;
        this.settings = settings;
    }

    public static ProviderSettings read(SettingsReader settings) {
        return new ProviderSettings(settings.providerName(PROVIDER), settings.folder(FILES), settings);
    }

    /** jimeng.provider: a provider's name (that a file of that name exists is the providers' to say). */
    public String provider() {
        return provider;
    }

    /** jimeng.provider-files: the folder of users' provider files. */
    public Path files() {
        return files;
    }

    /** The setting of a provider's own base URL: jimeng.providers.ark.base-url. */
    public static String baseUrlSetting(String name) {
        return "jimeng.providers." + name + ".base-url";
    }

    /** The setting of a provider's own key: jimeng.providers.ark.api-key. */
    public static String apiKeySetting(String name) {
        return "jimeng.providers." + name + ".api-key";
    }

    /** Its environment variable: JIMENG_PROVIDERS_NEW_API_BASE_URL. */
    public static String environmentVariable(String setting) {
        return SettingChecks.environmentVariable(setting);
    }

    /** The provider's own base URL; empty when not set. */
    public String baseUrl(String name) {
        return settings.text(baseUrlSetting(name));
    }

    /** The provider's own key; empty when not set. Never logged. */
    public String apiKey(String name) {
        return settings.text(apiKeySetting(name));
    }

    /** The setting that says a provider's tasks notify: jimeng.providers.ark.notify. */
    public static String notifySetting(String name) {
        return "jimeng.providers." + name + ".notify";
    }

    /** Whether the provider's tasks notify (jimeng.providers.{name}.notify=true); false when not set. */
    public boolean notifies(String name) {
        return !settings.text(notifySetting(name)).isEmpty() && settings.flag(notifySetting(name));
    }

    /** The setting of the secret a provider's notifications are signed with: jimeng.providers.ark.notify-signing-secret. */
    public static String signingSecretSetting(String name) {
        return "jimeng.providers." + name + ".notify-signing-secret";
    }

    /** The secret the provider signs its notifications with (Standard Webhooks, whsec_...); empty when they are not signed. Never logged. */
    public String signingSecret(String name) {
        return settings.text(signingSecretSetting(name));
    }

    /** Never a key. */
    @Override
    public String toString() {
        return "ProviderSettings[provider=" + provider + ", files=" + files + "]";
    }
}

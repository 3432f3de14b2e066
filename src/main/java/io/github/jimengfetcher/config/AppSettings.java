package io.github.jimengfetcher.config;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Every jimeng.* setting, read once at the start into its group and checked as it is read: the
 * first bad value stops the start with one line naming it. The groups go into the registry, where
 * the configuration classes' bean methods receive them as parameters; no piece reads a setting itself.
 */
public record AppSettings(ConsoleSettings console, ApiSettings api, FetchSettings fetch, DownloadSettings download,
        InboxSettings inbox, HttpSettings http, HealthSettings health, StoreSettings store, KafkaSettings kafka, Folders folders,
        ProviderSettings providers, NotifySettings notifications, ImageSettings images, S3Settings s3) {

    public static AppSettings read(PropertiesComponent properties) {
        return read(SettingsReader.of(properties));
    }

    public static AppSettings read(SettingsReader settings) {
        ConsoleSettings console = ConsoleSettings.read(settings);
        ApiSettings api = ApiSettings.read(settings);
        FetchSettings fetch = FetchSettings.read(settings);
        DownloadSettings download = DownloadSettings.read(settings);
        InboxSettings inbox = InboxSettings.read(settings);
        HttpSettings http = HttpSettings.read(settings);
        return new AppSettings(console, api, fetch, download, inbox, http, HealthSettings.read(settings), StoreSettings.read(settings),
                KafkaSettings.read(settings), Folders.read(settings), ProviderSettings.read(settings), NotifySettings.read(settings, http),
                ImageSettings.read(settings), S3Settings.read(settings));
    }

    /** Each group under its own name (apiSettings, fetchSettings, ...), found by its type. */
    public void bindTo(Registry registry) {
        registry.bind("consoleSettings", ConsoleSettings.class, console);
        registry.bind("apiSettings", ApiSettings.class, api);
        registry.bind("fetchSettings", FetchSettings.class, fetch);
        registry.bind("downloadSettings", DownloadSettings.class, download);
        registry.bind("inboxSettings", InboxSettings.class, inbox);
        registry.bind("httpSettings", HttpSettings.class, http);
        registry.bind("healthSettings", HealthSettings.class, health);
        registry.bind("storeSettings", StoreSettings.class, store);
        registry.bind("kafkaSettings", KafkaSettings.class, kafka);
        registry.bind("folders", Folders.class, folders);
        registry.bind("providerSettings", ProviderSettings.class, providers);
        registry.bind("notifySettings", NotifySettings.class, notifications);
        registry.bind("imageSettings", ImageSettings.class, images);
        registry.bind("s3Settings", S3Settings.class, s3);
    }
}

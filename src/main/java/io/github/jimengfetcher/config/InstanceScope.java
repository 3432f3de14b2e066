package io.github.jimengfetcher.config;

import java.nio.file.Path;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Which instance this is, and which part of the work folder is its own. With the local journal
 * (no jimeng.store.url) one instance has the whole work folder: lock, journal and downloads
 * stay where they always were. With a shared store several instances may share one work folder,
 * each keeping its lock and partial downloads under {work}/{instance-id}/.
 */
public record InstanceScope(String id, String storeUrl, Path work) {

    /** From the settings; an instance id that is not a name stops the start before it names a folder. */
    public static InstanceScope of(PropertiesComponent properties) {
        return of(value(properties, "jimeng.store.instance-id"), value(properties, "jimeng.store.url"), value(properties, "jimeng.work.folder"),
                RenamedSettings.nameWritten(properties, "jimeng.store.instance-id"));
    }

    public static InstanceScope of(String instanceId, String storeUrl, String work) {
        return of(instanceId, storeUrl, work, "jimeng.store.instance-id");
    }

    /** @param idWritten the name the id came under, which a complaint names */
    private static InstanceScope of(String instanceId, String storeUrl, String work, String idWritten) {
        String setting = instanceId == null ? "" : instanceId.strip();
        if (!setting.isEmpty() && !SettingChecks.INSTANCE_NAME.matcher(setting).matches()) {
            throw new IllegalStateException(idWritten + "=" + setting + " is not a name: 1 to 64 letters, digits, '.', '_' or '-'"
                    + " (" + SettingChecks.whatItIs(idWritten, "jimeng.store.instance-id") + ")");
        }
        if (work == null || work.isBlank()) {
            throw new IllegalStateException("jimeng.work.folder is not set");
        }
        return new InstanceScope(InstanceId.resolve(setting), storeUrl == null ? "" : storeUrl.strip(), Path.of(work.strip()));
    }

    /** Several instances share the store (and may share the output and work folders). */
    public boolean shared() {
        return !storeUrl.isEmpty();
    }

    /** The folder of this instance's lock and partial downloads: {work}, or {work}/{instance-id} with a shared store. */
    public Path ownFolder() {
        return shared() ? work.resolve(id) : work;
    }

    /** The store in use, for the log: the journal's folder, or the database's host and name (never a user or password). */
    public String storeDescription() {
        if (!shared()) {
            return "the local journal in " + work.toAbsolutePath();
        }
        return "the shared PostgreSQL store at " + databaseOf(storeUrl);
    }

    /** "jdbc:postgresql://db.example:5432/jimeng?ssl=true" -> "db.example:5432/jimeng": no parameters, no user part. */
    static String databaseOf(String url) {
        String rest = url;
        int scheme = rest.indexOf("//");
        rest = scheme >= 0 ? rest.substring(scheme + 2) : rest.substring(rest.lastIndexOf(':') + 1);
        for (char end : new char[] {'?', ';', '#'}) {
            int at = rest.indexOf(end);
            rest = at >= 0 ? rest.substring(0, at) : rest;
        }
        int slash = rest.indexOf('/');
        int user = rest.lastIndexOf('@', slash >= 0 ? slash : rest.length());
        return user >= 0 ? rest.substring(user + 1) : rest;
    }

    private static String value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).orElse("").strip();
    }
}

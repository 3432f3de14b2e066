package io.github.jimengfetcher.config;

import java.net.InetAddress;

/** This instance's name (jimeng.store.instance-id): the owner of its leases, shown in logs, status and metrics. */
public final class InstanceId {

    private InstanceId() {
    }

    /** The setting, or when it is empty this machine's host name and this process's id, e.g. "studio-1-4711". */
    public static String resolve(String setting) {
        if (setting != null && !setting.isBlank()) {
            return setting.strip();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception | LinkageError unknown) {
            host = "localhost";
        }
        host = host.replaceAll("[^A-Za-z0-9_-]", "-");
        String id = host + "-" + ProcessHandle.current().pid();
        return id.length() <= 64 ? id : id.substring(id.length() - 64);
    }
}

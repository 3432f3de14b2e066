package io.github.jimengfetcher.config;

import io.github.jimengfetcher.log.LogFormat;

/** What an operator sees of the process: the log's format (text or json) and whether Camel JBang may attach (camelCli). */
public record ConsoleSettings(String logFormat, boolean camelCli) {

    static final String CAMEL_CLI = "jimeng.camel-cli.enabled";

    public static ConsoleSettings read(SettingsReader settings) {
        // The log format's key is LogFormat's: it is read from the file before Camel starts, for the first lines logged.
        return new ConsoleSettings(settings.logFormat(LogFormat.SETTING), settings.flag(CAMEL_CLI));
    }
}

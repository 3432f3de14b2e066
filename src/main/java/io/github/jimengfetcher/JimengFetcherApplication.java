package io.github.jimengfetcher;

import org.apache.camel.main.Main;

import io.github.jimengfetcher.log.LogFormat;

/** Starts jimeng-fetcher: the routes in ./routes, the settings in ./application.properties. */
public final class JimengFetcherApplication {

    /**
     * Settings live beside the routes, in the folder the app is started from, so users change them
     * without rebuilding. Without the file the app does not start (every setting has its default there).
     */
    static final String SETTINGS = "file:application.properties";

    private JimengFetcherApplication() {
    }

    public static void main(String[] args) {
        if (!java.nio.file.Files.isRegularFile(java.nio.file.Path.of("application.properties"))) {
            System.err.println("jimeng-fetcher cannot start: there is no application.properties in "
                    + java.nio.file.Path.of("").toAbsolutePath() + "; start it from the folder that holds application.properties and routes/");
            System.exit(2);
        }
        // Before the first line is logged: the console's format (text or json).
        LogFormat.selectAtStart(java.nio.file.Path.of("application.properties"));
        int exitCode;
        Main main = create();
        try {
            exitCode = main.run(args);
        } catch (Exception e) {
            // A settings problem is the user's to fix: say it plainly, without a stack trace.
            System.err.println("jimeng-fetcher cannot start: " + reason(e));
            // Camel's shutdown hook would take the exit below for a signal ("triggered by SIGTERM"): none came.
            main.completed();
            exitCode = 2;
        }
        System.exit(exitCode);
    }

    /**
     * The settings problem a failed start comes down to: our checks throw IllegalStateException,
     * which Camel may wrap on the way out.
     */
    static String reason(Throwable failure) {
        String reason = failure.getMessage();
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof IllegalStateException && cause.getMessage() != null) {
                reason = cause.getMessage();
            }
        }
        return reason;
    }

    /** The application as main() runs it; tests start the same one. */
    public static Main create() {
        Main main = new Main(JimengFetcherApplication.class);
        main.setPropertyPlaceholderLocations(SETTINGS);
        // Camel masks a setting by the last part of its name, without '-': jimeng.api.key's is "key", and
        // jimeng.providers.{name}.notify-signing-secret's "notifysigningsecret", which is not among Camel's own.
        main.configure().setAdditionalSensitiveKeywords("key,notifysigningsecret");
        main.addMainListener(new AppLifecycle(JimengFetcherApplication.class));
        return main;
    }
}

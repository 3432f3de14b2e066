package io.github.jimengfetcher;

import org.apache.camel.main.Main;

/** Starts jimeng-fetcher: the routes in ./routes, the settings in ./application.properties. */
public final class JimengFetcherApplication {

    /** Settings live beside the routes so users change them without rebuilding; the jar's copy is the fallback. */
    static final String SETTINGS = "file:application.properties;optional=true,classpath:application.properties;optional=true";

    private JimengFetcherApplication() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(JimengFetcherApplication.class);
        main.setPropertyPlaceholderLocations(SETTINGS);
        main.addMainListener(new StartupSettings());
        main.run(args);
    }
}

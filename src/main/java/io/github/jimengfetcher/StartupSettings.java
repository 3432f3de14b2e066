package io.github.jimengfetcher;

import java.net.URI;
import java.util.Locale;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the API settings before any route starts: a configured API needs a key;
 * no API at all means the demo, which is said loudly and served by {@link DemoGateway}.
 */
public class StartupSettings extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(StartupSettings.class);

    private DemoGateway demo;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        applyApiTimeouts(properties);
        String baseUrl = properties.resolveProperty("jimeng.base-url").orElse("").strip();
        String apiKey = properties.resolveProperty("jimeng.api-key").orElse("").strip();
        if (baseUrl.isEmpty()) {
            startDemo(properties);
            return;
        }
        URI uri;
        try {
            uri = URI.create(baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("jimeng.base-url is not a URL: '" + baseUrl + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalStateException("jimeng.base-url must be an http(s) URL such as https://api.example.com, not '" + baseUrl + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalStateException("jimeng.base-url must be a plain API root without user, query or fragment");
        }
        if (apiKey.isEmpty()) {
            throw new IllegalStateException("jimeng.base-url is set but jimeng.api-key is empty: set the key in application.properties "
                    + "or in the environment variable JIMENG_API_KEY");
        }
        // Routes append /jimeng/fetch/{id}: one slash only.
        properties.addOverrideProperty("jimeng.base-url", baseUrl.replaceAll("/+$", ""));
        LOG.info("Fetching tasks from {}", baseUrl);
    }

    /**
     * The API's timeouts are jimeng.* settings in Camel's duration forms (so an environment
     * variable can set them); the HTTP component takes milliseconds.
     */
    private static void applyApiTimeouts(PropertiesComponent properties) {
        long connect = millis(properties, "jimeng.api.connect-timeout", "10s");
        long read = millis(properties, "jimeng.api.read-timeout", "30s");
        properties.addOverrideProperty("camel.component.http.connect-timeout", String.valueOf(connect));
        properties.addOverrideProperty("camel.component.http.so-timeout", String.valueOf(read));
        properties.addOverrideProperty("camel.component.http.response-timeout", String.valueOf(read));
        properties.addOverrideProperty("camel.component.http.connection-request-timeout", String.valueOf(read));
    }

    private static long millis(PropertiesComponent properties, String key, String fallback) {
        String value = properties.resolveProperty(key).orElse(fallback).strip();
        long millis;
        try {
            millis = TimeUtils.toMilliSeconds(value);
        } catch (IllegalArgumentException e) {
            millis = 0;
        }
        if (millis <= 0) {
            throw new IllegalStateException(key + " must be a duration such as 500ms, 10s or 2m, not '" + value + "'");
        }
        return millis;
    }

    private void startDemo(PropertiesComponent properties) {
        long taskTime = TimeUtils.toMilliSeconds(properties.resolveProperty("jimeng.demo.task-time").orElse("15s"));
        try {
            demo = DemoGateway.start(taskTime);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start the demo simulator: " + e.getMessage(), e);
        }
        properties.addOverrideProperty("jimeng.base-url", demo.baseUrl());
        properties.addOverrideProperty("jimeng.api-key", DemoGateway.DEMO_KEY);
        LOG.warn("");
        LOG.warn("*****************************************************************************************");
        LOG.warn("*  DEMO MODE: jimeng.base-url is not set, so tasks are fetched from a built-in simulator  *");
        LOG.warn("*  at {}. Nothing real is downloaded.", demo.baseUrl());
        LOG.warn("*  Drop a file named like 'cgt-demo-1' into the inbox and watch output/ fill up.");
        LOG.warn("*  Set jimeng.base-url and jimeng.api-key (or JIMENG_BASE_URL, JIMENG_API_KEY) for the real API.");
        LOG.warn("*****************************************************************************************");
        LOG.warn("");
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (demo != null) {
            demo.close();
        }
    }
}

package io.github.jimengfetcher;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.ApiEndpoint;
import io.github.jimengfetcher.api.ApiRequestLimits;
import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.config.ByteSizes;
import io.github.jimengfetcher.config.EnvironmentSettings;
import io.github.jimengfetcher.config.SettingChecks;
import io.github.jimengfetcher.demo.DemoGateway;
import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.log.LogFormat;

/**
 * Checks the settings before any piece is made or route starts ({@link SettingChecks}); a
 * configured API needs a key; no API at all means the demo, which is said loudly and served by
 * {@link DemoGateway}. What the routes need of the API goes into the registry as Java objects
 * ({@code apiEndpoint}, {@code apiRequestLimits}), never by rewriting a setting: a user's
 * environment variable would win over the rewritten value.
 */
public class StartupSettings extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(StartupSettings.class);

    private DemoGateway demo;
    private ApiRequestLimits limits;

    /** As early as settings can be read: an empty environment variable means the settings file's value. */
    @Override
    public void beforeInitialize(BaseMainSupport main) {
        EnvironmentSettings.install(main.getCamelContext().getPropertiesComponent());
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        Registry registry = main.getCamelContext().getRegistry();
        SettingChecks.check(properties);
        LogFormat.apply(value(properties, LogFormat.SETTING), main.getCamelContext());

        String baseUrl = value(properties, "jimeng.api.base-url");
        ApiEndpoint api = baseUrl.isEmpty()
                ? startDemo(properties)
                : ApiEndpoint.of(baseUrl, value(properties, "jimeng.api.key"));
        registry.bind("apiEndpoint", api);

        limits = new ApiRequestLimits(
                millis(properties, "jimeng.api.connect-timeout"),
                millis(properties, "jimeng.api.read-timeout"),
                millis(properties, "jimeng.api.request-timeout"),
                ByteSizes.parse(value(properties, "jimeng.api.max-answer-size")),
                Integer.parseInt(value(properties, "jimeng.fetch.max-concurrent")),
                api.authorization());
        registry.bind("apiRequestLimits", limits);
        // The pace of the fetches, learned from the API's answers: the claims keep to it (DueWork).
        FetchPace pace = new FetchPace(Integer.parseInt(value(properties, "jimeng.fetch.max-concurrent")));
        limits.setPace(pace);
        registry.bind("fetchPace", pace);
        if (demo == null) {
            LOG.info("Fetching tasks from {}", api.baseUrl());
        }
    }

    private static String value(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).orElse("").strip();
    }

    private static long millis(PropertiesComponent properties, String key) {
        return TimeUtils.toMilliSeconds(value(properties, key));
    }

    private ApiEndpoint startDemo(PropertiesComponent properties) {
        try {
            demo = DemoGateway.start(millis(properties, "jimeng.demo.task-time"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start the demo simulator: " + e.getMessage(), e);
        }
        LOG.warn("");
        LOG.warn("*****************************************************************************************");
        LOG.warn("*  DEMO MODE: jimeng.api.base-url is not set, so tasks are fetched from a built-in simulator  *");
        LOG.warn("*  at {}. Nothing real is downloaded.", demo.baseUrl());
        LOG.warn("*  Drop a file named like 'cgt-demo-1' into the inbox and watch output/ fill up.");
        LOG.warn("*  Set jimeng.api.base-url and jimeng.api.key (or JIMENG_API_BASE_URL, JIMENG_API_KEY) for the real API.");
        LOG.warn("*****************************************************************************************");
        LOG.warn("");
        return ApiEndpoint.of(demo.baseUrl(), DemoGateway.DEMO_KEY);
    }

    /** The pace, once every bean is there: the claims keep to it, and a 429 without Retry-After slows it. */
    @Override
    public void afterConfigure(BaseMainSupport main) {
        Registry registry = main.getCamelContext().getRegistry();
        FetchPace pace = registry.lookupByNameAndType("fetchPace", FetchPace.class);
        DueWork dueWork = registry.lookupByNameAndType("dueWork", DueWork.class);
        ApiHealth apiHealth = registry.lookupByNameAndType("apiHealth", ApiHealth.class);
        if (pace != null && dueWork != null && apiHealth != null) {
            dueWork.setFetchPace(pace);
            apiHealth.setPace(pace);
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (demo != null) {
            demo.close();
        }
        if (limits != null) {
            limits.close();
        }
    }
}

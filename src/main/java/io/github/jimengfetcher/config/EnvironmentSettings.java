package io.github.jimengfetcher.config;

import org.apache.camel.Ordered;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.util.IOHelper;

/**
 * Environment variables as settings (JIMENG_API_BASE_URL for jimeng.api.base-url), ahead of the
 * settings file, the way Camel reads them, but an empty variable counts as not set: the file's
 * value applies. (Camel's own lookup lets an empty variable win, so `JIMENG_API_BASE_URL=` would
 * mean an empty base URL rather than the default.)
 */
public final class EnvironmentSettings implements PropertiesSource, Ordered {

    /** Replaces Camel's lookup of environment variables with this one. */
    public static void install(PropertiesComponent properties) {
        if (properties instanceof org.apache.camel.component.properties.PropertiesComponent camel) {
            camel.setEnvironmentVariableMode(org.apache.camel.component.properties.PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        }
        properties.addPropertiesSource(new EnvironmentSettings());
    }

    @Override
    public String getName() {
        return "ENV";
    }

    @Override
    public String getProperty(String name) {
        String value = IOHelper.lookupEnvironmentVariable(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** Just after the values given under old names (RenamedSettings), which were decided with the environment in view. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST + 1;
    }
}

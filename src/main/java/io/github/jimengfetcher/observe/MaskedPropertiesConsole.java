package io.github.jimengfetcher.observe;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.camel.impl.console.PropertiesDevConsole;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.util.json.JsonObject;

/**
 * Camel's "properties" console (what Camel JBang's CLI connector writes to its status file under
 * ~/.camel) with the value of every secret masked. Camel 4.18 masks them in the console's text
 * form only; its JSON form, the one written to that file, carried the API key, the store's
 * password and the HTTP token in plain text.
 */
public class MaskedPropertiesConsole extends PropertiesDevConsole {

    static final String MASK = "xxxxxx";

    @Override
    protected JsonObject doCallJson(Map<String, Object> options) {
        JsonObject json = super.doCallJson(options);
        if (json.get("properties") instanceof Collection<?> properties) {
            for (Object property : properties) {
                if (property instanceof Map<?, ?> entry && entry.get("key") instanceof String key && CamelContextHelper.containsSensitive(getCamelContext(), key)) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> values = (Map<String, Object>) entry;
                    for (String field : List.of("value", "originalValue", "defaultValue")) {
                        values.computeIfPresent(field, (name, value) -> MASK);
                    }
                }
            }
        }
        return json;
    }
}

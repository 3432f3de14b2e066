package io.github.jimengfetcher.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings file the app ships, read through Camel's properties into the typed groups. */
class AppSettingsTest {

    /** application.properties with these values over it, resolved as the running app resolves them. */
    private static AppSettings read(Map<String, String> overrides) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            PropertiesComponent properties = context.getPropertiesComponent();
            properties.setLocation("file:application.properties");
            Properties over = new Properties();
            over.putAll(overrides);
            properties.setOverrideProperties(over);
            return AppSettings.read(properties);
        }
    }

    @Test
    void theShippedDefaultsArriveAsDurationsSizesAndLists() throws Exception {
        AppSettings settings = read(Map.of());
        assertEquals(Duration.ofSeconds(10), settings.fetch().interval());
        assertEquals(Duration.ofSeconds(2), settings.fetch().minInterval(), "derived: the interval / 5");
        assertEquals(Duration.ofMinutes(1), settings.fetch().maxInterval(), "derived: 6 x the interval");
        assertEquals(List.of(Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(23)), settings.fetch().timeoutRechecks());
        assertEquals(2L << 30, settings.download().maxSize());
        assertEquals(10L << 10, settings.download().minSpeed());
        assertEquals(Duration.ofMinutes(10), settings.inbox().followUpTime());
        assertEquals(List.of(), settings.kafka().brokers());
        assertFalse(settings.kafka().enabled());
        assertEquals(List.of(), settings.http().allowedHosts());
        assertEquals(1L << 30, settings.health().minFreeSpace());
        assertTrue(settings.api().demo(), "no base URL: the demo");
    }

    @Test
    void placeholdersAndCommaListsAreResolvedBeforeTheyAreTyped() throws Exception {
        AppSettings settings = read(Map.of(
                "jimeng.fetch.task-timeout", "{{jimeng.fetch.retry-max-delay}}",
                "jimeng.download.allowed-hosts", " cdn.example.com , other.example.com,",
                "jimeng.kafka.brokers", "kafka-1:9092, kafka-2:9092",
                "jimeng.inbox.max-file-size", "512KB",
                "jimeng.fetch.min-interval", "3s"));
        assertEquals(Duration.ofMinutes(5), settings.fetch().taskTimeout());
        assertEquals(List.of("cdn.example.com", "other.example.com"), settings.download().allowedHosts());
        assertEquals(List.of("kafka-1:9092", "kafka-2:9092"), settings.kafka().brokers());
        assertEquals(512L << 10, settings.inbox().maxFileSize());
        assertEquals(Duration.ofSeconds(3), settings.fetch().minInterval(), "set, not derived");
    }

    @Test
    void aBadValueStopsTheReadWithOneLineNamingItsKeyAndVariable() {
        IllegalStateException bad = assertThrows(IllegalStateException.class,
                () -> read(Map.of("jimeng.download.stall-timeout", "30")));
        assertEquals("jimeng.download.stall-timeout=30 has no unit: write 30s, 30ms, 5m, 2h, ... "
                + "(environment variable JIMENG_DOWNLOAD_STALL_TIMEOUT)", bad.getMessage());
        IllegalStateException list = assertThrows(IllegalStateException.class,
                () -> read(Map.of("jimeng.fetch.timeout-recheck", "1h,soon")));
        assertTrue(list.getMessage().startsWith("jimeng.fetch.timeout-recheck=1h,soon 'soon' is not a duration"), list.getMessage());
    }

    @Test
    void secretsStayOutOfTheGroupsPrintedForm() throws Exception {
        AppSettings settings = read(Map.of("jimeng.api.key", "sk-secret-1", "jimeng.store.password", "pw-secret-2",
                "jimeng.http.token", "token-secret-3-long-enough"));
        String printed = settings.toString();
        assertFalse(printed.contains("secret"), printed);
        assertEquals("sk-secret-1", settings.api().key());
    }
}

package io.github.jimengfetcher;

import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.main.Main;

import io.github.jimengfetcher.support.RunningApp;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** A start that must fail: the app run in the calling thread with the test settings plus some. */
final class StartFailures {

    private StartFailures() {
    }

    /** @return the one line main() prints before it exits with code 2 */
    static String reason(Path root, String apiBaseUrl, Map<String, String> extra) {
        Map<String, String> settings = RunningApp.testSettings(root, apiBaseUrl);
        settings.putAll(extra);
        Main main = JimengFetcherApplication.create();
        settings.forEach(main::addOverrideProperty);
        Exception failure = assertThrows(Exception.class, main::run, extra + " must stop the start");
        return JimengFetcherApplication.reason(failure);
    }
}

package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bean a route names ({@code ref: name} with {@code method: "m(...)"}) exists in the running
 * app with a public method of that name: a renamed method or bean would otherwise fail only when
 * its branch first runs, inside a fault handler perhaps.
 */
class RouteBeansTest extends AppTestSupport {

    private static final Pattern REF_THEN_METHOD = Pattern.compile("ref: (\\w+)\\s*\\n\\s*method: \"?(\\w+)");

    @Test
    void everyBeanMethodTheRoutesCallExists() throws Exception {
        startApp(Map.of());
        List<String> missing = new ArrayList<>();
        int checked = 0;
        List<Path> files;
        try (Stream<Path> listed = Stream.concat(Files.list(Path.of("routes")), Files.list(Path.of("routes/examples")))) {
            files = listed.filter(p -> p.toString().endsWith(".yaml")).toList();
        }
        for (Path file : files) {
            Matcher call = REF_THEN_METHOD.matcher(Files.readString(file));
            while (call.find()) {
                checked++;
                Object bean = app.context().getRegistry().lookupByName(call.group(1));
                String method = call.group(2);
                if (bean == null) {
                    missing.add(file + ": no bean '" + call.group(1) + "'");
                } else if (Arrays.stream(bean.getClass().getMethods()).noneMatch(m -> m.getName().equals(method))) {
                    missing.add(file + ": " + call.group(1) + " (" + bean.getClass().getSimpleName() + ") has no method " + method);
                }
            }
        }
        assertTrue(checked > 30, "found the calls: " + checked);
        assertTrue(missing.isEmpty(), String.join("\n", missing));
    }
}

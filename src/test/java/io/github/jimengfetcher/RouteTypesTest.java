package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.config.TypeAliases;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.support.AppTestSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routes name the app's classes only by the short names of {@link RouteTypes}, so moving a class to
 * another package leaves every route file as it is.
 */
class RouteTypesTest extends AppTestSupport {

    private static final Pattern TYPE_CONSTANT = Pattern.compile("\\$\\{type:([\\w.]+)\\.(\\w+)}");
    private static final Pattern CAUGHT = Pattern.compile("exception:\\s*\\n((?:\\s*- [\\w.$]+\\s*\\n)+)");

    @Test
    void routeFilesNameNoPackageOfTheApp() throws Exception {
        List<String> naming = new ArrayList<>();
        for (Path file : routeFiles()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("io.github.jimengfetcher")) {
                    naming.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertTrue(naming.isEmpty(), "route files name a package of the app; use the short names of RouteTypes:\n"
                + String.join("\n", naming));
    }

    /** Camel itself, in the running app, finds each class and constant by the name the routes give it. */
    @Test
    void theRunningAppResolvesEveryShortNameTheRoutesUse() throws Exception {
        startApp(Map.of());
        Exchange exchange = new DefaultExchange(app.context());
        int constants = 0;
        int caught = 0;
        int typeExpressions = 0;
        for (Path file : routeFiles()) {
            String routes = Files.readString(file);
            typeExpressions += routes.split("\\$\\{type:", -1).length - 1;
            Matcher constant = TYPE_CONSTANT.matcher(routes);
            while (constant.find()) {
                Object value = app.context().resolveLanguage("simple").createExpression(constant.group()).evaluate(exchange, Object.class);
                Class<?> type = TypeAliases.aliases(RouteTypes.NAMED).get(constant.group(1));
                assertTrue(type != null, file + ": " + constant.group() + " names no class of RouteTypes");
                assertEquals(type.getField(constant.group(2)).get(null), value, file + ": " + constant.group());
                constants++;
            }
            Matcher list = CAUGHT.matcher(routes);
            while (list.find()) {
                for (String line : list.group(1).strip().split("\\n")) {
                    String name = line.strip().substring(2);
                    assertTrue(Throwable.class.isAssignableFrom(app.context().getClassResolver().resolveMandatoryClass(name)), name);
                    caught++;
                }
            }
        }
        assertTrue(constants > 0, "the routes branch on constants");
        assertEquals(typeExpressions, constants, "every ${type:...} of the routes was resolved");
        assertTrue(caught >= 4, "exceptions the routes catch: " + caught);
        assertEquals(StoreUnavailableException.class, app.context().getClassResolver().resolveMandatoryClass("StoreUnavailableException"));
    }

    private static List<Path> routeFiles() throws Exception {
        try (Stream<Path> listed = Stream.concat(Files.list(Path.of("routes")), Files.list(Path.of("routes", "examples")))) {
            return listed.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}

package io.github.jimengfetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.config.TypeAliases;
import io.github.jimengfetcher.task.FailureClass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The failure classes are one list: the enum, the table of docs/operating.md, and the constants the routes branch on. */
class FailureClassTest {

    @Test
    void theOperatingDocsTableListsExactlyTheFailureClasses() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("docs", "operating.md"));
        int header = lines.indexOf("| `reason_class` | why the task failed | `reason` |");
        assertFalse(header < 0, "docs/operating.md has the reason_class table");
        Set<String> listed = new TreeSet<>();
        Pattern row = Pattern.compile("^\\| `([a-z_]+)` \\|");
        for (String line : lines.subList(header + 2, lines.size())) {
            Matcher m = row.matcher(line);
            if (!m.find()) {
                break;
            }
            listed.add(m.group(1));
        }
        Set<String> classes = Arrays.stream(FailureClass.values()).map(FailureClass::wireName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(classes, listed);
    }

    @Test
    void wireNamesAreTheRecordsLowerCaseNames() {
        assertEquals("api_failure", FailureClass.API_FAILURE.wireName());
        assertEquals("video_unavailable", FailureClass.VIDEO_UNAVAILABLE.wireName());
    }

    /** A choice compares a decision with ${type:...} constants (short names, RouteTypes); a misspelt one would throw only once a task reaches it. */
    @Test
    void everyConstantTheRoutesBranchOnExists() throws Exception {
        Pattern constant = Pattern.compile("\\$\\{type:([\\w.]+)\\.(\\w+)}");
        Map<String, Class<?>> named = TypeAliases.aliases(RouteTypes.NAMED);
        int found = 0;
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Matcher m = constant.matcher(Files.readString(file));
                while (m.find()) {
                    Class<?> type = named.get(m.group(1));
                    assertNotNull(type, file + ": " + m.group() + " names no class of RouteTypes");
                    assertNotNull(type.getField(m.group(2)).get(null), file + ": " + m.group());
                    found++;
                }
            }
        }
        assertFalse(found == 0, "the routes branch on decision constants");
    }
}

package io.github.jimengfetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings table of docs/settings.md against application.properties, so they cannot drift:
 * every setting, in file order, with its default and environment variable.
 */
class SettingsDocTest {

    private static final Path PROPERTIES = Path.of("application.properties");
    private static final Path FULL_TABLE = Path.of("docs", "settings.md");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z][a-z0-9.-]*)`\\s*\\|([^|]*)\\|(.*)$");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    /** The settings as the app reads them: key to value, in file order, comments skipped. */
    static Map<String, String> settings() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PROPERTIES)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            assertTrue(eq > 0, "not a key=value line in application.properties: " + line);
            settings.put(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip());
        }
        return settings;
    }

    /** Rows of the settings table in a Markdown file: key to its cells after the key. */
    static Map<String, List<String>> table(Path doc) throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.matches("^\\|\\s*(setting|property)\\s*\\|\\s*default\\s*\\|.*")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.startsWith("|")) {
                inTable = false;
            }
            Matcher row = ROW.matcher(line);
            if (inTable && row.matches()) {
                List<String> cells = new ArrayList<>();
                cells.add(row.group(2).strip());
                for (String cell : row.group(3).split("\\|")) {
                    cells.add(cell.strip());
                }
                assertFalse(rows.containsKey(row.group(1)), doc + " lists " + row.group(1) + " twice");
                rows.put(row.group(1), cells);
            }
        }
        return rows;
    }

    /** "empty ..." is the empty value; otherwise the first `code` span is the value. */
    static String documentedDefault(String cell) {
        if (cell.startsWith("empty")) {
            return "";
        }
        Matcher code = CODE.matcher(cell);
        return code.find() ? code.group(1) : cell;
    }

    static String environmentVariable(String key) {
        if (!key.startsWith("jimeng.") && !key.startsWith("camel.main.")) {
            return "-";
        }
        return "`" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + "`";
    }

    @Test
    void everySettingIsInTheTableWithItsDefaultAndEnvironmentVariable() throws IOException {
        Map<String, String> settings = settings();
        Map<String, List<String>> table = table(FULL_TABLE);

        List<String> missing = new ArrayList<>();
        settings.forEach((key, value) -> {
            if (!table.containsKey(key)) {
                missing.add("| `" + key + "` | " + (value.isEmpty() ? "empty" : "`" + value + "`") + " | "
                        + environmentVariable(key) + " | (what it does) |");
            }
        });
        assertTrue(missing.isEmpty(), "settings missing from the table in " + FULL_TABLE + ", add:\n" + String.join("\n", missing));

        for (Map.Entry<String, List<String>> row : table.entrySet()) {
            String key = row.getKey();
            assertTrue(settings.containsKey(key), FULL_TABLE + " lists " + key + ", which application.properties does not have");
            assertEquals(settings.get(key), documentedDefault(row.getValue().get(0)), "default of " + key + " in " + FULL_TABLE);
            assertEquals(environmentVariable(key), row.getValue().get(1), "environment variable of " + key + " in " + FULL_TABLE);
            assertFalse(row.getValue().get(2).isBlank(), "meaning of " + key + " in " + FULL_TABLE);
        }
        assertEquals(List.copyOf(settings.keySet()), List.copyOf(table.keySet()), "the table follows the order of application.properties");
    }

    /** Each provider's own root and key are one pair per provider file: a pattern, documented as one, not rows of the file. */
    @Test
    void thePerProviderSettingsAreDocumentedAsTheirPattern() throws IOException {
        String doc = Files.readString(FULL_TABLE);
        for (String pattern : List.of("`jimeng.providers.{name}.base-url`", "`JIMENG_PROVIDERS_{NAME}_BASE_URL`",
                "`jimeng.providers.{name}.api-key`", "`JIMENG_PROVIDERS_{NAME}_API_KEY`")) {
            assertTrue(doc.contains(pattern), FULL_TABLE + " documents " + pattern);
        }
        assertEquals("JIMENG_PROVIDERS_NEW_API_API_KEY",
                io.github.jimengfetcher.config.ProviderSettings.environmentVariable(io.github.jimengfetcher.config.ProviderSettings.apiKeySetting("new-api")));
        assertFalse(settings().keySet().stream().anyMatch(key -> key.startsWith("jimeng.providers.")),
                "per-provider settings are a pattern, not lines of application.properties");
    }

    /** Rows of the old names' table: old name to its cells after it. */
    static Map<String, List<String>> oldNamesTable(Path doc) throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(doc)) {
            if (line.matches("^\\|\\s*old name\\s*\\|.*")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.startsWith("|")) {
                inTable = false;
            }
            Matcher row = ROW.matcher(line);
            if (inTable && row.matches()) {
                List<String> cells = new ArrayList<>();
                cells.add(row.group(2).strip());
                for (String cell : row.group(3).split("\\|")) {
                    cells.add(cell.strip());
                }
                rows.put(row.group(1), cells);
            }
        }
        return rows;
    }

    @Test
    void everyOldNameIsDocumentedBesideItsNewNameAndEnvironmentVariable() throws IOException {
        Map<String, String> settings = settings();
        Map<String, List<String>> table = oldNamesTable(FULL_TABLE);
        io.github.jimengfetcher.config.RenamedSettings.NEW_BY_OLD.forEach((old, key) -> {
            assertTrue(settings.containsKey(key), "the new name " + key + " of " + old + " is in application.properties");
            assertFalse(settings.containsKey(old), "the old name " + old + " is no longer in application.properties");
            assertTrue(table.containsKey(old), FULL_TABLE + " lists the old name " + old + " in its table of old names");
            assertTrue(table.get(old).get(0).startsWith(environmentVariable(old)), "old environment variable of " + old + " in " + FULL_TABLE);
            assertEquals("`" + key + "`", table.get(old).get(1), "new name of " + old + " in " + FULL_TABLE);
        });
        assertEquals(List.copyOf(io.github.jimengfetcher.config.RenamedSettings.NEW_BY_OLD.keySet()), List.copyOf(table.keySet()),
                "the table of old names is the list, in its order");
    }
}

package io.github.jimengfetcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs against the repository, so they cannot drift: the README's route map names every route
 * file, docs/internals.md every Java package, and every relative link in README.md and docs/ leads to
 * a file (and heading) that exists. The settings table is SettingsDocTest's.
 */
class DocsTest {

    private static final Path README = Path.of("README.md");
    private static final Path DOCS = Path.of("docs");
    private static final Path SOURCES = Path.of("src", "main", "java", "io", "github", "jimengfetcher");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void theRouteMapNamesEveryRouteFile() throws IOException {
        String map = section(Files.readAllLines(README), "## Route map");
        Set<String> named = codeSpans(map);
        List<String> missing = new ArrayList<>();
        for (Path folder : List.of(Path.of("routes"), Path.of("routes", "examples"))) {
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(Files::isRegularFile)
                        .map(f -> folder.resolve(f.getFileName()).toString().replace('\\', '/'))
                        .filter(f -> !named.contains(f))
                        .forEach(missing::add);
            }
        }
        assertTrue(missing.isEmpty(), "route files missing from the route map in " + README + ": " + missing);
    }

    @Test
    void internalsNamesEveryJavaPackage() throws IOException {
        String packages = section(Files.readAllLines(DOCS.resolve("internals.md")), "## Packages");
        Set<String> named = codeSpans(packages);
        List<String> missing = new ArrayList<>();
        try (Stream<Path> folders = Files.walk(SOURCES)) {
            folders.filter(Files::isDirectory).filter(f -> !f.equals(SOURCES)).forEach(folder -> {
                String name = SOURCES.relativize(folder).toString().replace('\\', '/').replace('/', '.');
                if (!named.contains(name)) {
                    missing.add(name);
                }
            });
        }
        assertTrue(missing.isEmpty(), "Java packages missing from the package table of docs/internals.md: " + missing);
    }

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(README));
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : pages) {
            Matcher link = LINK.matcher(prose(Files.readAllLines(page)));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto:: not a file of the repository
                }
                links++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no such heading)");
                }
            }
        }
        assertTrue(links > 0, "no relative link found: the pattern is wrong");
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }

    /** The lines under a heading, up to the next heading of the same or a higher level. */
    private static String section(List<String> lines, String heading) {
        int start = lines.indexOf(heading);
        assertTrue(start >= 0, "no heading '" + heading + "'");
        Pattern sameOrHigher = Pattern.compile("^#{1," + heading.indexOf(' ') + "} .*");
        StringBuilder text = new StringBuilder();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (sameOrHigher.matcher(line).matches()) {
                break;
            }
            text.append(line).append('\n');
        }
        return text.toString();
    }

    private static Set<String> codeSpans(String text) {
        Set<String> spans = new HashSet<>();
        Matcher code = CODE.matcher(text);
        while (code.find()) {
            spans.add(code.group(1));
        }
        return spans;
    }

    /** The page without fenced code blocks and code spans, where brackets are not links. */
    private static String prose(List<String> lines) {
        StringBuilder text = new StringBuilder();
        boolean fenced = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                text.append(CODE.matcher(line).replaceAll("code")).append('\n');
            }
        }
        return text.toString();
    }

    /** The anchors a Markdown renderer gives a page's headings (GitHub's rule: lower case, punctuation dropped, spaces as dashes). */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher heading = Pattern.compile("^#{1,6} (.*)$").matcher(line);
            if (fenced || !heading.matches()) {
                continue;
            }
            String slug = heading.group(1).strip().toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int count = seen.merge(slug, 1, Integer::sum);
            anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
        }
        return anchors;
    }
}

package io.github.jimengfetcher.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** What an app's output folder says about its tasks. */
public final class OutputTree {

    private OutputTree() {
    }

    /** The ids with a record in output/results or output/failed (temporary files left out). */
    public static Set<String> finishedIds(Path output) throws IOException {
        Set<String> ids = new HashSet<>();
        for (String folder : List.of("results", "failed")) {
            Path dir = output.resolve(folder);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(f -> f.getFileName().toString())
                            .filter(n -> n.endsWith(".json") && !n.startsWith("."))
                            .forEach(n -> ids.add(n.substring(0, n.length() - 5)));
                }
            }
        }
        return ids;
    }
}

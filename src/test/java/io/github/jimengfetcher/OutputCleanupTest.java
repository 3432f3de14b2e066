package io.github.jimengfetcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.AppTestSupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A start removes what a dead run left half-written, and nothing else of the output tree. */
class OutputCleanupTest extends AppTestSupport {

    @Test
    void aStartRemovesOnlyTheAppsOwnTemporaryFiles() throws Exception {
        Path output = root.resolve("output");
        List<Path> users = List.of(
                output.resolve("results/.keep"), output.resolve("videos/.DS_Store"), output.resolve("failed/notes.txt"),
                output.resolve("rejected/.keep"), output.resolve("results/.my-notes.tmp"), output.resolve("videos/.cgt-x.json.tmp"),
                output.resolve("results/cgt-done.json"), output.resolve("results/.cgt-x@.json.tmp"),
                output.resolve("results/.write-probe-2.tmp"), output.resolve("failed/.not an id@other.json.tmp"));
        List<Path> leftovers = List.of(
                output.resolve("results/.cgt-x.json.tmp"), output.resolve("failed/.cgt-y.json.tmp"),
                output.resolve("videos/.cgt-x.mp4.tmp"), output.resolve("results/.write-probe.tmp"),
                output.resolve("rejected/.list.txt.20250101-101010123.json.tmp"),
                // named for the instance that wrote them: with the local journal there is one instance, any earlier one's go too
                output.resolve("results/.cgt-x@studio-1-4711.json.tmp"), output.resolve("failed/.cgt-y@other.json.tmp"),
                output.resolve("videos/.cgt-x@other.mp4.tmp"), output.resolve("results/.write-probe@other.tmp"),
                output.resolve("rejected/.a@b.txt.20250101-101010123@other.json.tmp"));
        for (Path file : users) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "mine");
        }
        for (Path file : leftovers) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "half");
        }

        startApp(Map.of());

        for (Path file : users) {
            assertTrue(Files.exists(file), file + " is the user's and stays");
        }
        for (Path file : leftovers) {
            assertFalse(Files.exists(file), file + " was half-written by the app and is removed");
        }
    }
}

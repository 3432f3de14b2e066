package io.github.jimengfetcher.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.Videos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The checksum of a part file that grows while it is hashed. */
class PartHasherTest {

    @TempDir
    Path dir;
    private final ExecutorService finishing = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        finishing.shutdownNow();
    }

    @Test
    void theChecksumOfAGrowingFileIsTheChecksumOfTheWholeFile() throws Exception {
        byte[] video = Videos.mp4(11 << 20, 5); // more than two hashing steps
        Path part = dir.resolve("cgt-1.mp4.part");
        AtomicLong written = new AtomicLong();
        PartHasher hasher = new PartHasher(part, finishing, written::get);
        int chunk = 256 * 1024;
        for (int at = 0; at < video.length; at += chunk) {
            int n = Math.min(chunk, video.length - at);
            Files.write(part, java.util.Arrays.copyOfRange(video, at, at + n), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            hasher.wrote(written.addAndGet(n));
        }
        assertEquals(Videos.sha256(video), hasher.digestUpTo(video.length));
        hasher.close();
    }

    @Test
    void aHasherClosedByTheTransferEndReadsNoMore() throws Exception {
        Path part = Files.write(dir.resolve("cgt-1.mp4.part"), Videos.mp4(1000, 6));
        PartHasher hasher = new PartHasher(part, finishing, () -> 1000);
        hasher.close();
        assertThrows(IOException.class, () -> hasher.hashUpTo(1000));
    }
}

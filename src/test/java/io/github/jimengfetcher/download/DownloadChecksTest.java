package io.github.jimengfetcher.download;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.Videos;
import io.github.jimengfetcher.task.TaskId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checks on a finished transfer, on real part files. */
class DownloadChecksTest {

    private static final TaskId ID = TaskId.of("cgt-1");
    private static final byte[] VIDEO = Videos.mp4(40_000, 3);

    @TempDir
    Path dir;
    private PartFile part;

    @BeforeEach
    void partFile() {
        part = new PartFile(dir.resolve("cgt-1.mp4.part"));
    }

    private void onDisk(byte[] bytes) throws Exception {
        Files.write(part.path(), bytes);
        part.rememberTotal(VIDEO.length);
    }

    @Test
    void aWholeVideoAsLongAsAnnouncedPasses() throws Exception {
        onDisk(VIDEO);
        assertEquals(Optional.empty(), DownloadChecks.problem(ID, part, VIDEO.length, VIDEO.length));
        assertEquals(Optional.empty(), DownloadChecks.problem(ID, part, VIDEO.length, -1), "no length announced");
    }

    @Test
    void aShortTransferIsRetriedWithItsBytesKept() throws Exception {
        onDisk(Arrays.copyOf(VIDEO, 10_000));
        DownloadResult result = DownloadChecks.problem(ID, part, 10_000, VIDEO.length).orElseThrow();
        assertEquals(DownloadResult.Outcome.RETRY, result.outcome());
        assertEquals("transfer cut short: 10000 of 40000 bytes", result.detail());
        assertTrue(Files.exists(part.path()), "the next attempt resumes from these bytes");
    }

    @Test
    void aCutShortVideoWithoutAnnouncedLengthIsRetriedNotRefused() throws Exception {
        onDisk(Arrays.copyOf(VIDEO, 10_000));
        DownloadResult result = DownloadChecks.problem(ID, part, 10_000, -1).orElseThrow();
        assertEquals(DownloadResult.Outcome.RETRY, result.outcome());
        assertTrue(result.detail().startsWith("transfer ended before the video did: "), result.detail());
        assertTrue(Files.exists(part.path()));
    }

    @Test
    void aPartChangedOnDiskStartsOver() throws Exception {
        onDisk(VIDEO);
        DownloadResult result = DownloadChecks.problem(ID, part, VIDEO.length - 1, VIDEO.length).orElseThrow();
        assertEquals(DownloadResult.Outcome.RETRY, result.outcome());
        assertFalse(Files.exists(part.path()));
        assertFalse(part.announcedTotal().isPresent(), "its remembered total goes with it");
    }

    @Test
    void somethingThatIsNotAnMp4IsRefusedAndDeleted() throws Exception {
        byte[] page = Videos.html("x".repeat(1000));
        onDisk(page);
        DownloadResult result = DownloadChecks.problem(ID, part, page.length, page.length).orElseThrow();
        assertEquals(DownloadResult.Outcome.NOT_VIDEO, result.outcome());
        assertFalse(Files.exists(part.path()));
    }

    @Test
    void a416OnAWholePartMeansTheDownloadIsDone() throws Exception {
        onDisk(VIDEO);
        assertEquals(Optional.empty(), DownloadChecks.nothingLeftToSend(ID, part, VIDEO.length, VIDEO.length));
        assertEquals(Optional.empty(), DownloadChecks.nothingLeftToSend(ID, part, VIDEO.length, -1),
                "no total in the 416: the part is a whole MP4");
        assertTrue(Files.exists(part.path()));
    }

    @Test
    void a416OnAPartOfAnotherLengthStartsOver() throws Exception {
        onDisk(Arrays.copyOf(VIDEO, 10_000));
        DownloadResult result = DownloadChecks.nothingLeftToSend(ID, part, 10_000, VIDEO.length).orElseThrow();
        assertEquals(DownloadResult.Outcome.RETRY, result.outcome());
        assertEquals("storage host refused to resume at byte 10000 (HTTP 416, video is 40000 bytes); starting over", result.detail());
        assertFalse(Files.exists(part.path()));
    }

    @Test
    void a416WithoutTotalOnACutShortPartStartsOver() throws Exception {
        onDisk(Arrays.copyOf(VIDEO, 10_000));
        DownloadResult result = DownloadChecks.nothingLeftToSend(ID, part, 10_000, -1).orElseThrow();
        assertEquals("storage host refused to resume at byte 10000 (HTTP 416); starting over", result.detail());
        assertFalse(Files.exists(part.path()));
    }
}

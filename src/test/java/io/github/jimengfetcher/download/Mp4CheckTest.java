package io.github.jimengfetcher.download;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.download.Mp4Check.Verdict;
import io.github.jimengfetcher.support.Videos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The box walk on real files. */
class Mp4CheckTest {

    @TempDir
    Path dir;

    private Mp4Check.Finding check(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("video.mp4"), bytes);
        return Mp4Check.check(file);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A box of this type with size bytes in all, its content zeros. */
    private static byte[] box(String type, int size) {
        byte[] box = new byte[size];
        System.arraycopy(Videos.boxHeader(size, type), 0, box, 0, 8);
        return box;
    }

    @Test
    void aWholeVideoPasses() throws Exception {
        Mp4Check.Finding finding = check(Videos.mp4(50_000, 1));
        assertEquals(Verdict.WHOLE, finding.verdict(), finding.detail());
    }

    @Test
    void theDemoSamplePasses() throws Exception {
        try (InputStream in = Mp4Check.class.getResourceAsStream("/demo/sample.mp4")) {
            assertEquals(Verdict.WHOLE, check(in.readAllBytes()).verdict());
        }
    }

    @Test
    void aVideoCutAnywhereIsCutShort() throws Exception {
        byte[] video = Videos.mp4(50_000, 2);
        for (int length : new int[] {30_000, 24 + 108 + 4, 24 + 50, 12}) {
            Mp4Check.Finding finding = check(Arrays.copyOf(video, length));
            assertEquals(Verdict.CUT_SHORT, finding.verdict(), length + " bytes: " + finding.detail());
        }
    }

    @Test
    void trailingGarbageIsNotAWholeVideo() throws Exception {
        byte[] video = Videos.mp4(50_000, 3);
        // Binary noise after the last box: no box type there.
        byte[] noise = {0, 0, 0, 16, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        assertEquals(Verdict.NOT_MP4, check(concat(video, noise)).verdict());
        // Text after the last box reads as a box running far past the end: never WHOLE.
        byte[] page = Videos.html("Service temporarily unavailable");
        assertTrue(check(concat(video, page)).verdict() != Verdict.WHOLE);
        // A few stray bytes: not even a box header.
        assertTrue(check(concat(video, new byte[] {1, 2, 3})).verdict() != Verdict.WHOLE);
    }

    @Test
    void aFileWithoutMoovIsNotAVideo() throws Exception {
        Mp4Check.Finding finding = check(concat(box("ftyp", 24), box("free", 16), box("mdat", 5_000)));
        assertEquals(Verdict.NOT_MP4, finding.verdict());
        assertTrue(finding.detail().contains("moov"), finding.detail());
    }

    @Test
    void aLastBoxOfSizeZeroRunsToTheEnd() throws Exception {
        byte[] mdatToTheEnd = box("mdat", 5_000);
        Arrays.fill(mdatToTheEnd, 0, 4, (byte) 0); // size 0: "to the end of the file"
        assertEquals(Verdict.WHOLE, check(concat(box("ftyp", 24), box("moov", 100), mdatToTheEnd)).verdict());
    }

    @Test
    void aSixtyFourBitBoxSizeIsFollowed() throws Exception {
        byte[] large = new byte[16 + 3_000];
        ByteBuffer.wrap(large).putInt(1).put("mdat".getBytes(StandardCharsets.US_ASCII)).putLong(large.length);
        assertEquals(Verdict.WHOLE, check(concat(box("ftyp", 24), box("moov", 100), large)).verdict());
        // The same box cut: its 64-bit size says more than there is.
        assertEquals(Verdict.CUT_SHORT, check(concat(box("ftyp", 24), box("moov", 100), Arrays.copyOf(large, 2_000))).verdict());
        // A 64-bit size smaller than its own header is no box.
        ByteBuffer.wrap(large).putLong(8, 9);
        assertEquals(Verdict.NOT_MP4, check(concat(box("ftyp", 24), box("moov", 100), large)).verdict());
    }

    @Test
    void anHtmlPageIsNotAVideo() throws Exception {
        assertEquals(Verdict.NOT_MP4, check(Videos.html("<h1>403 Forbidden</h1>")).verdict());
        assertEquals(Verdict.NOT_MP4, check(new byte[0]).verdict());
        assertEquals(Verdict.NOT_MP4, check(concat(box("moov", 100), box("ftyp", 24))).verdict(), "ftyp comes first");
    }
}

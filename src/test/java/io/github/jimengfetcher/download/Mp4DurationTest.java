package io.github.jimengfetcher.download;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.support.Videos;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Mp4DurationTest {

    @TempDir
    Path dir;

    @Test
    void aRealVideoSaysItsDurationInItsMovieHeader() throws Exception {
        byte[] sample;
        try (InputStream in = Mp4DurationTest.class.getResourceAsStream("/demo/sample.mp4")) {
            sample = in.readAllBytes();
        }
        assertEquals(Optional.of(Duration.ofSeconds(4)), Mp4Duration.of(Files.write(dir.resolve("sample.mp4"), sample)));
    }

    @Test
    void versionZeroAndVersionOneBoxesWithA64BitMoov() throws Exception {
        // version 0: timescale 600, duration 1500 -> 2.5 s
        ByteBuffer v0 = ByteBuffer.allocate(100);
        v0.put((byte) 0).put(new byte[3]).putInt(0).putInt(0).putInt(600).putInt(1500);
        assertEquals(Optional.of(Duration.ofMillis(2500)), Mp4Duration.of(file("v0.mp4", v0.array(), false)));
        // version 1: timescale 90000, duration 5,000,000,000 units (64 bits) -> 55555.555... s, in a moov with a 64-bit size
        ByteBuffer v1 = ByteBuffer.allocate(112);
        v1.put((byte) 1).put(new byte[3]).putLong(0).putLong(0).putInt(90_000).putLong(5_000_000_000L);
        Duration d = Mp4Duration.of(file("v1.mp4", v1.array(), true)).orElseThrow();
        assertEquals(55_555, d.toSeconds());
        assertEquals(555_555_555, d.toNanosPart());
    }

    @Test
    void noMoovOrNoMvhdOrBrokenBoxesHaveNoDuration() throws Exception {
        assertEquals(Optional.empty(), Mp4Duration.of(Files.write(dir.resolve("html.mp4"), Videos.html("error"))));
        byte[] noMvhd = concat(Videos.boxHeader(24, "ftyp"), new byte[16], Videos.boxHeader(16, "moov"), Videos.boxHeader(8, "free"));
        assertEquals(Optional.empty(), Mp4Duration.of(Files.write(dir.resolve("no-mvhd.mp4"), noMvhd)));
        byte[] cut = concat(Videos.boxHeader(24, "ftyp"), new byte[16], Videos.boxHeader(500, "moov"), Videos.boxHeader(108, "mvhd"));
        assertEquals(Optional.empty(), Mp4Duration.of(Files.write(dir.resolve("cut.mp4"), cut)));
    }

    private Path file(String name, byte[] mvhdContent, boolean largeMoov) throws Exception {
        byte[] mvhd = concat(Videos.boxHeader(8 + mvhdContent.length, "mvhd"), mvhdContent);
        byte[] free = Videos.boxHeader(8, "free");
        byte[] moov;
        if (largeMoov) {
            ByteBuffer header = ByteBuffer.allocate(16).putInt(1).put("moov".getBytes(StandardCharsets.US_ASCII))
                    .putLong(16 + free.length + mvhd.length);
            moov = concat(header.array(), free, mvhd);
        } else {
            moov = concat(Videos.boxHeader(8 + free.length + mvhd.length, "moov"), free, mvhd);
        }
        return Files.write(dir.resolve(name), concat(Videos.boxHeader(24, "ftyp"), new byte[16], moov, Videos.boxHeader(16, "mdat"), new byte[8]));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}

package io.github.jimengfetcher.output;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.config.VideoNameTemplate;
import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.task.TaskId;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publishing a video under a name on real files: a name once taken is never replaced. */
class VideoPublisherTest {

    /** The images the providers' answers name, as the app passes them. */
    private static final Set<String> IMAGES = Set.of("last-frame", "cover");

    @TempDir
    Path root;

    private DownloadResult downloaded(String id, byte[] bytes) throws Exception {
        Path file = Files.createDirectories(root.resolve("work/downloads")).resolve(id + ".mp4");
        Files.write(file, bytes);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return new DownloadResult(DownloadResult.Outcome.COMPLETE, TaskId.of(id), file, bytes.length, sha, "complete");
    }

    private static byte[] video(int round, int writer) {
        byte[] bytes = new byte[4_096 + writer];
        bytes[0] = (byte) round;
        bytes[1] = (byte) writer;
        return bytes;
    }

    /** Two instances sharing the output folder, each publishing another task's video under one name at the same moment. */
    @Test
    void twoWritersPublishingOneNameAtOnceKeepBothVideos() throws Exception {
        Path videos = root.resolve("output/videos");
        VideoPublisher studioA = new VideoPublisher(videos, "studio-a", IMAGES);
        VideoPublisher studioB = new VideoPublisher(videos, "studio-b", IMAGES);
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            race(videos, studioA, studioB, together, writers);
        } finally {
            writers.shutdownNow();
        }
        try (Stream<Path> top = Files.list(videos)) {
            assertEquals(List.of("2025-08-29"), top.map(f -> f.getFileName().toString()).toList(), "no staged file left");
        }
    }

    private void race(Path videos, VideoPublisher studioA, VideoPublisher studioB, CyclicBarrier together, ExecutorService writers)
            throws Exception {
        for (int round = 0; round < 200; round++) {
            String name = "2025-08-29/jimeng-videos/round-" + round + ".mp4";
            String idA = "cgt-a-" + round;
            String idB = "cgt-b-" + round;
            DownloadResult a = downloaded(idA, video(round, 1));
            DownloadResult b = downloaded(idB, video(round, 2));
            CompletableFuture<Path> first = CompletableFuture.supplyAsync(() -> publishTogether(studioA, idA, name, a, together), writers);
            CompletableFuture<Path> second = CompletableFuture.supplyAsync(() -> publishTogether(studioB, idB, name, b, together), writers);
            Path pathA = first.get();
            Path pathB = second.get();

            assertArrayEquals(video(round, 1), Files.readAllBytes(pathA), "round " + round + ": " + pathA);
            assertArrayEquals(video(round, 2), Files.readAllBytes(pathB), "round " + round + ": " + pathB);
            Set<Path> names = new java.util.HashSet<>(List.of(pathA, pathB));
            Path plain = videos.resolve(name);
            Set<Path> expected = pathA.equals(plain)
                    ? Set.of(plain, videos.resolve("2025-08-29/jimeng-videos/round-" + round + "-" + idB + ".mp4"))
                    : Set.of(plain, videos.resolve("2025-08-29/jimeng-videos/round-" + round + "-" + idA + ".mp4"));
            assertEquals(expected, names, "round " + round);
        }
    }

    private static Path publishTogether(VideoPublisher publisher, String id, String name, DownloadResult download, CyclicBarrier together) {
        try {
            together.await();
            return publisher.publish(id, name, download);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aThirdTaskOfOneNameGetsANumberAfterItsId() throws Exception {
        VideoPublisher publisher = new VideoPublisher(root.resolve("output/videos"), "studio-a", IMAGES);
        publisher.publish("cgt-1", "same.mp4", downloaded("cgt-1", video(1, 1)));
        Files.write(root.resolve("output/videos/same-cgt-3.mp4"), video(9, 9));

        Path third = publisher.publish("cgt-3", "same.mp4", downloaded("cgt-3", video(3, 3)));

        assertEquals(root.resolve("output/videos/same-cgt-3-2.mp4"), third);
        assertArrayEquals(video(9, 9), Files.readAllBytes(root.resolve("output/videos/same-cgt-3.mp4")), "never replaced");
    }

    /** A run killed after the video took its name and before its record: the same video again is not doubled. */
    @Test
    void theSameVideoAlreadyUnderItsNameIsKeptNotDoubled() throws Exception {
        VideoPublisher publisher = new VideoPublisher(root.resolve("output/videos"), "studio-a", IMAGES);
        Path before = publisher.publish("cgt-again", "cgt-again.mp4", downloaded("cgt-again", video(4, 4)));

        Path again = publisher.publish("cgt-again", "cgt-again.mp4", downloaded("cgt-again", video(4, 4)));

        assertEquals(before, again);
        try (Stream<Path> files = Files.list(root.resolve("output/videos"))) {
            assertEquals(Set.of("cgt-again.mp4"), files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
        try (Stream<Path> files = Files.list(root.resolve("work/downloads"))) {
            assertEquals(0, files.count(), "the download was used up");
        }
    }

    /** The video of a name is archived, its last frame is left: another task of the name takes the next name, images and all. */
    @Test
    void aNameWhoseImagesAreLeftIsNotTakenByAnotherTasksVideo() throws Exception {
        Path videos = Files.createDirectories(root.resolve("output/videos"));
        Files.write(videos.resolve("cat.last-frame.png"), video(7, 7));
        VideoPublisher publisher = new VideoPublisher(videos, "studio-a", IMAGES);

        Path published = publisher.publish("cgt-cat", "cat.mp4", downloaded("cgt-cat", video(5, 5)));

        assertEquals(videos.resolve("cat-cgt-cat.mp4"), published);
        assertArrayEquals(video(7, 7), Files.readAllBytes(videos.resolve("cat.last-frame.png")), "never replaced");
        Path again = publisher.publish("cgt-cat", "cat.mp4", downloaded("cgt-cat", video(5, 5)));
        assertEquals(published, again, "its own video found again, not doubled");

        // any image the providers name, in any of the saved types; an unrelated file of the stem does not count
        Files.write(videos.resolve("dog.cover.webp"), video(3, 3));
        Files.write(videos.resolve("owl.notes.txt"), video(3, 3));
        assertEquals(videos.resolve("dog-cgt-dog.mp4"), publisher.publish("cgt-dog", "dog.mp4", downloaded("cgt-dog", video(6, 6))));
        assertEquals(videos.resolve("owl.mp4"), publisher.publish("cgt-owl", "owl.mp4", downloaded("cgt-owl", video(8, 8))));
    }

    /** A long name cut short for the task id leaves room for {stem}.last-frame.webp: the images can be saved beside it. */
    @Test
    void aNameCutShortForTheTaskIdLeavesRoomForTheImagesBesideIt() throws Exception {
        Path videos = Files.createDirectories(root.resolve("output/videos"));
        String id = "cgt-" + "9".repeat(60);
        String name = "v".repeat(VideoNameTemplate.MAX_NAME - VideoNameTemplate.IMAGE_ROOM - VideoNameTemplate.SUFFIX.length())
                + VideoNameTemplate.SUFFIX;

        String second = VideoPublisher.candidate(name, id, 2);

        assertTrue(second.endsWith("-" + id + "-2.mp4"), second);
        String stem = second.substring(0, second.length() - VideoNameTemplate.SUFFIX.length());
        Path frame = videos.resolve(stem + ".last-frame.webp");
        Files.write(frame, video(1, 1));
        assertTrue(Files.exists(frame));
    }
}

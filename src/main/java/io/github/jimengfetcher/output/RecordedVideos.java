package io.github.jimengfetcher.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jimengfetcher.config.VideoNameTemplate;

/**
 * Where a finished task's video is: the name its result record gives ("video_file", relative to
 * the output folder), since jimeng.output.video-name may have put it anywhere under videos/ (and a
 * second task of the same name got its own). A record without one (or none yet) means
 * videos/{id}.mp4, the name every video had before. Each record is read once while it stays the
 * same, so that listing thousands of finished tasks reads no record twice for this.
 */
final class RecordedVideos {

    /** Enough for several pages of the task list at its largest size. */
    private static final int CACHED = 20_000;
    /** A record is a few kB; a larger file is not what the app wrote. */
    private static final long MAX_RECORD = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Known(long size, long modified, Path video) {
    }

    private final Path root;
    private final Path videos;
    private final Map<String, Known> known = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > CACHED;
        }
    };

    RecordedVideos(Path root) {
        this.root = root;
        this.videos = root.resolve("videos");
    }

    /** The video's path (which may not exist: moved away, or not published yet). */
    Path of(String id, Path record) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(record, BasicFileAttributes.class);
        } catch (NoSuchFileException none) {
            return byId(id);
        } catch (IOException unreadable) {
            return byId(id);
        }
        if (!attributes.isRegularFile() || attributes.size() > MAX_RECORD) {
            return byId(id);
        }
        long modified = attributes.lastModifiedTime().toMillis();
        synchronized (known) {
            Known seen = known.get(id);
            if (seen != null && seen.size() == attributes.size() && seen.modified() == modified) {
                return seen.video();
            }
        }
        Path video = named(id, record);
        synchronized (known) {
            known.put(id, new Known(attributes.size(), modified, video));
        }
        return video;
    }

    private Path named(String id, Path record) {
        try {
            String name = JSON.readTree(record.toFile()).path("video_file").asText("");
            Path video = root.resolve(name).normalize();
            // Only a name the app could have written: under videos/, an MP4, not climbing out.
            if (!name.isEmpty() && !name.contains("..") && !Path.of(name).isAbsolute() && video.startsWith(videos.normalize())
                    && name.endsWith(VideoNameTemplate.SUFFIX)) {
                return video;
            }
        } catch (IOException | RuntimeException unreadable) {
            // a record not written by the app: the name by id
        }
        return byId(id);
    }

    private Path byId(String id) {
        return videos.resolve(id + VideoNameTemplate.SUFFIX);
    }
}

package io.github.jimengfetcher.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jimengfetcher.config.VideoNameTemplate;

/**
 * Where a finished task's video and images are: the names its result record gives ("video_file",
 * and each saved image's "file" under "images", relative to
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

    /** @param images the record's saved images by name (last-frame, cover, ...) */
    private record Known(long size, long modified, Path video, Map<String, Path> images) {
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
        return known(id, record).video();
    }

    /** The path of the task's saved image of this name as its record names it (which may not exist), or null. */
    Path image(String id, Path record, String name) {
        return known(id, record).images().get(name);
    }

    private Known known(String id, Path record) {
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
                return seen;
            }
        }
        Known read = named(id, record, attributes.size(), modified);
        synchronized (known) {
            known.put(id, read);
        }
        return read;
    }

    private Known named(String id, Path record, long size, long modified) {
        try {
            JsonNode json = JSON.readTree(record.toFile());
            String name = json.path("video_file").asText("");
            if (isOurs(name) && name.endsWith(VideoNameTemplate.SUFFIX)) {
                Map<String, Path> images = new HashMap<>();
                for (JsonNode image : json.path("images")) {
                    String file = image.path("file").asText("");
                    if (isOurs(file)) {
                        images.putIfAbsent(image.path("name").asText(""), root.resolve(file).normalize());
                    }
                }
                return new Known(size, modified, root.resolve(name).normalize(), Map.copyOf(images));
            }
        } catch (IOException | RuntimeException unreadable) {
            // a record not written by the app: the name by id
        }
        return new Known(size, modified, byId(id).video(), Map.of());
    }

    /** Only a name the app could have written: under videos/, not climbing out. */
    private boolean isOurs(String name) {
        return !name.isEmpty() && !name.contains("..") && !Path.of(name).isAbsolute() && root.resolve(name).normalize().startsWith(videos.normalize());
    }

    private Known byId(String id) {
        return new Known(-1, -1, videos.resolve(id + VideoNameTemplate.SUFFIX), Map.of());
    }
}

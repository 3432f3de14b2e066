package io.github.jimengfetcher.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.download.Mp4Duration;
import io.github.jimengfetcher.observe.FinishedTask;
import io.github.jimengfetcher.output.OutputFolders;

/**
 * What the task list shows of a finished task, read from its files only when first listed and
 * then kept while the file stays the same (same size and modification time), so that paging
 * through thousands of finished tasks reads no file twice: its record (results/ or failed/: the
 * failure reason, fetches, times) and its video (size, and duration from the MP4's mvhd box).
 */
public class FinishedFacts {

    private static final Logger LOG = LoggerFactory.getLogger(FinishedFacts.class);
    /** Enough for several pages of the largest size; older entries are read again if asked. */
    private static final int CACHED = 20_000;
    /** A record is a few kB; a larger file is not what the app wrote and is not read. */
    private static final long MAX_RECORD = 1 << 20;

    /** The video as listed: size in bytes, and duration when its mvhd box tells it. */
    public record Video(long bytes, Duration duration) {
    }

    private record Stamp(long size, long modified) {
    }

    private record Cached<T>(Stamp stamp, T value) {
    }

    private final OutputFolders outputs;
    private final Map<String, Cached<Optional<FinishedTask>>> records = lru();
    private final Map<String, Cached<Video>> videos = lru();

    public FinishedFacts(OutputFolders outputs) {
        this.outputs = outputs;
    }

    /** The task's result or failure record, as the hooks receive it; empty when there is none (or it is unreadable). */
    public Optional<FinishedTask> record(String id, boolean succeeded) {
        Path file = succeeded ? outputs.resultFile(id) : outputs.failureFile(id);
        Optional<FinishedTask> found = cached(records, id + (succeeded ? "/r" : "/f"), file, path -> {
            if (sizeOf(path) > MAX_RECORD) {
                return Optional.empty();
            }
            try {
                return Optional.of(FinishedTask.fromRecord(Files.readString(path)));
            } catch (IOException | RuntimeException e) {
                LOG.debug("{}: record {} not readable for the task list: {}", id, path, e.toString());
                return Optional.empty();
            }
        });
        return found == null ? Optional.empty() : found;
    }

    /** The task's video in output/videos, or null when it is not there (moved away, or not written). */
    public Video video(String id) {
        return cached(videos, id, outputs.videoFile(id), path -> {
            Duration duration = null;
            try {
                duration = Mp4Duration.of(path).orElse(null);
            } catch (IOException e) {
                LOG.debug("{}: no duration read from {}: {}", id, path, e.toString());
            }
            return new Video(sizeOf(path), duration);
        });
    }

    private static <T> T cached(Map<String, Cached<T>> cache, String key, Path file, Function<Path, T> read) {
        Stamp stamp;
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return null;
            }
            stamp = new Stamp(attributes.size(), attributes.lastModifiedTime().toMillis());
        } catch (NoSuchFileException e) {
            synchronized (cache) {
                cache.remove(key);
            }
            return null;
        } catch (IOException e) {
            return null;
        }
        synchronized (cache) {
            Cached<T> known = cache.get(key);
            if (known != null && known.stamp().equals(stamp)) {
                return known.value();
            }
        }
        T value = read.apply(file);
        synchronized (cache) {
            cache.put(key, new Cached<>(stamp, value));
        }
        return value;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static <V> Map<String, V> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CACHED;
            }
        };
    }
}

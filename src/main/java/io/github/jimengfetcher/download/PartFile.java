package io.github.jimengfetcher.download;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A download under way on disk: work/downloads/{id}.mp4.part (or an image's
 * {id}.{image}.image.part), and beside it {part}.total, the whole file's length as the
 * storage host first announced it. A resumed transfer must announce the same length, or it
 * is another file (the object was replaced) and its bytes must not be appended to these.
 */
final class PartFile {

    private final Path path;
    private final Path total;

    PartFile(Path path) {
        this.path = path;
        this.total = path.resolveSibling(path.getFileName() + ".total");
    }

    Path path() {
        return path;
    }

    /** Bytes on disk; 0 when there is no part. */
    long size() throws IOException {
        try {
            return Files.size(path);
        } catch (NoSuchFileException none) {
            return 0;
        }
    }

    /** The total announced for the bytes on disk, if one was. */
    OptionalLong announcedTotal() {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(total, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException unknown) {
            return OptionalLong.empty();
        }
    }

    void rememberTotal(long bytes) throws IOException {
        Files.writeString(total, Long.toString(bytes), StandardCharsets.US_ASCII);
    }

    void forgetTotal() throws IOException {
        Files.deleteIfExists(total);
    }

    /** Removes the part and what is known about it. */
    void delete() throws IOException {
        Files.deleteIfExists(path);
        forgetTotal();
    }
}

package io.github.jimengfetcher.output;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.config.VideoNameTemplate;
import io.github.jimengfetcher.download.ImageResult;

/**
 * Puts the images downloaded for a task beside its published video, {name}.{image}.{png|jpg|webp}
 * ({name}: the video's name without .mp4), as {@link VideoPublisher} puts the video: staged under a
 * hidden name of this instance in videos/, then linked to its name, which fails when the name is
 * taken; a name taken by other bytes is left as it is and the image recorded as not saved. Each
 * image becomes its entry of the result record's "images"; a failure to publish one is its entry's
 * error, never the task's.
 */
final class ImagePublisher {

    /** The hidden name an image waits under in videos/ ({@link OutputFolders#isOwnTemporaryFile}). */
    static final String TEMPORARY_SUFFIX = ".image.tmp";
    private static final Logger LOG = LoggerFactory.getLogger(ImagePublisher.class);

    private final Path root;
    private final String instance;

    ImagePublisher(Path root, String instance) {
        this.root = root;
        this.instance = instance;
    }

    /**
     * @param video the published video
     * @return each image's entry, in order: name, file (relative to the output folder), bytes, sha256; or name and error
     */
    List<Map<String, Object>> publish(String id, Path video, List<ImageResult> images) {
        return images.stream().map(image -> entry(id, video, image)).toList();
    }

    private Map<String, Object> entry(String id, Path video, ImageResult image) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", image.name());
        if (!image.saved()) {
            LOG.warn("{} image {} not saved: {}", id, image.name(), image.error());
            entry.put("error", image.error());
            return entry;
        }
        String fileName = video.getFileName().toString();
        String stem = fileName.substring(0, fileName.length() - VideoNameTemplate.SUFFIX.length());
        Path target = video.resolveSibling(stem + "." + image.fileLabel() + "." + image.extension());
        try {
            if (!place(id, image, target)) {
                throw new IOException(root.relativize(target) + " is another file already, not replaced");
            }
            entry.put("file", root.relativize(target).toString().replace(java.io.File.separatorChar, '/'));
            entry.put("bytes", image.bytes());
            entry.put("sha256", image.sha256());
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} image {} not saved: {}", id, image.name(), e.getMessage());
            entry.put("error", "not saved: " + e.getMessage());
        }
        return entry;
    }

    /** @return whether the image has its name now */
    private boolean place(String id, ImageResult image, Path target) throws IOException {
        Path staged = root.resolve("videos").resolve("." + id + OutputFolders.INSTANCE_MARK + instance + TEMPORARY_SUFFIX);
        try {
            Files.createDirectories(target.getParent());
            VideoPublisher.stage(image.file(), staged);
            return VideoPublisher.takes(staged, target, image.bytes(), image.sha256());
        } finally {
            Files.deleteIfExists(staged);
            Files.deleteIfExists(image.file());
        }
    }
}

package io.github.jimengfetcher.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import io.github.jimengfetcher.config.VideoNameTemplate;
import io.github.jimengfetcher.download.DownloadResult;

/**
 * Puts a verified download under its name in output/videos/ without ever replacing a file there:
 * the name is taken by a hard link from a hidden file of this instance in videos/, which fails
 * when the name exists, so two tasks (of this instance or of others sharing the output folder)
 * that get one name keep both, the second as {name}-{task_id}.mp4 (then -2, -3, ...). A file under
 * its name is whole from the moment it has it. Where the file system has no hard links, the name
 * is claimed by creating it empty (which also fails when it exists) and the video renamed over it.
 */
final class VideoPublisher {

    /** More tasks of one name than anyone means to keep: the template names nothing that tells them apart. */
    private static final int MAX_TRIES = 1_000;

    /** The image extensions a saved image gets from its first bytes (download.ImageType). */
    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".webp");

    private final Path videos;
    private final String instance;
    private final Set<String> imageNames;

    /** @param imageNames the images saved beside a video ({stem}.{image}.{png|jpg|webp}) that a name's check looks for */
    VideoPublisher(Path videos, String instance, Set<String> imageNames) {
        this.videos = videos;
        this.instance = instance;
        this.imageNames = imageNames;
    }

    /**
     * @param name the name the template gave, relative to videos/
     * @return where the video is now
     */
    Path publish(String id, String name, DownloadResult download) throws IOException {
        // Users archive finished videos by moving the folder away: it comes back when needed.
        Files.createDirectories(videos);
        Path staged = videos.resolve("." + id + OutputFolders.INSTANCE_MARK + instance + VideoNameTemplate.SUFFIX + ".tmp");
        boolean moved = stage(download.file(), staged);
        Path target;
        try {
            target = claim(id, name, staged, download);
        } catch (IOException | RuntimeException e) {
            // The verified download stays where the next attempt finds it.
            try {
                if (moved) {
                    Files.move(staged, download.file(), StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.deleteIfExists(staged);
                }
            } catch (IOException notBack) {
                e.addSuppressed(notBack);
            }
            throw e;
        }
        Files.deleteIfExists(staged);
        if (!moved) {
            Files.deleteIfExists(download.file());
        }
        return target;
    }

    /** Moves the download beside the videos in one rename; across file systems, a forced copy. @return whether it moved */
    static boolean stage(Path download, Path staged) throws IOException {
        try {
            Files.move(download, staged, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            Files.copy(download, staged, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(staged, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            return false;
        }
    }

    private Path claim(String id, String name, Path staged, DownloadResult download) throws IOException {
        for (int n = 0; n < MAX_TRIES; n++) {
            Path target = videos.resolve(candidate(name, id, n));
            Files.createDirectories(target.getParent());
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) && imagesUnder(target)) {
                continue;
            }
            if (takes(staged, target, download)) {
                return target;
            }
        }
        throw new FileAlreadyExistsException(videos.resolve(name).toString(), null, MAX_TRIES + " videos have this name already");
    }

    /**
     * Whether images of another task are left under the name (its video archived or deleted): the name
     * is not free, or this video would get that task's images as its own and the next image be refused.
     * Each image name and extension is looked up by itself: a few lookups, however many files the folder holds.
     */
    private boolean imagesUnder(Path target) {
        String file = target.getFileName().toString();
        String stem = file.substring(0, file.length() - VideoNameTemplate.SUFFIX.length()) + ".";
        for (String image : imageNames) {
            for (String extension : IMAGE_EXTENSIONS) {
                if (Files.exists(target.resolveSibling(stem + image + extension), LinkOption.NOFOLLOW_LINKS)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The name, then {name}-{id}.mp4, then {name}-{id}-2.mp4, ...; the name cut short where the file name would grow too long. */
    static String candidate(String name, String id, int n) {
        if (n == 0) {
            return name;
        }
        String stem = name.substring(0, name.length() - VideoNameTemplate.SUFFIX.length());
        String tail = "-" + id + (n == 1 ? "" : "-" + n) + VideoNameTemplate.SUFFIX;
        int fileName = stem.length() - stem.lastIndexOf('/') - 1;
        int over = fileName + tail.length() - (VideoNameTemplate.MAX_NAME - VideoNameTemplate.IMAGE_ROOM);
        return (over > 0 ? stem.substring(0, stem.length() - over) : stem) + tail;
    }

    private static boolean takes(Path staged, Path target, DownloadResult download) throws IOException {
        return takes(staged, target, download.bytes(), download.sha256());
    }

    /** Whether the file (a video, or an image beside it) now has this name: linked to it, or found there already (the same bytes). */
    static boolean takes(Path staged, Path target, long bytes, String sha256) throws IOException {
        try {
            Files.createLink(target, staged);
            return true;
        } catch (FileAlreadyExistsException taken) {
            inTheWay(staged, target);
            return isSame(target, bytes, sha256);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
            try {
                Files.createFile(target);
            } catch (FileAlreadyExistsException taken) {
                inTheWay(staged, target);
                return isSame(target, bytes, sha256);
            }
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        }
    }

    /**
     * A folder under the video's name is no other task's video but something in the way, put there by
     * hand: a fault of this machine (said in words by health, and tried again), not a second name.
     */
    private static void inTheWay(Path staged, Path target) throws FileSystemException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileSystemException(staged.toString(), target.toString(), "Is a directory");
        }
    }

    /**
     * The very same bytes under the name: this task's own video, published by a run stopped before
     * its record was written, and downloaded again since. Kept as it is, not doubled.
     */
    private static boolean isSame(Path existing, long bytes, String sha256) throws IOException {
        if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS) || Files.size(existing) != bytes || sha256 == null) {
            return false;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(existing), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest()).equalsIgnoreCase(sha256);
    }
}

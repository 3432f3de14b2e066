package io.github.jimengfetcher.output;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.task.TaskIds;

/**
 * The output tree: results/, videos/, failed/ and rejected/. Everything lands
 * there by rename, so a file under its final name is always whole; what a dead
 * run left half-written (the app's own hidden *.tmp names) is removed at start.
 */
public class OutputFolders {

    private static final Logger LOG = LoggerFactory.getLogger(OutputFolders.class);
    private static final String[] FOLDERS = {"results", "videos", "failed", "rejected", "superseded"};
    private static final String WRITE_PROBE = ".write-probe.tmp";
    private static final Pattern REJECTION_TEMP = Pattern.compile("\\..+\\.\\d{8}-\\d{9}\\.json\\.tmp", Pattern.DOTALL);

    private Path root;

    public void setRoot(String root) {
        this.root = Path.of(root);
    }

    public Path getRoot() {
        return root;
    }

    /**
     * Creates the folders and removes what a dead run left half-written: only the app's own
     * temporary names (see {@link #isOwnTemporaryFile}); every other file, hidden or not, stays.
     */
    public void start() throws IOException {
        int leftovers = 0;
        for (String name : FOLDERS) {
            Path folder = Files.createDirectories(root.resolve(name));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, ".*.tmp")) {
                for (Path file : files) {
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && isOwnTemporaryFile(name, file.getFileName().toString())) {
                        Files.delete(file);
                        leftovers++;
                    }
                }
            }
        }
        if (leftovers > 0) {
            LOG.info("Removed {} half-written files left in {} by an earlier run", leftovers, root.toAbsolutePath());
        }
    }

    /**
     * The temporary names the app writes before a rename: ".{id}.json.tmp" in results/ and failed/
     * (tempFileName in poll.yaml and download.yaml), ".{id}.mp4.tmp" in videos/ ({@link #publishVideo}),
     * ".write-probe.tmp" in results/ ({@link #isWritable}), ".{file}.{yyyyMMdd-HHmmssSSS}.json.tmp"
     * in rejected/ (tempFileName in inbox.yaml).
     */
    static boolean isOwnTemporaryFile(String folder, String name) {
        return switch (folder) {
            case "results" -> name.equals(WRITE_PROBE) || isIdBetween(name, ".", ".json.tmp");
            case "failed" -> isIdBetween(name, ".", ".json.tmp");
            case "videos" -> isIdBetween(name, ".", ".mp4.tmp");
            case "rejected" -> REJECTION_TEMP.matcher(name).matches();
            default -> false;
        };
    }

    private static boolean isIdBetween(String name, String prefix, String suffix) {
        return name.length() > prefix.length() + suffix.length() && name.startsWith(prefix) && name.endsWith(suffix)
                && TaskIds.problemWith(name.substring(prefix.length(), name.length() - suffix.length())) == null;
    }

    /** A task is finished exactly when its result or failure record exists. */
    public boolean isFinished(String id) {
        return Files.isRegularFile(resultFile(id)) || Files.isRegularFile(failureFile(id));
    }

    public boolean hasResult(String id) {
        return Files.isRegularFile(resultFile(id));
    }

    /**
     * Moves an earlier failure record out of the way, to superseded/{id}.{yyyyMMdd-HHmmss}.json, kept
     * for good: the task is about to get a newer record (it succeeded late, or failed anew).
     */
    public void supersedeFailure(String id) throws IOException {
        Path failure = failureFile(id);
        if (!Files.isRegularFile(failure)) {
            return;
        }
        Path folder = Files.createDirectories(root.resolve("superseded"));
        String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = folder.resolve(id + "." + stamp + ".json");
        for (int n = 2; Files.exists(target); n++) {
            target = folder.resolve(id + "." + stamp + "-" + n + ".json");
        }
        Files.move(failure, target, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("{}: its earlier failure record is now {}", id, target);
    }

    public Path resultFile(String id) {
        return root.resolve("results").resolve(TaskIds.require(id) + ".json");
    }

    public Path failureFile(String id) {
        return root.resolve("failed").resolve(TaskIds.require(id) + ".json");
    }

    public Path videoFile(String id) {
        return root.resolve("videos").resolve(TaskIds.require(id) + ".mp4");
    }

    /**
     * Moves a verified download to videos/{id}.mp4 in one rename. Across file systems
     * it is copied to a hidden temporary name first, then renamed.
     *
     * @return the video's path as text (a Path in a Camel expression would be read as the file's content)
     */
    public String publishVideo(String id, DownloadResult download) throws IOException {
        Path target = videoFile(id);
        // Users archive finished videos by moving the folder away: it comes back when needed.
        Files.createDirectories(target.getParent());
        try {
            Files.move(download.file(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.copy(download.file(), tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(download.file());
        }
        return target.toString();
    }

    /** Can a file be written under the output tree right now? For the health check. */
    public boolean isWritable() {
        Path probe = root.resolve("results").resolve(WRITE_PROBE);
        try {
            Files.createDirectories(probe.getParent());
            Files.writeString(probe, "ok");
            Files.delete(probe);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

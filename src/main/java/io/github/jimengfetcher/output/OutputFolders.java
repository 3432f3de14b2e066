package io.github.jimengfetcher.output;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.TaskLabels;
import io.github.jimengfetcher.config.VideoNameTemplate;
import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.download.ImageResult;
import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskIds;

/**
 * The output tree: results/, videos/, failed/ and rejected/. Everything lands
 * there by rename (a video by a link), so a file under its final name is always whole; what a dead
 * run left half-written (the app's own hidden *.tmp names) is removed at start.
 */
public class OutputFolders implements FinishedRecords {

    private static final Logger LOG = LoggerFactory.getLogger(OutputFolders.class);
    private static final String[] FOLDERS = {"results", "videos", "failed", "rejected", "superseded"};
    private static final String WRITE_PROBE = ".write-probe";
    private static final Pattern REJECTION_TEMP = Pattern.compile("\\..+\\.\\d{8}-\\d{9}", Pattern.DOTALL);
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Between a temporary file's own name and the instance that writes it: in no task id and no instance id. */
    public static final String INSTANCE_MARK = "@";

    private Path root;
    private String instance = "";
    private boolean shared;
    private VideoNameTemplate videoName = VideoNameTemplate.of(VideoNameTemplate.DEFAULT);
    private Set<String> imageNames = Set.of();
    private RecordedVideos recorded;

    public void setRoot(String root) {
        this.root = Path.of(root);
        this.recorded = new RecordedVideos(this.root);
    }

    /** The name a finished video gets under videos/ (jimeng.output.video-name). */
    public void setVideoName(VideoNameTemplate videoName) {
        this.videoName = videoName;
    }

    /** The names of the images saved beside a video, {stem}.{image}.{png|jpg|webp}: those the providers' answers name. */
    public void setImageNames(Set<String> imageNames) {
        this.imageNames = Set.copyOf(imageNames);
    }

    public Path getRoot() {
        return root;
    }

    /** The instance whose hidden names these are (see {@link #isOwnTemporaryFile}). */
    String instance() {
        return instance;
    }

    /**
     * The instance whose temporary files these are. With a shared store (several instances on one
     * output folder) the start-up clean-up removes only this instance's; with the local journal, one
     * instance, every temporary file of the app.
     */
    public void setInstance(String instance, boolean shared) {
        this.instance = instance;
        this.shared = shared;
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
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                            && isOwnTemporaryFile(name, file.getFileName().toString(), shared ? instance : null)) {
                        Files.delete(file);
                        leftovers++;
                    }
                }
            }
        }
        if (leftovers > 0) {
            LOG.info("Removed {} half-written files left in {} by an earlier run{}", leftovers, root.toAbsolutePath(),
                    shared ? " of instance " + instance : "");
        }
    }

    /**
     * The temporary names the app writes before a rename, each ending in "@{instance}" before its
     * suffix: ".{id}@{instance}.json.tmp" in results/ and failed/ ({@link OutputRecords}),
     * ".{id}@{instance}.mp4.tmp" in videos/ ({@link VideoPublisher}, also for a video bound for a sub-folder),
     * ".{id}@{instance}.image.tmp" in videos/ ({@link ImagePublisher}),
     * ".write-probe@{instance}.tmp" in results/ ({@link #isWritable}),
     * ".{file}.{yyyyMMdd-HHmmssSSS}@{instance}.json.tmp" in rejected/ ({@link OutputRecords}).
     * An instance of null means any instance, and also the names of earlier versions (without "@{instance}").
     */
    static boolean isOwnTemporaryFile(String folder, String name, String instance) {
        return switch (folder) {
            case "results" -> isOwn(name, ".json.tmp", instance, OutputFolders::isDotId)
                    || isOwn(name, ".tmp", instance, WRITE_PROBE::equals);
            case "failed" -> isOwn(name, ".json.tmp", instance, OutputFolders::isDotId);
            case "videos" -> isOwn(name, ".mp4.tmp", instance, OutputFolders::isDotId)
                    || isOwn(name, ImagePublisher.TEMPORARY_SUFFIX, instance, OutputFolders::isDotId);
            case "rejected" -> isOwn(name, ".json.tmp", instance, stem -> REJECTION_TEMP.matcher(stem).matches());
            default -> false;
        };
    }

    private static boolean isOwn(String name, String suffix, String instance, Predicate<String> isAppStem) {
        if (!name.endsWith(suffix)) {
            return false;
        }
        String stem = name.substring(0, name.length() - suffix.length());
        int mark = stem.lastIndexOf(INSTANCE_MARK);
        if (mark > 0) {
            String owner = stem.substring(mark + INSTANCE_MARK.length());
            if (INSTANCE.matcher(owner).matches() && (instance == null || instance.equals(owner)) && isAppStem.test(stem.substring(0, mark))) {
                return true;
            }
        }
        return instance == null && isAppStem.test(stem);
    }

    private static boolean isDotId(String stem) {
        return stem.length() > 1 && stem.startsWith(".") && TaskIds.problemWith(stem.substring(1)) == null;
    }

    /** A task is finished exactly when its result or failure record exists. */
    @Override
    public boolean isFinished(TaskId id) {
        return Files.isRegularFile(resultFile(id.value())) || Files.isRegularFile(failureFile(id.value()));
    }

    @Override
    public boolean hasResult(TaskId id) {
        return Files.isRegularFile(resultFile(id.value()));
    }

    /**
     * Moves an earlier failure record out of the way, to superseded/{id}.{yyyyMMdd-HHmmss}.json, kept
     * for good: the task is about to get a newer record (it succeeded late, or failed anew).
     */
    public void supersedeFailure(@Variable("taskId") String id) throws IOException {
        Path moved = setAside(failureFile(id), id);
        if (moved != null) {
            LOG.info("{}: its earlier failure record is now {}", id, moved);
        }
    }

    /**
     * Moves a record (failure or result) to superseded/{id}.{yyyyMMdd-HHmmss}.json, kept for good,
     * without a log line: the caller says why in its own.
     *
     * @return where it went, or null when there was no such record
     */
    public Path setAside(Path record, String id) throws IOException {
        if (!Files.isRegularFile(record, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path folder = Files.createDirectories(root.resolve("superseded"));
        String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = folder.resolve(TaskIds.require(id) + "." + stamp + ".json");
        for (int n = 2; Files.exists(target); n++) {
            target = folder.resolve(id + "." + stamp + "-" + n + ".json");
        }
        Files.move(record, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Puts a record set aside by {@link #setAside} back, when what it was set aside for could not go ahead. */
    public void putBack(Path setAside, Path record) throws IOException {
        if (setAside != null && !Files.exists(record)) {
            Files.move(setAside, record, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    public Path resultFile(String id) {
        return root.resolve("results").resolve(TaskIds.require(id) + ".json");
    }

    public Path failureFile(String id) {
        return root.resolve("failed").resolve(TaskIds.require(id) + ".json");
    }

    /** Where the task's video is: under the name its result record gives, else videos/{id}.mp4 ({@link RecordedVideos}). */
    public Path videoFile(String id) {
        return recorded.of(TaskIds.require(id), resultFile(id));
    }

    /**
     * Moves a verified download to output/videos/ under the name jimeng.output.video-name gives it,
     * never over a file already there ({@link VideoPublisher}).
     *
     * @param labels the kind and model the task's answer names, null for none
     * @return the video's path as text (a Path in a Camel expression would be read as the file's content)
     */
    public String publishVideo(@Variable("lease") Lease lease, @Variable("labels") TaskLabels labels,
                               @Variable("download") DownloadResult download) throws IOException {
        String id = lease.taskId().value();
        TaskLabels named = labels == null ? TaskLabels.NONE : labels;
        Map<String, String> values = new HashMap<>();
        values.put("task_id", id);
        values.put("provider", lease.task().ref().provider().value());
        values.put("kind", named.kind());
        values.put("model", named.model());
        values.put("date", LocalDate.now(ZoneOffset.UTC).toString());
        return new VideoPublisher(root.resolve("videos"), instance, imageNames).publish(id, videoName.nameFor(values), download).toString();
    }

    /**
     * Puts the task's downloaded images beside its published video ({@link ImagePublisher}).
     *
     * @return the result record's "images": each image's file or why it has none; null when the answer named no image
     */
    public List<Map<String, Object>> publishImages(@Variable("taskId") TaskId id, @Variable("videoFile") String videoFile,
                                                   @Variable("imageDownloads") List<ImageResult> images) {
        if (images == null || images.isEmpty()) {
            return null;
        }
        return new ImagePublisher(root, instance).publish(id.value(), Path.of(videoFile), images);
    }

    /** The file of the task's image of this name (last-frame, cover) as its result record names it, or null. */
    public Path recordedImage(String id, String name) {
        return recorded.image(TaskIds.require(id), resultFile(id), name);
    }

    /** A published video's path as its result record names it: relative to the output folder, '/' between folders. */
    String recordedName(String videoFile) {
        return root.relativize(Path.of(videoFile)).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Can a file be written under the output tree right now? For the health check. */
    public boolean isWritable() {
        // Each instance its own probe: another's could vanish between this one's write and delete.
        Path probe = root.resolve("results").resolve(WRITE_PROBE + INSTANCE_MARK + instance + ".tmp");
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

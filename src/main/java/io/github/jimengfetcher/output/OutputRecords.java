package io.github.jimengfetcher.output;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import org.apache.camel.Variable;

import io.github.jimengfetcher.download.DownloadResult;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.TaskFailure;
import io.github.jimengfetcher.task.TaskState;

/**
 * Writes the records of the output folder (bean {@code outputRecords}): results/{id}.json,
 * failed/{id}.json and rejected/{name}.{time}.json. Each is written whole under a hidden name of
 * this instance, forced to disk and renamed in one atomic move, so a record under its own name is
 * always complete and a reader never meets half of one; what a killed run left under the hidden
 * name is removed at the next start ({@link OutputFolders#isOwnTemporaryFile}).
 */
public class OutputRecords {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();
    /** The time in a rejection record's name: the submission's own, so reading it twice writes one record. */
    private static final DateTimeFormatter RECORD_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmssSSS").withZone(ZoneId.systemDefault());

    private final OutputFolders folders;
    private final TaskRecords documents = new TaskRecords();

    public OutputRecords(OutputFolders folders) {
        this.folders = folders;
    }

    /**
     * The record of a finished task: its result when it succeeded, else its failure. An earlier
     * failure record (a task that timed out and then succeeded late, or failed anew) moves to
     * superseded/ first. A result names its video (videoFile, as published) relative to the output folder,
     * and the images saved beside it or why not (images, from {@link OutputFolders#publishImages}).
     *
     * @return the record as written, for the hooks' subscribers
     */
    public byte[] finished(@Variable("outcome") TaskState outcome, @Variable("lease") Lease lease,
                           @Variable("download") DownloadResult download, @Variable("videoFile") String videoFile,
                           @Variable("failure") TaskFailure failure, @Variable("images") List<Map<String, Object>> images,
                           @Variable("s3") S3Delivery.S3Copy s3)
            throws IOException {
        String id = lease.taskId().value();
        folders.supersedeFailure(id);
        return outcome == TaskState.SUCCEEDED
                ? write(folders.resultFile(id), "." + id, documents.success(lease, download, folders.recordedName(videoFile), images, s3))
                : write(folders.failureFile(id), "." + id, documents.failure(lease, failure));
    }

    /** What a submission rejected, as rejected/{storedName}.{received as yyyyMMdd-HHmmssSSS}.json. */
    public void rejected(String storedName, Instant received, Map<String, Object> report) throws IOException {
        String name = storedName + "." + RECORD_TIME.format(received);
        write(folders.getRoot().resolve("rejected").resolve(name + ".json"), "." + name, report);
    }

    /** Writes the document as JSON under the hidden name {hidden}@{instance}.json.tmp, then moves it to target. */
    byte[] write(Path target, String hidden, Object document) throws IOException {
        byte[] json = JSON.writeValueAsBytes(document);
        // Users archive records by moving the folder away: it comes back when needed.
        Files.createDirectories(target.getParent());
        Path temporary = hiddenFile(target, hidden);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(json);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        return json;
    }

    /** Where a record is written before its rename: a name the next start removes if a kill leaves it. */
    Path hiddenFile(Path target, String hidden) {
        return target.resolveSibling(hidden + OutputFolders.INSTANCE_MARK + folders.instance() + ".json.tmp");
    }
}

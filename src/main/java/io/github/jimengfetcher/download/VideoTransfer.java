package io.github.jimengfetcher.download;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Executor;

import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.task.TaskId;

/**
 * One download attempt: the storage host's answer and body handled on an I/O thread, each
 * chunk written to the part file before the next is read (no more than one network buffer in
 * memory). Its end ({@link #verify} or {@link #brokeOff}) runs on a finishing thread: forced to
 * disk, checked ({@link DownloadChecks}), hashed ({@link PartHasher}).
 */
final class VideoTransfer extends BodyToPart<VideoTransfer> {

    /** Progress lines keep the name of the download stage. */
    private static final Logger LOG = LoggerFactory.getLogger(VideoDownload.class);
    private static final long PROGRESS_LOG_THRESHOLD = 50L * 1024 * 1024;

    /** The settings a transfer is held to (see jimeng.download.* in application.properties). */
    record Limits(long maxSize, long stallTimeout, long minSpeed) {
    }

    private final TaskId id;
    private final PartFile partFile;
    private final Path part;
    private final Limits limits;
    private final DownloadMetrics metrics;
    private final PartHasher hasher;
    private final byte[] head = new byte[8];
    private int headLength;
    private long offset;
    private long expectedTotal = -1;
    private volatile long written;
    private long nextLog = Long.MAX_VALUE;
    private SpeedWatch speed;

    /** @param finishing where the checksum is computed while the bytes arrive */
    VideoTransfer(TaskId id, PartFile part, long offset, Limits limits, Executor finishing, DownloadMetrics metrics) {
        this.id = id;
        this.partFile = part;
        this.part = part.path();
        this.offset = offset;
        this.limits = limits;
        this.metrics = metrics;
        this.hasher = new PartHasher(this.part, finishing, () -> written);
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<VideoTransfer> callback)
            throws IOException {
        noteContentType(response);
        Header range = response.getFirstHeader("Content-Range");
        StorageAnswer answer = StorageAnswer.of(response.getCode(), range == null ? null : range.getValue(),
                entity == null ? 0 : entity.getContentLength(), offset, () -> partFile.announcedTotal().orElse(-1));
        switch (answer.kind()) {
            case URL_REFUSED -> throw new TransferEnds.Stop(DownloadResult.of(DownloadResult.Outcome.URL_REFUSED, id, answer.detail()), false);
            case NOTHING_LEFT -> throw new TransferEnds.NothingLeft(answer.total());
            case RETRY -> throw new TransferEnds.Stop(DownloadResult.of(DownloadResult.Outcome.RETRY, id, answer.detail()), false);
            case START_OVER -> throw new TransferEnds.Stop(DownloadResult.of(DownloadResult.Outcome.RETRY, id, answer.detail()), true);
            case BODY -> {
                offset = answer.offset();
                expectedTotal = answer.total();
            }
        }
        if (expectedTotal > limits.maxSize()) {
            throw new TransferEnds.Stop(DownloadResult.of(DownloadResult.Outcome.TOO_LARGE, id, "video is " + expectedTotal
                    + " bytes, larger than jimeng.download.max-size (" + limits.maxSize() + " bytes)"), true);
        }
        written = offset;
        nextLog = expectedTotal >= PROGRESS_LOG_THRESHOLD ? expectedTotal / 10 : Long.MAX_VALUE;
        StandardOpenOption mode = offset > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        try {
            // The folder may have been removed while the app runs: it comes back.
            Files.createDirectories(part.getParent());
            channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
            if (offset == 0) {
                rememberTotal();
            }
        } catch (IOException e) {
            throw new TransferEnds.DiskFailure(e);
        }
        if (channel.size() != offset) {
            throw new TransferEnds.Stop(DownloadResult.of(DownloadResult.Outcome.RETRY, id,
                    "the partial file changed on disk before the transfer began; starting over"), true);
        }
        speed = new SpeedWatch(limits.stallTimeout(), limits.minSpeed(), System.nanoTime());
        bodyFollows(entity, callback);
    }

    /** The total of a fresh download is kept beside its part, to check a resumed transfer against. */
    private void rememberTotal() throws IOException {
        if (expectedTotal >= 0) {
            partFile.rememberTotal(expectedTotal);
        } else {
            partFile.forgetTotal();
        }
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (offset == 0 && headLength < head.length) {
            headLength = peekHead(src, head, headLength);
            if (headLength == head.length && !Mp4Check.startsLikeMp4(head, headLength)) {
                throw new TransferEnds.Stop(DownloadResult.of(DownloadResult.Outcome.NOT_VIDEO, id,
                        "storage host sent something that is not an MP4 (" + contentType + ")"), true);
            }
        }
        if (written + n > limits.maxSize()) {
            throw new TransferEnds.Stop(DownloadResult.of(DownloadResult.Outcome.TOO_LARGE, id,
                    "video grew past jimeng.download.max-size (" + limits.maxSize() + " bytes)"), true);
        }
        try {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        } catch (IOException e) {
            throw new TransferEnds.DiskFailure(e);
        }
        written += n;
        metrics.bytes(n);
        if (speed.tooSlow(System.nanoTime(), written - offset)) {
            throw new TransferEnds.Stop(DownloadResult.of(DownloadResult.Outcome.RETRY, id, speed.why()), false);
        }
        hasher.wrote(written);
        if (written >= nextLog) {
            LOG.info("{} downloading {}% ({} of {} MB)", id, written * 100 / expectedTotal, written >> 20, expectedTotal >> 20);
            nextLog += expectedTotal / 10;
        }
    }

    @Override
    protected VideoTransfer self() {
        return this;
    }

    /** The whole body arrived: force it to disk, then check it; a whole MP4 gets its checksum. */
    DownloadResult verify() throws IOException {
        if (channel != null) {
            try (FileChannel file = channel) {
                try {
                    file.force(false);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the download to disk: " + e.getMessage(), e);
                }
            }
        }
        try {
            Optional<DownloadResult> problem = DownloadChecks.problem(id, partFile, written, expectedTotal);
            if (problem.isPresent()) {
                return problem.get();
            }
            String digest = hasher.digestUpTo(written);
            partFile.forgetTotal();
            metrics.completed();
            return new DownloadResult(DownloadResult.Outcome.COMPLETE, id, part, written, digest,
                    written + " bytes" + (offset > 0 ? ", resumed at byte " + offset : ""));
        } finally {
            hasher.close();
        }
    }

    /** The transfer ended early: on purpose (a {@link TransferEnds.Stop}), from a full disk, or from the network. */
    DownloadResult brokeOff(Exception cause) throws IOException {
        if (cause instanceof TransferEnds.NothingLeft answer) {
            // before any byte was written
            Optional<DownloadResult> refused = DownloadChecks.nothingLeftToSend(id, partFile, offset, answer.total);
            if (refused.isPresent()) {
                return refused.get();
            }
            LOG.info("{} the storage host has nothing after byte {}: the download on disk is whole", id, offset);
            written = offset;
            expectedTotal = offset;
            return verify();
        }
        hasher.close();
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // what is on disk is measured below
            }
        }
        if (cause instanceof TransferEnds.Stop stop) {
            if (stop.deletePart) {
                partFile.delete();
            }
            return stop.result();
        }
        if (cause instanceof TransferEnds.DiskFailure disk) {
            throw new UncheckedIOException("cannot write the download to disk: " + disk.getMessage(), (IOException) disk.getCause());
        }
        long onDisk = Files.exists(part) ? Files.size(part) : 0;
        return DownloadResult.of(DownloadResult.Outcome.RETRY, id,
                "transfer broke off after " + onDisk + " bytes (" + cause.getClass().getSimpleName() + ")");
    }

    /**
     * Cut off because the app stops: what is on disk stays for a Range resume; no attempt is used up.
     * An end the transfer came to by itself meanwhile (cause: a refusal, a limit, a full disk) stands.
     */
    DownloadResult cutOffByStop(Exception cause) throws IOException {
        if (cause instanceof TransferEnds.Stop || cause instanceof TransferEnds.NothingLeft || cause instanceof TransferEnds.DiskFailure) {
            return brokeOff(cause);
        }
        brokeOff(new IOException("the app stops"));
        long onDisk = Files.exists(part) ? Files.size(part) : 0;
        return DownloadResult.of(DownloadResult.Outcome.STOPPED, id, "cut off by the stop after " + onDisk + " bytes, kept to resume");
    }
}

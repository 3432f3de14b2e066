package io.github.jimengfetcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.util.TimeUtils;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a video from the storage host to work/downloads/{id}.mp4.part, resuming
 * with a Range request where the host allows it, and verifies it: as long as
 * announced, no larger than the limit, a whole MP4 ({@link Mp4Check}).
 *
 * Transfers are non-blocking: a few I/O threads move the bytes of every download
 * in flight straight from the socket to the file (no more than one network buffer
 * per connection in memory), so a slow storage host holds no thread and many
 * downloads can run at once. A small pool of finishing threads computes the SHA-256
 * from the file as it grows (on another core than the transfer, which it would
 * otherwise slow down by a third), and once a transfer has ended forces the file
 * to disk, checks it and carries on with the route.
 *
 * The signed URL needs no credentials: this client has no Authorization header
 * to send, and keeps none across redirects.
 */
public class VideoDownload {

    private static final Logger LOG = LoggerFactory.getLogger(VideoDownload.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    /** The Content-Range of a 416: "bytes *\/{total}". */
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d+)");
    private static final long PROGRESS_LOG_THRESHOLD = 50L * 1024 * 1024;
    /** Bytes read from a connection at once: large enough for few system calls, small enough for many connections. */
    private static final int NETWORK_BUFFER = 256 * 1024;
    /** The checksum is computed from the file, on a finishing thread, in steps of at least this much. */
    private static final long HASH_STEP = 4L << 20;
    private static final int HASH_BUFFER = 256 * 1024;
    /** Threads that force finished files to disk and run the rest of the route; fsyncs in parallel batch well. */
    private static final int FINISHING_THREADS = 4;

    private TaskStore store;
    private Path folder = Path.of("data/work/downloads");
    private long connectTimeout = 10_000;
    private long stallTimeout = 30_000;
    private long minSpeed = 10 * 1024;
    private long maxSize = 2L << 30;
    private int maxConcurrent = 4;
    private CloseableHttpAsyncClient client;
    private ExecutorService finishing;
    private final DownloadMetrics metrics = new DownloadMetrics();

    public void setStore(TaskStore store) {
        this.store = store;
    }

    public void setFolder(String folder) {
        this.folder = Path.of(folder);
    }

    public void setConnectTimeout(String timeout) {
        this.connectTimeout = TimeUtils.toMilliSeconds(timeout);
    }

    public void setStallTimeout(String timeout) {
        this.stallTimeout = TimeUtils.toMilliSeconds(timeout);
    }

    /** Bytes a second, averaged over the stall timeout, below which a download is cut off and resumed later. */
    public void setMinSpeed(String bytesPerSecond) {
        this.minSpeed = ByteSizes.parse(bytesPerSecond);
    }

    public void setMaxSize(String size) {
        this.maxSize = ByteSizes.parse(size);
    }

    public void setMaxConcurrent(int max) {
        this.maxConcurrent = max;
    }

    public DownloadMetrics getMetrics() {
        return metrics;
    }

    public void start() throws IOException {
        Files.createDirectories(folder);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(FINISHING_THREADS, FINISHING_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("video-finish", true));
        finishing = pool;
        client = HttpAsyncClients.custom()
                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                .setIOReactorConfig(IOReactorConfig.custom()
                        .setIoThreadCount(Math.min(2, Runtime.getRuntime().availableProcessors()))
                        .setSoTimeout(Timeout.ofMilliseconds(stallTimeout))
                        .build())
                .setHttp1Config(Http1Config.custom().setBufferSize(NETWORK_BUFFER).build())
                .setThreadFactory(new DefaultThreadFactory("video-download", true))
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(maxConcurrent)
                        .setMaxConnPerRoute(maxConcurrent)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofMilliseconds(connectTimeout))
                                .setSocketTimeout(Timeout.ofMilliseconds(stallTimeout))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.ofMilliseconds(stallTimeout))
                        .setRedirectsEnabled(true)
                        .build())
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        client.start();
    }

    public void stop() throws IOException {
        if (client != null) {
            client.close(CloseMode.GRACEFUL);
        }
        if (finishing != null) {
            finishing.shutdown();
        }
    }

    Path partFile(String id) {
        return folder.resolve(TaskIds.require(id) + ".mp4.part");
    }

    /** Discards what is on disk for a task, e.g. once it failed for good. */
    public void discard(String id) throws IOException {
        new PartFile(partFile(id)).delete();
    }

    /**
     * Starts the download and returns at once. The result (or an {@link UncheckedIOException}
     * when the disk, not the download, failed) arrives on a finishing thread, never on an I/O thread.
     */
    public CompletableFuture<DownloadResult> download(String id) throws IOException {
        Task task = store.find(id).orElseThrow(() -> new IllegalStateException("task " + id + " is not pending"));
        PartFile part = new PartFile(partFile(id));
        long offset = part.size();
        SimpleHttpRequest get = VideoRequest.get(task.videoUrl);
        if (offset > 0) {
            get.addHeader("Range", "bytes=" + offset + "-");
        }
        Transfer transfer = new Transfer(id, part, offset);
        client.execute(SimpleRequestProducer.create(get), transfer, null, null, new FutureCallback<Transfer>() {
            @Override
            public void completed(Transfer done) {
                transfer.finishWith(transfer::verify);
            }

            @Override
            public void failed(Exception cause) {
                transfer.finishWith(() -> transfer.brokeOff(cause));
            }

            @Override
            public void cancelled() {
                transfer.finishWith(() -> transfer.brokeOff(new IOException("download cancelled")));
            }
        });
        return transfer.result;
    }

    /** Ends a transfer early with a result; thrown on an I/O thread, caught by {@link Transfer#brokeOff}. */
    private static final class Stop extends IOException {
        final DownloadResult result;
        final boolean deletePart;

        Stop(DownloadResult result, boolean deletePart) {
            super(result.detail());
            this.result = result;
            this.deletePart = deletePart;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an outcome, not an error
        }
    }

    /**
     * HTTP 416 to a Range request from the end of the part: the host has no more bytes to send,
     * so the part may already be the whole video (a download whose publishing failed, say).
     * Decided on a finishing thread: see {@link Transfer#nothingLeftToSend}.
     */
    private static final class NothingLeft extends IOException {
        /** The total in the 416's Content-Range ("bytes *\/N"), or -1 when it names none. */
        final long total;

        NothingLeft(long total) {
            super("HTTP 416");
            this.total = total;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an outcome, not an error
        }
    }

    /** A disk that cannot be written: not the download's fault. */
    private static final class DiskFailure extends IOException {
        DiskFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** One download attempt: its response handling on an I/O thread, then its end on a finishing thread. */
    private final class Transfer implements AsyncResponseConsumer<Transfer> {
        final String id;
        final PartFile partFile;
        final Path part;
        long offset;
        final CompletableFuture<DownloadResult> result = new CompletableFuture<>();
        final MessageDigest sha = sha256();
        final Object hashLock = new Object();
        final java.util.concurrent.atomic.AtomicBoolean hashQueued = new java.util.concurrent.atomic.AtomicBoolean();
        volatile long hashed;
        FileChannel reader;
        boolean readerClosed;
        final byte[] head = new byte[8];
        int headLength;
        long expectedTotal = -1;
        volatile long written;
        long nextLog = Long.MAX_VALUE;
        String contentType = "no content type";
        FileChannel channel;
        SpeedWatch speed;
        FutureCallback<Transfer> done;

        Transfer(String id, PartFile part, long offset) {
            this.id = id;
            this.partFile = part;
            this.part = part.path();
            this.offset = offset;
        }

        @Override
        public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<Transfer> callback)
                throws IOException {
            int code = response.getCode();
            Header type = response.getFirstHeader("Content-Type");
            if (type != null && !type.getValue().isEmpty()) {
                contentType = type.getValue().toLowerCase(Locale.ROOT);
            }
            if (code == 401 || code == 403 || code == 404 || code == 410) {
                throw new Stop(DownloadResult.of(DownloadResult.Outcome.URL_REFUSED, id,
                        "storage host answered HTTP " + code + " (signed URL expired?)"), false);
            }
            if (code == 416) {
                Header range = response.getFirstHeader("Content-Range");
                Matcher m = UNSATISFIED_RANGE.matcher(range == null ? "" : range.getValue());
                throw new NothingLeft(m.find() ? Long.parseLong(m.group(1)) : -1);
            }
            if (code != 200 && code != 206) {
                throw new Stop(DownloadResult.of(DownloadResult.Outcome.RETRY, id, "storage host answered HTTP " + code), false);
            }
            if (code == 206) {
                Header range = response.getFirstHeader("Content-Range");
                Matcher m = CONTENT_RANGE.matcher(range == null ? "" : range.getValue());
                if (!m.find() || Long.parseLong(m.group(1)) != offset) {
                    throw startOver("storage host resumed at the wrong place");
                }
                expectedTotal = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                if (expectedTotal >= 0 && expectedTotal <= offset) {
                    throw startOver("storage host resumed at byte " + offset + " of a video of " + expectedTotal + " bytes");
                }
                long earlier = offset > 0 ? partFile.announcedTotal().orElse(-1) : -1;
                if (expectedTotal >= 0 && earlier >= 0 && expectedTotal != earlier) {
                    throw startOver("the video is now " + expectedTotal + " bytes, it was " + earlier + " when the download began");
                }
            } else {
                offset = 0;
                expectedTotal = entity == null ? 0 : entity.getContentLength();
            }
            if (expectedTotal > maxSize) {
                throw new Stop(DownloadResult.of(DownloadResult.Outcome.TOO_LARGE, id,
                        "video is " + expectedTotal + " bytes, larger than jimeng.download.max-size (" + maxSize + " bytes)"), true);
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
                throw new DiskFailure(e);
            }
            if (channel.size() != offset) {
                throw startOver("the partial file changed on disk before the transfer began");
            }
            speed = new SpeedWatch(stallTimeout, minSpeed, System.nanoTime());
            done = callback;
            if (entity == null) {
                callback.completed(this);
            }
        }

        /** The total of a fresh download is kept beside its part, to check a resumed transfer against. */
        private void rememberTotal() throws IOException {
            if (expectedTotal >= 0) {
                partFile.rememberTotal(expectedTotal);
            } else {
                partFile.forgetTotal();
            }
        }

        private Stop startOver(String why) {
            return new Stop(DownloadResult.of(DownloadResult.Outcome.RETRY, id, why + "; starting over"), true);
        }

        @Override
        public void informationResponse(HttpResponse response, HttpContext context) {
            // 1xx: nothing to do
        }

        @Override
        public void updateCapacity(CapacityChannel capacity) throws IOException {
            // Every chunk is written to the file before the next one is read: no buffering to limit.
            capacity.update(Integer.MAX_VALUE);
        }

        @Override
        public void consume(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (offset == 0 && headLength < head.length) {
                ByteBuffer peek = src.duplicate();
                int take = Math.min(head.length - headLength, peek.remaining());
                peek.get(head, headLength, take);
                headLength += take;
                if (headLength == head.length && !Mp4Check.startsLikeMp4(head, headLength)) {
                    throw new Stop(DownloadResult.of(DownloadResult.Outcome.NOT_VIDEO, id,
                            "storage host sent something that is not an MP4 (" + contentType + ")"), true);
                }
            }
            if (written + n > maxSize) {
                throw new Stop(DownloadResult.of(DownloadResult.Outcome.TOO_LARGE, id,
                        "video grew past jimeng.download.max-size (" + maxSize + " bytes)"), true);
            }
            try {
                while (src.hasRemaining()) {
                    channel.write(src);
                }
            } catch (IOException e) {
                throw new DiskFailure(e);
            }
            written += n;
            metrics.bytes(n);
            if (speed.tooSlow(System.nanoTime(), written - offset)) {
                throw new Stop(DownloadResult.of(DownloadResult.Outcome.RETRY, id, "storage host sent fewer than "
                        + speed.minBytes() + " bytes in " + stallTimeout + " ms (jimeng.download.min-speed)"), false);
            }
            if (written - hashed >= HASH_STEP && hashQueued.compareAndSet(false, true)) {
                try {
                    finishing.execute(() -> {
                        hashQueued.set(false);
                        try {
                            hashUpTo(written);
                        } catch (IOException e) {
                            // the transfer broke off meanwhile, or the disk fails: verify() hashes again and tells
                        }
                    });
                } catch (RejectedExecutionException stopping) {
                    hashQueued.set(false);
                }
            }
            if (written >= nextLog) {
                LOG.info("{} downloading {}% ({} of {} MB)", id, written * 100 / expectedTotal, written >> 20, expectedTotal >> 20);
                nextLog += expectedTotal / 10;
            }
        }

        @Override
        public void streamEnd(List<? extends Header> trailers) {
            done.completed(this);
        }

        @Override
        public void failed(Exception cause) {
            // reported through the request's callback
        }

        @Override
        public void releaseResources() {
            // the channel is closed when the transfer ends, on a finishing thread
        }

        /** The rest happens on a finishing thread, and so does the route that continues from the result. */
        void finishWith(java.util.concurrent.Callable<DownloadResult> end) {
            Runnable finish = () -> {
                try {
                    result.complete(end.call());
                } catch (UncheckedIOException e) {
                    result.completeExceptionally(e);
                } catch (IOException e) {
                    result.completeExceptionally(new UncheckedIOException("cannot write the download to disk: " + e.getMessage(), e));
                } catch (Exception | Error e) {
                    result.completeExceptionally(e);
                }
            };
            try {
                finishing.execute(finish);
            } catch (RejectedExecutionException stopping) {
                finish.run();
            }
        }

        /** Feeds the checksum with the file's bytes up to limit, from where it stopped. */
        void hashUpTo(long limit) throws IOException {
            synchronized (hashLock) {
                if (readerClosed) {
                    throw new IOException("transfer already ended");
                }
                if (reader == null) {
                    reader = FileChannel.open(part, StandardOpenOption.READ);
                }
                ByteBuffer buffer = ByteBuffer.allocate(HASH_BUFFER);
                long position = hashed;
                while (position < limit) {
                    buffer.clear().limit((int) Math.min(HASH_BUFFER, limit - position));
                    int n = reader.read(buffer, position);
                    if (n < 0) {
                        throw new IOException("file ended at byte " + position + " while hashing it");
                    }
                    buffer.flip();
                    sha.update(buffer);
                    position += n;
                    hashed = position;
                }
            }
        }

        void closeReader() {
            synchronized (hashLock) {
                readerClosed = true;
                if (reader != null) {
                    try {
                        reader.close();
                    } catch (IOException ignored) {
                        // read only
                    }
                    reader = null;
                }
            }
        }

        /** The whole body arrived: force it to disk, then check it. */
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
                return check();
            } finally {
                closeReader();
            }
        }

        /** As long as announced, still the file that was written, a whole MP4: then its checksum. */
        private DownloadResult check() throws IOException {
            if (!Files.exists(part) || Files.size(part) != written) {
                partFile.delete();
                return DownloadResult.of(DownloadResult.Outcome.RETRY, id,
                        "the partial file was removed or changed on disk during the download; starting over");
            }
            if (expectedTotal >= 0 && written != expectedTotal) {
                if (written > expectedTotal) {
                    partFile.delete();
                }
                return DownloadResult.of(DownloadResult.Outcome.RETRY, id, "transfer cut short: " + written + " of " + expectedTotal + " bytes");
            }
            Mp4Check.Finding mp4 = Mp4Check.check(part);
            if (mp4.verdict() == Mp4Check.Verdict.CUT_SHORT && expectedTotal < 0) {
                // No length was announced: the connection's end is no proof the video ended.
                return DownloadResult.of(DownloadResult.Outcome.RETRY, id, "transfer ended before the video did: " + mp4.detail());
            }
            if (mp4.verdict() != Mp4Check.Verdict.WHOLE) {
                partFile.delete();
                return DownloadResult.of(DownloadResult.Outcome.NOT_VIDEO, id, "downloaded file is not a whole MP4: " + mp4.detail());
            }
            hashUpTo(written);
            String digest = HexFormat.of().formatHex(sha.digest());
            partFile.forgetTotal();
            metrics.completed();
            return new DownloadResult(DownloadResult.Outcome.COMPLETE, id, part, written, digest,
                    written + " bytes" + (offset > 0 ? ", resumed at byte " + offset : ""));
        }

        /**
         * HTTP 416 to "Range: bytes={offset}-": a part as long as the whole video (the 416's total, or,
         * when it names none, a part that is a whole MP4) is the finished download; anything else starts over.
         */
        DownloadResult nothingLeftToSend(NothingLeft answer) throws IOException {
            boolean whole = offset > 0 && (answer.total >= 0
                    ? answer.total == offset
                    : Mp4Check.check(part).verdict() == Mp4Check.Verdict.WHOLE);
            if (!whole) {
                partFile.delete();
                return DownloadResult.of(DownloadResult.Outcome.RETRY, id, "storage host refused to resume at byte " + offset
                        + " (HTTP 416" + (answer.total >= 0 ? ", video is " + answer.total + " bytes" : "") + "); starting over");
            }
            LOG.info("{} the storage host has nothing after byte {}: the download on disk is whole", id, offset);
            written = offset;
            expectedTotal = offset;
            return verify();
        }

        /** The transfer ended early: on purpose (a {@link Stop}), from a full disk, or from the network. */
        DownloadResult brokeOff(Exception cause) throws IOException {
            if (cause instanceof NothingLeft answer) {
                return nothingLeftToSend(answer); // before any byte was written
            }
            closeReader();
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // what is on disk is measured below
                }
            }
            if (cause instanceof Stop stop) {
                if (stop.deletePart) {
                    partFile.delete();
                }
                return stop.result;
            }
            if (cause instanceof DiskFailure disk) {
                throw new UncheckedIOException("cannot write the download to disk: " + disk.getMessage(), (IOException) disk.getCause());
            }
            long onDisk = Files.exists(part) ? Files.size(part) : 0;
            return DownloadResult.of(DownloadResult.Outcome.RETRY, id,
                    "transfer broke off after " + onDisk + " bytes (" + cause.getClass().getSimpleName() + ")");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counters for the metrics endpoint. */
    public static class DownloadMetrics {
        private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong completed = new java.util.concurrent.atomic.AtomicLong();

        void bytes(long n) {
            bytes.addAndGet(n);
        }

        void completed() {
            completed.incrementAndGet();
        }

        public long bytesDownloaded() {
            return bytes.get();
        }

        public long downloadsCompleted() {
            return completed.get();
        }
    }

}

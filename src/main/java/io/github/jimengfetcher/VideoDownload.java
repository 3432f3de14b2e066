package io.github.jimengfetcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.util.TimeUtils;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a video from the storage host to work/downloads/{id}.mp4.part in a
 * bounded buffer, resuming with a Range request where the host allows it, and
 * verifies it: as long as announced, no larger than the limit, an MP4.
 *
 * The signed URL needs no credentials: this client has no Authorization header
 * to send, and keeps none across redirects.
 */
public class VideoDownload {

    private static final Logger LOG = LoggerFactory.getLogger(VideoDownload.class);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final long PROGRESS_LOG_THRESHOLD = 50L * 1024 * 1024;

    private TaskStore store;
    private Path folder = Path.of("data/work/downloads");
    private long connectTimeout = 10_000;
    private long stallTimeout = 30_000;
    private long maxSize = 2L << 30;
    private int maxConcurrent = 4;
    private int bufferSize = 256 * 1024;
    private CloseableHttpClient client;
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
        client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
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
                .evictIdleConnections(Timeout.ofMinutes(1))
                .build();
    }

    public void stop() throws IOException {
        if (client != null) {
            client.close();
        }
    }

    Path partFile(String id) {
        return folder.resolve(TaskIds.require(id) + ".mp4.part");
    }

    /** Discards what is on disk for a task, e.g. once it failed for good. */
    public void discard(String id) throws IOException {
        Files.deleteIfExists(partFile(id));
    }

    public DownloadResult download(String id) throws IOException {
        Task task = store.find(id).orElseThrow(() -> new IllegalStateException("task " + id + " is not pending"));
        String url = task.videoUrl;
        Path part = partFile(id);
        long offset = Files.exists(part) ? Files.size(part) : 0;
        HttpGet get = new HttpGet(URI.create(url));
        if (offset > 0) {
            get.addHeader("Range", "bytes=" + offset + "-");
        }
        ClassicHttpResponse response = null;
        try {
            response = client.executeOpen(null, get, null);
            int code = response.getCode();
            if (code == 401 || code == 403 || code == 404 || code == 410) {
                get.cancel();
                return DownloadResult.of(DownloadResult.Outcome.URL_REFUSED, id, "storage host answered HTTP " + code + " (signed URL expired?)");
            }
            if (code == 416) {
                get.cancel();
                Files.deleteIfExists(part);
                return DownloadResult.of(DownloadResult.Outcome.RETRY, id, "storage host refused to resume (HTTP 416); starting over");
            }
            if (code != 200 && code != 206) {
                get.cancel();
                return DownloadResult.of(DownloadResult.Outcome.RETRY, id, "storage host answered HTTP " + code);
            }
            long expectedTotal;
            if (code == 206) {
                Matcher range = CONTENT_RANGE.matcher(header(response, "Content-Range"));
                if (!range.find() || Long.parseLong(range.group(1)) != offset) {
                    get.cancel();
                    Files.deleteIfExists(part);
                    return DownloadResult.of(DownloadResult.Outcome.RETRY, id, "storage host resumed at the wrong place; starting over");
                }
                expectedTotal = range.group(3).equals("*") ? -1 : Long.parseLong(range.group(3));
            } else {
                offset = 0;
                HttpEntity entity = response.getEntity();
                expectedTotal = entity == null ? -1 : entity.getContentLength();
            }
            if (expectedTotal > maxSize) {
                get.cancel();
                Files.deleteIfExists(part);
                return DownloadResult.of(DownloadResult.Outcome.TOO_LARGE, id,
                        "video is " + expectedTotal + " bytes, larger than jimeng.download.max-size (" + maxSize + " bytes)");
            }
            return receive(id, get, response, part, offset, expectedTotal);
        } catch (IOException e) {
            long onDisk = Files.exists(part) ? Files.size(part) : 0;
            return DownloadResult.of(DownloadResult.Outcome.RETRY, id,
                    "transfer broke off after " + onDisk + " bytes (" + e.getClass().getSimpleName() + ")");
        } finally {
            closeQuietly(response);
        }
    }

    /** After a cancelled request, closing may fail: the outcome is already decided. */
    private static void closeQuietly(ClassicHttpResponse response) {
        if (response != null) {
            try {
                response.close();
            } catch (IOException | RuntimeException ignored) {
                // the connection is discarded either way
            }
        }
    }

    private DownloadResult receive(String id, HttpGet get, ClassicHttpResponse response, Path part, long offset, long expectedTotal)
            throws IOException {
        MessageDigest sha = sha256();
        long written = offset;
        long nextLog = expectedTotal >= PROGRESS_LOG_THRESHOLD ? expectedTotal / 10 : Long.MAX_VALUE;
        HttpEntity entity = response.getEntity();
        StandardOpenOption mode = offset > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        try (InputStream body = entity == null ? InputStream.nullInputStream() : new DigestInputStream(entity.getContent(), sha);
             FileChannel channel = onDisk(() -> FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode));
             OutputStream out = Channels.newOutputStream(channel)) {
            byte[] buffer = new byte[bufferSize];
            int n;
            while ((n = body.read(buffer)) >= 0) {
                if (written == 0 && n > 0 && n < 8) {
                    // Too short to check the ftyp box yet: gather at least 8 bytes first.
                    int more = body.readNBytes(buffer, n, 8 - n);
                    n += more;
                }
                if (written == 0 && !Mp4Check.startsLikeMp4(buffer, n)) {
                    get.cancel();
                    out.close();
                    Files.deleteIfExists(part);
                    return DownloadResult.of(DownloadResult.Outcome.NOT_VIDEO, id,
                            "storage host sent something that is not an MP4 (" + contentType(response) + ")");
                }
                if (written + n > maxSize) {
                    get.cancel();
                    out.close();
                    Files.deleteIfExists(part);
                    return DownloadResult.of(DownloadResult.Outcome.TOO_LARGE, id,
                            "video grew past jimeng.download.max-size (" + maxSize + " bytes)");
                }
                int length = n;
                onDisk(() -> {
                    out.write(buffer, 0, length);
                    return null;
                });
                written += n;
                metrics.bytes(n);
                if (written >= nextLog) {
                    LOG.info("{} downloading {}% ({} of {} MB)", id, written * 100 / expectedTotal, written >> 20, expectedTotal >> 20);
                    nextLog += expectedTotal / 10;
                }
            }
            onDisk(() -> {
                channel.force(false);
                return null;
            });
        }
        if (expectedTotal >= 0 && written != expectedTotal) {
            if (written > expectedTotal) {
                Files.deleteIfExists(part);
            }
            return DownloadResult.of(DownloadResult.Outcome.RETRY, id,
                    "transfer cut short: " + written + " of " + expectedTotal + " bytes");
        }
        if (!Mp4Check.isMp4(part)) {
            Files.deleteIfExists(part);
            return DownloadResult.of(DownloadResult.Outcome.NOT_VIDEO, id, "downloaded file is not an MP4");
        }
        String digest = offset == 0 ? HexFormat.of().formatHex(sha.digest()) : sha256Of(part);
        metrics.completed();
        return new DownloadResult(DownloadResult.Outcome.COMPLETE, id, part, written, digest,
                written + " bytes" + (offset > 0 ? ", resumed at byte " + offset : ""));
    }

    private interface DiskStep<T> {
        T run() throws IOException;
    }

    /**
     * A failing disk (full, unwritable) is not the download's fault: it escapes as an
     * unchecked exception so the task waits and retries without using up its attempts.
     */
    private static <T> T onDisk(DiskStep<T> step) {
        try {
            return step.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the download to disk: " + e.getMessage(), e);
        }
    }

    private static String header(ClassicHttpResponse response, String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? "" : header.getValue();
    }

    private static String contentType(ClassicHttpResponse response) {
        String type = header(response, "Content-Type");
        return type.isEmpty() ? "no content type" : type.toLowerCase(Locale.ROOT);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Of(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
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

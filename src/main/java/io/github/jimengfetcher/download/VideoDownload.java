package io.github.jimengfetcher.download;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Variable;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.DefaultThreadFactory;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

import io.github.jimengfetcher.config.DownloadSettings;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.TaskId;

/**
 * Streams a video from the storage host to work/downloads/{id}.mp4.part, resuming
 * with a Range request where the host allows it, and verifies it: as long as
 * announced, no larger than the limit, a whole MP4 ({@link Mp4Check}). Owns the HTTP
 * client and the finishing threads; each attempt is a {@link VideoTransfer}.
 *
 * Transfers are non-blocking: a few I/O threads move the bytes of every download
 * in flight straight from the socket to the file (no more than one network buffer
 * per connection in memory), so a slow storage host holds no thread and many
 * downloads can run at once. A small pool of finishing threads computes the SHA-256
 * from the file as it grows ({@link PartHasher}: on another core than the transfer,
 * which it would otherwise slow down by a third), and once a transfer has ended forces
 * the file to disk, checks it ({@link DownloadChecks}) and carries on with the route.
 *
 * The signed URL needs no credentials: this client sends no key, and keeps none across
 * redirects, except to a provider whose videos are on its own host behind its key
 * ({@code download.needs-key}): only requests to that host under that path carry it, added
 * as each goes out, a redirect elsewhere none.
 */
public class VideoDownload {

    /** Bytes read from a connection at once: large enough for few system calls, small enough for many connections. */
    private static final int NETWORK_BUFFER = 256 * 1024;
    /** Threads that force finished files to disk and run the rest of the route; fsyncs in parallel batch well. */
    private static final int FINISHING_THREADS = 5;

    private final Path folder;
    private final long connectTimeout;
    private final long stallTimeout;
    /** Bytes a second, averaged over the stall timeout, below which a download is cut off and resumed later. */
    private final long minSpeed;
    private final long maxSize;
    private final int maxConcurrent;
    private CloseableHttpAsyncClient client;
    private HttpRequestInterceptor providerKeys;
    private ExecutorService finishing;
    private final DownloadMetrics metrics = new DownloadMetrics();
    /** The transfer in flight for each task, with the epoch of the lease it runs under. */
    private final Map<TaskId, Running> inFlight = new ConcurrentHashMap<>();
    /** The app stops: no transfer starts, and those cut off end as {@link DownloadResult.Outcome#STOPPED}. */
    private volatile boolean stopping;

    /** The images' transfers (their results by their requests): a stop cuts them off with the videos'. */
    private final Map<Future<?>, CompletableFuture<?>> images = new ConcurrentHashMap<>();
    private record Running(long epoch, Future<VideoTransfer> transfer, CompletableFuture<DownloadResult> result) {
    }

    /** Partial downloads go to the folder (the instance's own). */
    public VideoDownload(DownloadSettings settings, Path folder) {
        this.folder = folder;
        this.connectTimeout = settings.connectTimeout().toMillis();
        this.stallTimeout = settings.stallTimeout().toMillis();
        this.minSpeed = settings.minSpeed();
        this.maxSize = settings.maxSize();
        this.maxConcurrent = settings.maxConcurrent();
    }

    /** Adds the providers' keys to requests for their own video paths (see the class comment); before {@link #start()}. */
    public void setProviderKeys(HttpRequestInterceptor keys) {
        this.providerKeys = keys;
    }

    public DownloadMetrics getMetrics() {
        return metrics;
    }

    public void start() throws IOException {
        Files.createDirectories(folder);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(FINISHING_THREADS, FINISHING_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DefaultThreadFactory("video-finish", true));
        finishing = pool;
        finishing.execute(PartHasher::warmUp);
        HttpAsyncClientBuilder builder = HttpAsyncClients.custom();
        if (providerKeys != null) {
            builder.addRequestInterceptorLast(providerKeys);
        }
        client = builder
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

    Path partFile(TaskId id) {
        return folder.resolve(id + ".mp4.part");
    }

    /** Discards what is on disk for a task, e.g. once it failed for good. */
    public void discard(@Variable("taskId") TaskId id) throws IOException {
        new PartFile(partFile(id)).delete();
    }

    /** Downloads the leased task's video (its URL as the lease's copy holds it). */
    public CompletableFuture<DownloadResult> download(@Variable("lease") Lease lease) throws IOException {
        return transfer(lease.taskId(), lease.videoUrl(), lease.epoch());
    }

    /**
     * Starts the download of the video at url (as it goes on the wire, see {@link VideoRequest}) and
     * returns at once. The result (or an {@link UncheckedIOException} when the disk, not the download,
     * failed) arrives on a finishing thread, never on an I/O thread.
     *
     * @param epoch the epoch of the task's lease: a transfer of an earlier lease of the task, still
     *              in flight (its lease ran out unrenewed), is stopped before this one touches the file
     */
    private CompletableFuture<DownloadResult> transfer(TaskId id, String url, long epoch) throws IOException {
        if (stopping) {
            return CompletableFuture.completedFuture(DownloadResult.of(DownloadResult.Outcome.STOPPED, id, "not started: the app stops"));
        }
        Running earlier = inFlight.get(id);
        if (earlier != null && earlier.epoch() < epoch) {
            earlier.transfer().cancel(true);
            try {
                earlier.result().get(stallTimeout + connectTimeout, TimeUnit.MILLISECONDS);
            } catch (Exception ended) {
                // it ended one way or another
            }
        }
        PartFile part = new PartFile(partFile(id));
        long offset = part.size();
        SimpleHttpRequest get = VideoRequest.from(url, offset);
        VideoTransfer transfer = new VideoTransfer(id, part, offset, new VideoTransfer.Limits(maxSize, stallTimeout, minSpeed),
                finishing, metrics);
        CompletableFuture<DownloadResult> result = new CompletableFuture<>();
        Future<VideoTransfer> transferring = client.execute(SimpleRequestProducer.create(get), transfer, null, null, new FutureCallback<VideoTransfer>() {
            @Override
            public void completed(VideoTransfer done) {
                finish(result, transfer::verify);
            }

            @Override
            public void failed(Exception cause) {
                finish(result, () -> stopping ? transfer.cutOffByStop(cause) : transfer.brokeOff(cause));
            }

            @Override
            public void cancelled() {
                finish(result, () -> stopping ? transfer.cutOffByStop(null) : transfer.brokeOff(new IOException("download cancelled")));
            }
        });
        Running running = new Running(epoch, transferring, result);
        inFlight.put(id, running);
        result.whenComplete((done, fault) -> inFlight.remove(id, running));
        if (stopping) {
            // begun while the stop took its list of transfers to cut off
            transferring.cancel(true);
        }
        return result;
    }

    /** Stops the transfer running under this lease, if any: the lease was lost, the task is someone else's now. */
    public void cancel(Lease lease) {
        Running running = inFlight.get(lease.taskId());
        if (running != null && running.epoch() == lease.epoch()) {
            running.transfer().cancel(true);
        }
    }

    /**
     * The app stops: no transfer starts any more, and every one in flight is cut off now (its
     * connection closed, so no byte arrives after this; its part stays on disk for a Range resume).
     * Waits, at most waitMillis, until each has ended and been handed to its route.
     *
     * @return how many transfers were cut off
     */
    public int cutOffAll(long waitMillis) throws InterruptedException {
        stopping = true;
        List<Running> running = List.copyOf(inFlight.values());
        Map<Future<?>, CompletableFuture<?>> imagesNow = Map.copyOf(images);
        running.forEach(transfer -> transfer.transfer().cancel(true));
        imagesNow.keySet().forEach(transfer -> transfer.cancel(true));
        List<CompletableFuture<?>> ends = new ArrayList<>(imagesNow.values());
        running.forEach(transfer -> ends.add(transfer.result()));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        for (CompletableFuture<?> end : ends) {
            try {
                end.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | CancellationException | TimeoutException ended) {
                // ended one way or another, or out of time: the stop goes on
            }
        }
        return ends.size();
    }

    /** An image's transfer, cut off by a stop as a video's is ({@link #cutOffAll}). */
    void track(Future<?> transfer, CompletableFuture<?> result) {
        images.put(transfer, result);
        result.whenComplete((done, fault) -> images.remove(transfer));
        if (stopping) {
            transfer.cancel(true);
        }
    }

    /** Whether the app stops: an image cut off now ends as stopped, its part kept. */
    boolean stopping() {
        return stopping;
    }

    /** The watch an image's transfer is held to as well: jimeng.download.min-speed over the stall window. */
    SpeedWatch speedWatch() {
        return new SpeedWatch(stallTimeout, minSpeed, System.nanoTime());
    }
    /** The client images beside the videos are downloaded on too ({@link ImageDownload}): its limits, its I/O threads. */
    CloseableHttpAsyncClient client() {
        return client;
    }

    /** The rest happens on a finishing thread, and so does the route that continues from the result. */
    <T> void finish(CompletableFuture<T> result, Callable<T> end) {
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
}

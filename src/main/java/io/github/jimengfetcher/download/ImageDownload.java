package io.github.jimengfetcher.download;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.apache.camel.Variable;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.VideoUrlCandidates;
import io.github.jimengfetcher.api.VideoUrlExpiry;
import io.github.jimengfetcher.config.ImageSettings;
import io.github.jimengfetcher.download.ImageResult.Kind;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskIds;

/**
 * The images a finished task's answer names (bean {@code imageDownload}, routes/finish.yaml), each
 * streamed to work/downloads/{id}.{name}.image.part on the video download's client and threads
 * ({@link ImageTransfer}), one after another. A URL refused (not http(s), not on
 * jimeng.download.allowed-hosts) or lapsed by its own expiry is not asked at all; an image cut off
 * or answered with a 5xx is asked again, at most {@link #REQUESTS} requests in all, each continuing
 * the part on disk with a Range request as a video's download does. A part stays only while its
 * image may still be asked for: also one a killed run left, continued when the task finishes again.
 * No outcome is an exception: each image ends as an {@link ImageResult}, so an image never fails its task.
 */
public class ImageDownload {

    /** Requests for one image at one URL: the first, and the continuations of a part cut off. */
    static final int REQUESTS = 3;
    private static final String PART_SUFFIX = ".image.part";
    private static final Logger LOG = LoggerFactory.getLogger(ImageDownload.class);

    private final VideoDownload client;
    private final VideoUrlCandidates urls;
    private final ImageSettings settings;
    private final Path folder;
    private final LongSupplier clock;

    public ImageDownload(VideoDownload client, VideoUrlCandidates urls, ImageSettings settings, Path folder, LongSupplier clock) {
        this.client = client;
        this.urls = urls;
        this.settings = settings;
        this.folder = folder;
        this.clock = clock;
    }

    /**
     * Removes the image parts (and what is known of them) of every task that is not pending: their
     * images were saved or given up, or the task is no longer known. Only the tasks that have parts
     * are looked up, so a store of millions of tasks is not read for this.
     *
     * @param isPending whether the store holds this id as a pending task
     */
    public void removeStaleParts(Predicate<TaskId> isPending) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        int removed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(folder, "*" + PART_SUFFIX + "*")) {
            for (Path part : parts) {
                if (!ofAnyPending(part.getFileName().toString(), isPending)) {
                    Files.deleteIfExists(part);
                    removed++;
                }
            }
        }
        if (removed > 0) {
            LOG.info("Removed {} partial images of tasks no longer pending from {}", removed, folder.toAbsolutePath());
        }
    }

    /** Whether the name is "{id}.{image}.image.part..." of a pending task (an id may hold dots itself). */
    private static boolean ofAnyPending(String name, Predicate<TaskId> isPending) {
        for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
            String candidate = name.substring(0, dot);
            if (TaskIds.problemWith(candidate) == null && isPending.test(TaskId.of(candidate))) {
                return true;
            }
        }
        return false;
    }

    /** jimeng.output.images: false, and no image is asked for. */
    public boolean isOn() {
        return settings.enabled();
    }

    /**
     * Downloads each image of the answer (name to URL, as the provider file lists them).
     *
     * @return each image's end, in the same order; completes on a finishing thread
     */
    public CompletableFuture<List<ImageResult>> download(@Variable("taskId") TaskId id, @Variable("imageUrls") Map<String, String> images) {
        CompletableFuture<List<ImageResult>> all = CompletableFuture.completedFuture(new ArrayList<>());
        for (Map.Entry<String, String> image : images.entrySet()) {
            all = then(all, () -> one(id, image.getKey(), image.getValue()));
        }
        return all;
    }

    /** Whether an image's URL lapsed: then a fresh answer of the task is asked for its fresh URLs. */
    public boolean anyExpired(@Variable("imageDownloads") List<ImageResult> results) {
        return results.stream().anyMatch(result -> result.kind() == Kind.URL_EXPIRED);
    }

    /** Whether the stop cut an image off: then the task is not finished now but at the next start, its part resumed. */
    public boolean anyStopped(@Variable("imageDownloads") List<ImageResult> results) {
        return results.stream().anyMatch(result -> result.kind() == Kind.STOPPED);
    }

    /**
     * The images whose URL lapsed, asked once more at the URLs of a fresh answer of the task; the
     * others as they ended.
     *
     * @param fresh the fresh answer's images (name to URL), or null when it could not be fetched
     * @param fault why the fresh answer could not be fetched (with fresh null)
     */
    public CompletableFuture<List<ImageResult>> again(@Variable("taskId") TaskId id, @Variable("imageDownloads") List<ImageResult> first,
                                                      @Variable("freshImageUrls") Map<String, String> fresh,
                                                      @Variable("freshAnswerFault") String fault) {
        CompletableFuture<List<ImageResult>> all = CompletableFuture.completedFuture(new ArrayList<>());
        for (ImageResult result : first) {
            if (result.kind() != Kind.URL_EXPIRED) {
                all = then(all, () -> CompletableFuture.completedFuture(result));
            } else if (fresh == null) {
                all = then(all, () -> givenUp(id, ImageResult.failed(result.name(), Kind.URL_EXPIRED,
                        result.error() + "; fetching the task again for a fresh URL failed: " + fault)));
            } else if (!fresh.containsKey(result.name())) {
                all = then(all, () -> givenUp(id, ImageResult.failed(result.name(), Kind.URL_EXPIRED,
                        result.error() + "; the task's fresh answer names no URL for it")));
            } else {
                all = then(all, () -> one(id, result.name(), fresh.get(result.name())).thenCompose(again -> again.kind() == Kind.URL_EXPIRED
                        ? givenUp(id, ImageResult.failed(again.name(), Kind.URL_EXPIRED, again.error() + ", also at the fresh answer's URL"))
                        : CompletableFuture.completedFuture(again)));
            }
        }
        return all;
    }

    private static CompletableFuture<List<ImageResult>> then(CompletableFuture<List<ImageResult>> before,
                                                             java.util.function.Supplier<CompletableFuture<ImageResult>> next) {
        return before.thenCompose(list -> next.get().thenApply(result -> {
            list.add(result);
            return list;
        }));
    }

    private CompletableFuture<ImageResult> one(TaskId id, String name, String url) {
        String wire;
        try {
            wire = urls.wireForm(url);
        } catch (IllegalArgumentException refused) {
            return CompletableFuture.completedFuture(ImageResult.failed(name, Kind.REFUSED, refused.getMessage()));
        }
        Long expires = VideoUrlExpiry.expiresAt(wire);
        if (expires != null && expires <= clock.getAsLong()) {
            return CompletableFuture.completedFuture(ImageResult.failed(name, Kind.URL_EXPIRED,
                    "its signed URL expired at " + Instant.ofEpochMilli(expires)));
        }
        return tries(name, wire, part(id, name), REQUESTS).thenCompose(end -> end.saved() || end.kind() == Kind.URL_EXPIRED
                || end.kind() == Kind.STOPPED
                ? CompletableFuture.completedFuture(end) : givenUp(id, end));
    }

    private PartFile part(TaskId id, String name) {
        return new PartFile(folder.resolve(id + "." + ImageResult.fileLabel(name) + PART_SUFFIX));
    }

    /** An image no longer asked for: nothing of it is kept. A lapsed URL's part stays for the fresh answer's URL until then. */
    private CompletableFuture<ImageResult> givenUp(TaskId id, ImageResult end) {
        try {
            part(id, end.name()).delete();
        } catch (IOException left) {
            LOG.warn("{} cannot remove the partial image {}: {}", id, end.name(), left.getMessage());
        }
        return CompletableFuture.completedFuture(end);
    }

    private CompletableFuture<ImageResult> tries(String name, String wire, PartFile part, int left) {
        return transfer(name, wire, part).thenCompose(end -> end.kind() == Kind.CUT_OFF && left > 1
                ? tries(name, wire, part, left - 1) : CompletableFuture.completedFuture(end));
    }

    /** One request for the image, from the end of its part on disk; its end (never an exception: a disk that cannot be written is the image's failure too). */
    private CompletableFuture<ImageResult> transfer(String name, String wire, PartFile part) {
        long offset;
        try {
            offset = part.size();
        } catch (IOException unreadable) {
            return CompletableFuture.completedFuture(ImageResult.failed(name, Kind.REFUSED, "cannot read the partial image: " + unreadable.getMessage()));
        }
        if (client.stopping()) {
            return CompletableFuture.completedFuture(ImageResult.failed(name, Kind.STOPPED, "not started: the app stops"));
        }
        ImageTransfer transfer = new ImageTransfer(name, part, offset, settings.maxSize(), client::speedWatch);
        CompletableFuture<ImageResult> result = new CompletableFuture<>();
        try {
            client.track(client.client().execute(SimpleRequestProducer.create(VideoRequest.from(wire, offset)), transfer, null, null, new FutureCallback<ImageTransfer>() {
                @Override
                public void completed(ImageTransfer done) {
                    client.finish(result, transfer::verify);
                }

                @Override
                public void failed(Exception cause) {
                    client.finish(result, () -> client.stopping() ? transfer.cutOffByStop(cause) : transfer.brokeOff(cause));
                }

                @Override
                public void cancelled() {
                    client.finish(result, () -> client.stopping() ? transfer.cutOffByStop(null)
                            : transfer.brokeOff(new IOException("download cancelled")));
                }
            }), result);
        } catch (RuntimeException notSent) {
            // a URL the request cannot be made of, or a client already closed by the stop
            result.complete(ImageResult.failed(name, client.stopping() ? Kind.STOPPED : Kind.REFUSED, "not asked: " + notSent.getMessage()));
        }
        return result.handle((ended, fault) -> fault == null ? ended
                : ImageResult.failed(name, Kind.REFUSED, "cannot write the image to disk: " + fault.getMessage()));
    }
}

package io.github.jimengfetcher.download;

import java.io.IOException;
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

import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

import io.github.jimengfetcher.download.ImageResult.Kind;

/**
 * One download of an image, as a video's ({@link VideoTransfer}) but simpler: each chunk written
 * to its file before the next is read, its first bytes checked to be an image ({@link ImageType}),
 * its length held to jimeng.output.max-image-size, its SHA-256 computed as the bytes pass (images
 * are small). No resume: a cut-off image is asked again from its start.
 */
final class ImageTransfer implements AsyncResponseConsumer<ImageTransfer> {

    /** Ends a transfer early with a result, thrown on an I/O thread. */
    static final class Ended extends IOException {
        final transient ImageResult result;

        Ended(ImageResult result) {
            super(result.error());
            this.result = result;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an outcome, not an error
        }
    }

    private final String name;
    private final Path part;
    private final long maxSize;
    private final byte[] head = new byte[ImageType.HEAD];
    private final MessageDigest sha;
    private int headLength;
    private ImageType type;
    private long announced = -1;
    private long written;
    private String contentType = "no content type";
    private FileChannel channel;
    private FutureCallback<ImageTransfer> done;

    ImageTransfer(String name, Path part, long maxSize) {
        this.name = name;
        this.part = part;
        this.maxSize = maxSize;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<ImageTransfer> callback)
            throws IOException {
        Header typeHeader = response.getFirstHeader("Content-Type");
        if (typeHeader != null && !typeHeader.getValue().isEmpty()) {
            contentType = typeHeader.getValue().toLowerCase(Locale.ROOT);
        }
        int code = response.getCode();
        if (code == 403 || code == 410) {
            throw end(Kind.URL_EXPIRED, "storage host answered HTTP " + code + " (signed URL expired?)");
        }
        if (code >= 500) {
            throw end(Kind.CUT_OFF, "storage host answered HTTP " + code);
        }
        if (code != 200) {
            throw end(Kind.REFUSED, "storage host answered HTTP " + code);
        }
        announced = entity == null ? 0 : entity.getContentLength();
        if (announced > maxSize) {
            throw tooLarge("image is " + announced + " bytes");
        }
        Files.createDirectories(part.getParent());
        channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        done = callback;
        if (entity == null) {
            callback.completed(this);
        }
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
        // 1xx: nothing to do
    }

    @Override
    public void updateCapacity(CapacityChannel capacity) throws IOException {
        capacity.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (headLength < head.length) {
            ByteBuffer peek = src.duplicate();
            int take = Math.min(head.length - headLength, peek.remaining());
            peek.get(head, headLength, take);
            headLength += take;
            if (headLength == head.length) {
                checkType();
            }
        }
        if (written + n > maxSize) {
            throw tooLarge("image grew past " + maxSize + " bytes");
        }
        sha.update(src.duplicate());
        while (src.hasRemaining()) {
            channel.write(src);
        }
        written += n;
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
        // the file is closed when the transfer ends
    }

    /** The whole body arrived: on disk, as long as announced, an image. */
    ImageResult verify() throws IOException {
        close(true);
        if (announced >= 0 && written != announced) {
            return delete(ImageResult.failed(name, Kind.CUT_OFF, "transfer cut short: " + written + " of " + announced + " bytes"));
        }
        try {
            if (type == null) {
                checkType();
            }
        } catch (Ended notAnImage) {
            return delete(notAnImage.result);
        }
        return new ImageResult(name, Kind.SAVED, part, type.extension, written, HexFormat.of().formatHex(sha.digest()), null);
    }

    /** The transfer ended early: on purpose (an {@link Ended}) or from the network; nothing of it is kept. */
    ImageResult brokeOff(Exception cause) throws IOException {
        close(false);
        if (cause instanceof Ended ended) {
            return delete(ended.result);
        }
        return delete(ImageResult.failed(name, Kind.CUT_OFF, "transfer broke off after " + written + " bytes ("
                + cause.getClass().getSimpleName() + ")"));
    }

    private void checkType() throws Ended {
        type = ImageType.of(head, headLength);
        if (type == null) {
            throw end(Kind.REFUSED, "not an image: the storage host sent something else (" + contentType + ")");
        }
    }

    private Ended tooLarge(String what) {
        return end(Kind.REFUSED, what + ", larger than jimeng.output.max-image-size (" + maxSize + " bytes)");
    }

    private Ended end(Kind kind, String error) {
        return new Ended(ImageResult.failed(name, kind, error));
    }

    private void close(boolean force) throws IOException {
        if (channel == null) {
            return;
        }
        try (FileChannel file = channel) {
            if (force) {
                file.force(false);
            }
        } finally {
            channel = null;
        }
    }

    private ImageResult delete(ImageResult result) throws IOException {
        Files.deleteIfExists(part);
        return result;
    }
}

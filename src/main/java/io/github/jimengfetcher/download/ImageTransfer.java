package io.github.jimengfetcher.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;

import io.github.jimengfetcher.download.ImageResult.Kind;

/**
 * One request for an image, as a video's ({@link VideoTransfer}) but simpler: each chunk written to
 * its part before the next is read, its first bytes checked to be an image ({@link ImageType}), its
 * length held to jimeng.output.max-image-size. A part on disk is continued as a video's is: a Range
 * request from its end, the answer read by {@link StorageAnswer} against the length the part's first
 * answer announced ({@link PartFile}); a 200 starts it over. A transfer cut off keeps its part for
 * the next request; one that cannot be mended by more bytes deletes it.
 */
final class ImageTransfer extends BodyToPart<ImageTransfer> {

    private final String name;
    private final PartFile partFile;
    private final Path part;
    private final long maxSize;
    private final byte[] head = new byte[ImageType.HEAD];
    private int headLength;
    private ImageType type;
    private long offset;
    private long announced = -1;
    private long written;
    private SpeedWatch speed;
    private final Supplier<SpeedWatch> speedWatch;

    /**
     * @param offset     the bytes of the part already on disk: asked from there
     * @param speedWatch a watch of jimeng.download.min-speed, started when the body begins: a trickling host gives the image up
     */
    ImageTransfer(String name, PartFile part, long offset, long maxSize, Supplier<SpeedWatch> speedWatch) {
        this.name = name;
        this.speedWatch = speedWatch;
        this.partFile = part;
        this.part = part.path();
        this.offset = offset;
        this.maxSize = maxSize;
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<ImageTransfer> callback)
            throws IOException {
        noteContentType(response);
        int code = response.getCode();
        Header range = response.getFirstHeader("Content-Range");
        StorageAnswer answer = StorageAnswer.of(code, range == null ? null : range.getValue(),
                entity == null ? 0 : entity.getContentLength(), offset, () -> partFile.announcedTotal().orElse(-1));
        switch (answer.kind()) {
            case URL_REFUSED -> throw code == 403 || code == 410
                    ? end(Kind.URL_EXPIRED, answer.detail(), false)
                    : end(Kind.REFUSED, "storage host answered HTTP " + code, true);
            case RETRY -> throw code >= 500 ? end(Kind.CUT_OFF, answer.detail(), false) : end(Kind.REFUSED, answer.detail(), true);
            case NOTHING_LEFT, START_OVER -> throw end(Kind.CUT_OFF, "storage host would not continue at byte " + offset
                    + " (" + answer.detail() + ")", true);
            case BODY -> {
                offset = answer.offset();
                announced = answer.total();
            }
        }
        if (announced > maxSize) {
            throw tooLarge("image is " + announced + " bytes");
        }
        Files.createDirectories(part.getParent());
        channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                offset > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        if (offset == 0 && announced >= 0) {
            partFile.rememberTotal(announced);
        } else if (offset == 0) {
            partFile.forgetTotal();
        }
        if (channel.size() != offset) {
            throw end(Kind.CUT_OFF, "the partial image changed on disk before the transfer began", true);
        }
        written = offset;
        speed = speedWatch.get();
        bodyFollows(entity, callback);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (offset == 0 && headLength < head.length) {
            // Something else than an image is stopped at its first bytes (a resumed part was checked when it began).
            headLength = peekHead(src, head, headLength);
            if (headLength == head.length) {
                checkType();
            }
        }
        if (written + n > maxSize) {
            throw tooLarge("image grew past " + maxSize + " bytes");
        }
        while (src.hasRemaining()) {
            channel.write(src);
        }
        written += n;
        if (speed.tooSlow(System.nanoTime(), written - offset)) {
            // what arrived stays: the next request continues it
            throw end(Kind.CUT_OFF, speed.why(), false);
        }
    }

    @Override
    protected ImageTransfer self() {
        return this;
    }

    /** The whole body arrived: on disk, as long as announced, an image; hashed from the file (images are small). */
    ImageResult verify() throws IOException {
        close(true);
        if (!Files.exists(part) || Files.size(part) != written) {
            return delete(ImageResult.failed(name, Kind.CUT_OFF, "the partial image was removed or changed on disk during the transfer"));
        }
        if (announced >= 0 && written != announced) {
            ImageResult cut = ImageResult.failed(name, Kind.CUT_OFF, "transfer cut short: " + written + " of " + announced + " bytes");
            return written > announced ? delete(cut) : cut;
        }
        try (InputStream in = Files.newInputStream(part)) {
            headLength = in.readNBytes(head, 0, head.length);
            checkType();
            MessageDigest sha = sha256();
            sha.update(head, 0, headLength);
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
            partFile.forgetTotal();
            return new ImageResult(name, Kind.SAVED, part, type.extension, written, HexFormat.of().formatHex(sha.digest()), null);
        } catch (TransferEnds.Stop notAnImage) {
            return delete(notAnImage.result());
        }
    }

    /** The transfer ended early: on purpose (a {@link TransferEnds.Stop}) or from the network, when what arrived stays for a Range request. */
    ImageResult brokeOff(Exception cause) throws IOException {
        close(false);
        if (cause instanceof TransferEnds.Stop stop) {
            return stop.deletePart ? delete(stop.result()) : stop.result();
        }
        return ImageResult.failed(name, Kind.CUT_OFF, "transfer broke off after " + written + " bytes ("
                + cause.getClass().getSimpleName() + ")");
    }

    /** Cut off because the app stops: what arrived stays for a Range request. An end the transfer came to by itself stands. */
    ImageResult cutOffByStop(Exception cause) throws IOException {
        if (cause instanceof TransferEnds.Stop) {
            return brokeOff(cause);
        }
        close(false);
        return ImageResult.failed(name, Kind.STOPPED, "cut off by the stop after " + written + " bytes, kept to resume");
    }

    private void checkType() throws TransferEnds.Stop {
        type = ImageType.of(head, headLength);
        if (type == null) {
            throw end(Kind.REFUSED, "not an image: the storage host sent something else (" + contentType + ")", true);
        }
    }

    private TransferEnds.Stop tooLarge(String what) {
        return end(Kind.REFUSED, what + ", larger than jimeng.output.max-image-size (" + maxSize + " bytes)", true);
    }

    private TransferEnds.Stop end(Kind kind, String error, boolean deletePart) {
        return new TransferEnds.Stop(ImageResult.failed(name, kind, error), deletePart);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        partFile.delete();
        return result;
    }
}

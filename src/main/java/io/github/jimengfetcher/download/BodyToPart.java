package io.github.jimengfetcher.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.Locale;

import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * What a video's and an image's transfer share: one storage host's answer whose body goes, chunk by
 * chunk, into a part file ({@link #channel}), each chunk written before the next is read, so no
 * more than one network buffer is in memory. The transfer ends by its callback: when the body ended,
 * or at once for an answer without one.
 *
 * @param <T> the transfer itself, handed to its callback
 */
abstract class BodyToPart<T extends BodyToPart<T>> implements AsyncResponseConsumer<T> {

    /** The answer's, for a message when the body is not what was asked for. */
    protected String contentType = "no content type";
    /** The part being written; closed when the transfer ends, on a finishing thread. */
    protected FileChannel channel;
    private FutureCallback<T> done;

    protected abstract T self();

    /** Keeps the answer's content type. */
    protected void noteContentType(HttpResponse response) {
        Header type = response.getFirstHeader("Content-Type");
        if (type != null && !type.getValue().isEmpty()) {
            contentType = type.getValue().toLowerCase(Locale.ROOT);
        }
    }

    /** The answer was taken: the body follows, or there is none and the transfer is complete. */
    protected void bodyFollows(EntityDetails entity, FutureCallback<T> callback) {
        done = callback;
        if (entity == null) {
            callback.completed(self());
        }
    }

    /** Copies the first bytes of the body into head, leaving src as it is; returns how many head holds now. */
    static int peekHead(ByteBuffer src, byte[] head, int headLength) {
        int take = Math.min(head.length - headLength, src.remaining());
        src.duplicate().get(head, headLength, take);
        return headLength + take;
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
    public void streamEnd(List<? extends Header> trailers) {
        done.completed(self());
    }

    @Override
    public void failed(Exception cause) {
        // reported through the request's callback
    }

    @Override
    public void releaseResources() {
        // the channel is closed when the transfer ends, on a finishing thread
    }
}

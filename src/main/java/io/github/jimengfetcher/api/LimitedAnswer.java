package io.github.jimengfetcher.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;

import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

/** The answer's body, counted as it is read; the deadline is disarmed once it is read or closed. */
final class LimitedAnswer extends HttpEntityWrapper {
    private final RequestDeadline deadline;
    private final long maxAnswerSize;
    private final Supplier<ApiRequestLimits.AnswerTooLargeException> tooLarge;

    LimitedAnswer(HttpEntity entity, RequestDeadline deadline, long maxAnswerSize,
                  Supplier<ApiRequestLimits.AnswerTooLargeException> tooLarge) {
        super(entity);
        this.deadline = deadline;
        this.maxAnswerSize = maxAnswerSize;
        this.tooLarge = tooLarge;
    }

    @Override
    public InputStream getContent() throws IOException {
        return new CountingStream(super.getContent(), deadline);
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = getContent()) {
            in.transferTo(out);
        }
    }

    @Override
    public boolean isRepeatable() {
        return false;
    }

    /** Reads at most one byte past the limit, then refuses; a fault is told as what it is (deadline passed, too large). */
    private final class CountingStream extends FilterInputStream {
        private final RequestDeadline deadline;
        private long count;

        CountingStream(InputStream in, RequestDeadline deadline) {
            super(in);
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (deadline.refusedTooLarge()) {
                throw tooLarge.get();
            }
            if (deadline.passed()) {
                throw deadline.fault(null);
            }
            int n;
            try {
                n = super.read(b, off, (int) Math.min(len, maxAnswerSize + 1 - count));
            } catch (IOException e) {
                deadline.disarm();
                throw deadline.passed() ? deadline.fault(e) : e;
            }
            if (n < 0) {
                deadline.disarm();
                return n;
            }
            count += n;
            if (count > maxAnswerSize) {
                deadline.disarm();
                deadline.refuseTooLarge();
                throw tooLarge.get();
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        @Override
        public void close() throws IOException {
            deadline.disarm();
            try {
                super.close();
            } catch (IOException e) {
                // a close in a finally block would otherwise hide why the connection was cut
                throw deadline.refusedTooLarge() ? tooLarge.get() : e;
            }
        }
    }
}

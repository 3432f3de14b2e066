package io.github.jimengfetcher.download;

import java.io.IOException;

/** How a transfer ends early on an I/O thread: thrown there, turned into a result by {@link VideoTransfer#brokeOff}. */
final class TransferEnds {

    private TransferEnds() {
    }

    /**
     * Ends a transfer early with its result (a video's {@link DownloadResult}, an image's {@link ImageResult});
     * thrown on an I/O thread, caught where the transfer is ended ({@link VideoTransfer#brokeOff}, {@link ImageTransfer#brokeOff}).
     */
    static final class Stop extends IOException {
        private final transient Object result;
        final boolean deletePart;

        Stop(DownloadResult result, boolean deletePart) {
            this(result, result.detail(), deletePart);
        }

        Stop(ImageResult result, boolean deletePart) {
            this(result, result.error(), deletePart);
        }

        private Stop(Object result, String detail, boolean deletePart) {
            super(detail);
            this.result = result;
            this.deletePart = deletePart;
        }

        /** The result, of the transfer that threw it. */
        @SuppressWarnings("unchecked")
        <R> R result() {
            return (R) result;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // an outcome, not an error
        }
    }

    /** HTTP 416 to a Range request from the end of the part; decided on a finishing thread, see {@link VideoTransfer#brokeOff}. */
    static final class NothingLeft extends IOException {
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
    static final class DiskFailure extends IOException {
        DiskFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}

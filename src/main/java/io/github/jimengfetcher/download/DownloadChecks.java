package io.github.jimengfetcher.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.github.jimengfetcher.task.TaskId;

/**
 * The checks on a transfer that has ended, before its video may be published: still the file
 * that was written, as long as announced, a whole MP4 ({@link Mp4Check}). A part that fails
 * in a way more bytes cannot mend is deleted here, so the next attempt starts over.
 */
final class DownloadChecks {

    private DownloadChecks() {
    }

    /**
     * Why the part cannot be published yet, or empty when it is whole.
     *
     * @param written       the bytes the transfer wrote in all (resumed ones included)
     * @param expectedTotal the video's length as the host announced it, -1 when it did not
     */
    static Optional<DownloadResult> problem(TaskId id, PartFile partFile, long written, long expectedTotal) throws IOException {
        Path part = partFile.path();
        if (!Files.exists(part) || Files.size(part) != written) {
            partFile.delete();
            return retry(id, "the partial file was removed or changed on disk during the download; starting over");
        }
        if (expectedTotal >= 0 && written != expectedTotal) {
            if (written > expectedTotal) {
                partFile.delete();
            }
            return retry(id, "transfer cut short: " + written + " of " + expectedTotal + " bytes");
        }
        Mp4Check.Finding mp4 = Mp4Check.check(part);
        if (mp4.verdict() == Mp4Check.Verdict.CUT_SHORT && expectedTotal < 0) {
            // No length was announced: the connection's end is no proof the video ended.
            return retry(id, "transfer ended before the video did: " + mp4.detail());
        }
        if (mp4.verdict() != Mp4Check.Verdict.WHOLE) {
            partFile.delete();
            return Optional.of(DownloadResult.of(DownloadResult.Outcome.NOT_VIDEO, id,
                    "downloaded file is not a whole MP4: " + mp4.detail()));
        }
        return Optional.empty();
    }

    /**
     * HTTP 416 to "Range: bytes={offset}-": a part as long as the whole video (the 416's total, or,
     * when it names none, a part that is a whole MP4) is the finished download, and empty is returned;
     * anything else is deleted and starts over.
     *
     * @param total the total in the 416's Content-Range ("bytes *\/N"), or -1 when it names none
     */
    static Optional<DownloadResult> nothingLeftToSend(TaskId id, PartFile partFile, long offset, long total) throws IOException {
        boolean whole = offset > 0 && (total >= 0
                ? total == offset
                : Mp4Check.check(partFile.path()).verdict() == Mp4Check.Verdict.WHOLE);
        if (whole) {
            return Optional.empty();
        }
        partFile.delete();
        return retry(id, "storage host refused to resume at byte " + offset
                + " (HTTP 416" + (total >= 0 ? ", video is " + total + " bytes" : "") + "); starting over");
    }

    private static Optional<DownloadResult> retry(TaskId id, String detail) {
        return Optional.of(DownloadResult.of(DownloadResult.Outcome.RETRY, id, detail));
    }
}

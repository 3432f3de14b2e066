package io.github.jimengfetcher.download;

import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The storage host's status and Content-Range, read before any byte of the body. */
class StorageAnswerTest {

    private static final LongSupplier NO_EARLIER_TOTAL = () -> -1;

    @Test
    void a200IsTheWholeVideoFromTheStartEvenWhenARangeWasAsked() {
        StorageAnswer answer = StorageAnswer.of(200, null, 5000, 1200, NO_EARLIER_TOTAL);
        assertEquals(StorageAnswer.Kind.BODY, answer.kind());
        assertEquals(0, answer.offset(), "a host that ignores Range sends everything again");
        assertEquals(5000, answer.total());
    }

    @Test
    void a200WithoutLengthOrBodyTellsSo() {
        assertEquals(-1, StorageAnswer.of(200, null, -1, 0, NO_EARLIER_TOTAL).total(), "chunked: length unknown");
        assertEquals(0, StorageAnswer.of(200, null, 0, 0, NO_EARLIER_TOTAL).total(), "no body at all");
    }

    @Test
    void a206ResumingWhereAskedIsTheRestOfTheVideo() {
        StorageAnswer answer = StorageAnswer.of(206, "bytes 1200-4999/5000", 3800, 1200, () -> 5000);
        assertEquals(StorageAnswer.Kind.BODY, answer.kind());
        assertEquals(1200, answer.offset());
        assertEquals(5000, answer.total());
    }

    @Test
    void a206WithAnUnknownTotalIsKeptUnknown() {
        StorageAnswer answer = StorageAnswer.of(206, "bytes 1200-4999/*", 3800, 1200, () -> 5000);
        assertEquals(StorageAnswer.Kind.BODY, answer.kind());
        assertEquals(-1, answer.total());
    }

    @Test
    void a206AtTheWrongPlaceOrWithoutRangeStartsOver() {
        StorageAnswer wrong = StorageAnswer.of(206, "bytes 0-4999/5000", 5000, 1200, () -> 5000);
        assertEquals(StorageAnswer.Kind.START_OVER, wrong.kind());
        assertEquals("storage host resumed at the wrong place; starting over", wrong.detail());
        assertEquals(StorageAnswer.Kind.START_OVER, StorageAnswer.of(206, null, 3800, 1200, () -> 5000).kind());
        assertEquals(StorageAnswer.Kind.START_OVER, StorageAnswer.of(206, "bytes */5000", 3800, 1200, () -> 5000).kind());
    }

    @Test
    void a206ResumingAtOrPastTheEndStartsOver() {
        StorageAnswer answer = StorageAnswer.of(206, "bytes 5000-5000/5000", 1, 5000, () -> 5000);
        assertEquals(StorageAnswer.Kind.START_OVER, answer.kind());
        assertEquals("storage host resumed at byte 5000 of a video of 5000 bytes; starting over", answer.detail());
    }

    @Test
    void a206ForAVideoOfAnotherLengthStartsOverInsteadOfSplicing() {
        StorageAnswer answer = StorageAnswer.of(206, "bytes 1200-5999/6000", 4800, 1200, () -> 5000);
        assertEquals(StorageAnswer.Kind.START_OVER, answer.kind());
        assertEquals("the video is now 6000 bytes, it was 5000 when the download began; starting over", answer.detail());
        assertEquals(StorageAnswer.Kind.BODY, StorageAnswer.of(206, "bytes 1200-5999/6000", 4800, 1200, NO_EARLIER_TOTAL).kind(),
                "no total was remembered: nothing to compare with");
    }

    @Test
    void theRememberedTotalIsOnlyReadForAResumedPart() {
        boolean[] asked = {false};
        StorageAnswer.of(200, null, 5000, 1200, () -> {
            asked[0] = true;
            return 1;
        });
        StorageAnswer.of(206, "bytes 0-4999/5000", 5000, 0, () -> {
            asked[0] = true;
            return 1;
        });
        assertFalse(asked[0]);
        StorageAnswer.of(206, "bytes 1200-4999/5000", 3800, 1200, () -> {
            asked[0] = true;
            return 5000;
        });
        assertTrue(asked[0]);
    }

    @Test
    void a416NamesTheTotalWhenItHasOne() {
        StorageAnswer withTotal = StorageAnswer.of(416, "bytes */5000", 0, 5000, NO_EARLIER_TOTAL);
        assertEquals(StorageAnswer.Kind.NOTHING_LEFT, withTotal.kind());
        assertEquals(5000, withTotal.total());
        StorageAnswer without = StorageAnswer.of(416, null, 0, 5000, NO_EARLIER_TOTAL);
        assertEquals(StorageAnswer.Kind.NOTHING_LEFT, without.kind());
        assertEquals(-1, without.total());
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403, 404, 410})
    void aRefusedUrlIsToldApart(int code) {
        StorageAnswer answer = StorageAnswer.of(code, null, 120, 0, NO_EARLIER_TOTAL);
        assertEquals(StorageAnswer.Kind.URL_REFUSED, answer.kind());
        assertEquals("storage host answered HTTP " + code + " (signed URL expired?)", answer.detail());
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 429, 400, 304})
    void everyOtherAnswerIsRetried(int code) {
        StorageAnswer answer = StorageAnswer.of(code, "bytes 0-9/10", 10, 0, NO_EARLIER_TOTAL);
        assertEquals(StorageAnswer.Kind.RETRY, answer.kind());
        assertEquals("storage host answered HTTP " + code, answer.detail());
    }
}

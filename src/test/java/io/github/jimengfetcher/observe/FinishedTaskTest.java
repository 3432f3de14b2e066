package io.github.jimengfetcher.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FinishedTaskTest {

    @Test
    void theRecordsOwnTimesReadAsTheGeneralParserReadsThem() {
        // what Instant.toString writes: no fraction, or 1 to 9 digits of it (Instant.now() has microseconds here)
        for (String text : List.of("2025-08-29T09:02:11.120Z", "1999-12-31T23:59:59.999Z", "2024-02-29T00:00:00.000Z",
                "2025-08-29T09:02:11Z", "2025-08-29T09:02:11.1Z", "2025-08-29T09:02:11.123456Z", "2025-08-29T09:02:11.123456789Z",
                Instant.now().toString())) {
            assertEquals(Instant.parse(text), FinishedTask.instant(text), text);
        }
        // other forms go through the general parser
        assertEquals(Instant.parse("+12025-08-29T09:02:11Z"), FinishedTask.instant("+12025-08-29T09:02:11Z"));
        // not dates: none
        for (String text : List.of("2025-02-30T09:02:11.120Z", "2025-08-29T09:0x:11.120Z",
                "2025-08-29T09:02:11.1234567890Z", "2025-08-29T09:02:11.12a4Z", "yesterday", "")) {
            assertNull(FinishedTask.instant(text), text);
        }
        assertNull(FinishedTask.instant(null));
    }

    @Test
    void aRecordGivesItsDurationFromRegistrationToFinish() throws Exception {
        FinishedTask task = FinishedTask.fromRecord("{\"task_id\":\"cgt-20250829165122-qkwch\",\"status\":\"SUCCESS\",\"fetches\":3,"
                + "\"registered_at\":\"2025-08-29T09:00:00.000Z\",\"finished_at\":\"2025-08-29T09:02:11.120Z\"}");
        assertEquals(Duration.ofMillis(131_120), task.duration());
        assertEquals(3, task.fetches());
    }
}

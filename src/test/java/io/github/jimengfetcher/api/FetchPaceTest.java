package io.github.jimengfetcher.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The pace learned from answers, driven by a clock the test moves: no waiting, no threads. */
class FetchPaceTest {

    private long now = 1_000_000;
    private final List<Integer> limits = new ArrayList<>();
    private final FetchPace pace = new FetchPace(24, () -> now);

    FetchPaceTest() {
        pace.setOnLimit(limits::add);
    }

    /** One fetch out and answered after latency ms (the clock moves on by that). */
    private void fetch(int status, long latency) {
        pace.sent();
        now += latency;
        pace.answered(status, latency);
    }

    @Test
    void startsAtTheCeilingWithNoRateBound() {
        assertEquals(24, pace.limit());
        assertEquals(Double.POSITIVE_INFINITY, pace.rate());
        assertEquals(5, pace.takeTokens(5));
        assertEquals(0, pace.millisUntilToken());
        assertEquals(List.of(24), limits);
    }

    @Test
    void fastCleanAnswersKeepTheCeiling() {
        for (int i = 0; i < 2_000; i++) {
            fetch(200, 80 + i % 7);
        }
        assertEquals(24, pace.limit());
        assertEquals(Double.POSITIVE_INFINITY, pace.rate());
    }

    @Test
    void serverErrorsCutTheLimitOncePerSecondAndCleanAnswersWinItBack() {
        pace.answered(503, 50);
        assertEquals(21, pace.limit()); // 24 x 0.9 = 21.6
        pace.answered(503, 50); // the same second: the answers of fetches already in flight
        assertEquals(21, pace.limit());
        for (int i = 0; i < 10; i++) {
            now += 1_000;
            pace.answered(500, 50);
        }
        assertEquals(7, pace.limit()); // 24 x 0.9^11 = 7.5
        assertEquals(21, limits.get(1));
        // Clean answers with enough in flight raise it by about one per round of answers.
        for (int i = 0; i < 20; i++) {
            pace.sent();
        }
        for (int round = 0; round < 400; round++) {
            pace.sent();
            now += 10;
            pace.answered(200, 80);
        }
        assertEquals(24, pace.limit());
    }

    @Test
    void aFewFetchesInFlightDoNotRaiseTheLimit() {
        pace.answered(502, 50);
        int cut = pace.limit();
        for (int i = 0; i < 500; i++) {
            fetch(200, 80); // one at a time: the limit is not what holds them back
        }
        assertEquals(cut, pace.limit());
    }

    @Test
    void networkFaultsCutTheLimitDownToOneAtLeast() {
        for (int i = 0; i < 100; i++) {
            now += 1_000;
            pace.sent();
            pace.failed();
        }
        assertEquals(1, pace.limit());
    }

    @Test
    void risingLatencyCutsTheLimit() {
        for (int i = 0; i < 200; i++) {
            fetch(200, 80);
        }
        assertEquals(24, pace.limit());
        // Twice the baseline is not yet queueing: 2 x 80 + 50 ms slack.
        for (int i = 0; i < 200; i++) {
            fetch(200, 170);
        }
        assertEquals(24, pace.limit());
        for (int i = 0; i < 200; i++) {
            fetch(200, 400);
        }
        assertTrue(pace.limit() < 24, "the limit is cut when answers take five times as long: " + pace.limit());
    }

    /**
     * A gateway on this machine or next to it answers in a millisecond; this machine's own load (the
     * bench's 10,000 tasks on two cores) makes that 20-70 ms. That is not the API queueing: no cut, so
     * the fetch slots stay where they were.
     */
    @Test
    void answersSlowedByThisMachinesOwnLoadDoNotCutTheLimit() {
        for (int i = 0; i < 200; i++) {
            fetch(200, 1);
        }
        for (int i = 0; i < 400; i++) {
            fetch(200, 20 + (i % 3) * 15);
        }
        assertEquals(24, pace.limit());
    }

    @Test
    void anApiSlowForGoodBecomesTheNewBaseline() {
        for (int i = 0; i < 100; i++) {
            fetch(200, 20);
        }
        // From now on every answer takes 400 ms: cut at first, then (two baseline windows later) the new normal.
        for (int i = 0; i < 300; i++) {
            fetch(200, 400);
        }
        int cut = pace.limit();
        assertTrue(cut < 24);
        for (int i = 0; i < 20; i++) {
            pace.sent();
        }
        for (int i = 0; i < 2_000; i++) {
            pace.sent();
            now += 20;
            pace.answered(200, 400);
        }
        assertTrue(pace.limit() > cut, "the limit grows again once 400 ms is the baseline: " + pace.limit());
    }

    @Test
    void a429BoundsTheRateToAFractionOfWhatTheApiAcceptedInTheLastSecond() {
        // 50 fetches accepted in the last second, then a 429.
        for (int i = 0; i < 50; i++) {
            fetch(200, 10);
        }
        pace.sent();
        pace.answered(429, 20);
        assertEquals(45.0, pace.rate(), 0.01); // 0.9 x 50
        assertTrue(pace.limit() < 24, "a 429 cuts the limit as well");
        // The other 429s of the same second change nothing more.
        pace.answered(429, 20);
        assertEquals(45.0, pace.rate(), 0.01);
    }

    @Test
    void theTokenBucketKeepsFetchesToTheRateWithoutBursts() {
        for (int i = 0; i < 50; i++) {
            fetch(200, 10);
        }
        pace.answered(429, 20); // rate 45/s
        now += 10_000; // a long lull: the bucket holds a tenth of a second's worth, no more
        assertEquals(4, pace.takeTokens(100));
        assertEquals(0, pace.takeTokens(1));
        assertTrue(pace.millisUntilToken() > 0 && pace.millisUntilToken() <= 23, "a token every 1/45 s: " + pace.millisUntilToken());
        // Over 10 s of claims, one token taken as each comes: 45 a second.
        int taken = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            now++;
            taken += pace.takeTokens(10);
        }
        assertEquals(450, taken, 2);
        // Tokens given back (nothing was due) are there for the next claim.
        pace.giveBackTokens(1);
        assertEquals(1, pace.takeTokens(10));
    }

    @Test
    void cleanSecondsAtTheRateRaiseIt() {
        for (int i = 0; i < 50; i++) {
            fetch(200, 10);
        }
        pace.answered(429, 20);
        double cut = pace.rate();
        // 20 s of fetches at the pace the tokens allow, all accepted.
        runAtPace(20_000, 200);
        assertTrue(pace.rate() > cut + 5, "raised by about half a fetch a second each clean second: " + pace.rate());
        // A second in which fewer went out than the rate allows does not raise it.
        double before = pace.rate();
        for (int s = 0; s < 10; s++) {
            now += 1_000;
            fetch(200, 20);
        }
        assertEquals(before, pace.rate(), 0.6);
    }

    @Test
    void followsAGatewayThatAdmits50ASecondWithFew429s() {
        // The gateway: a token bucket of 50 a second holding 50; 429 beyond. The app fetches as fast as its pace lets it.
        double gatewayTokens = 50;
        long gatewayAt = now;
        int fetches = 0;
        int limited = 0;
        long start = now;
        for (long end = now + 300_000; now < end; now++) {
            gatewayTokens = Math.min(50, gatewayTokens + (now - gatewayAt) * 50 / 1000.0);
            gatewayAt = now;
            int allowed = pace.takeTokens(24);
            for (int i = 0; i < allowed; i++) {
                pace.sent();
                fetches++;
                if (gatewayTokens >= 1) {
                    gatewayTokens--;
                    pace.answered(200, 20);
                } else {
                    limited++;
                    pace.answered(429, 20);
                }
            }
        }
        double perSecond = fetches * 1000.0 / (now - start);
        assertTrue(perSecond >= 45 && perSecond < 52, "fetches a second: " + perSecond);
        assertTrue(limited < fetches * 0.02, limited + " of " + fetches + " answered 429");
        assertFalse(pace.atSlowestRate());
    }

    @Test
    void keeps429sAtTheSlowestRateForThePause() {
        for (int i = 0; i < 100; i++) {
            now += 1_000;
            pace.sent();
            pace.answered(429, 20);
        }
        assertTrue(pace.atSlowestRate());
        assertEquals(FetchPace.MIN_RATE, pace.rate(), 0.001);
    }

    /** Fetches for ms milliseconds as fast as the tokens allow, each answered with status. */
    private void runAtPace(long ms, int status) {
        for (long end = now + ms; now < end; now++) {
            int allowed = pace.takeTokens(24);
            for (int i = 0; i < allowed; i++) {
                pace.sent();
                pace.answered(status, 20);
            }
        }
    }
}

package io.github.jimengfetcher.store.postgres;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database's clock as an instance reckons it: never behind the database (a next fetch booked
 * from it would come early on the database's clock, where the other instances claim it), and close
 * to it however late some answers come back.
 */
class StoreClockTest {

    private static final long MINUTE = 60_000;

    private final StoreClock clock = new StoreClock();

    @Test
    void aReadingAnsweredLateDoesNotPutTheClockBehindTheDatabase() {
        long t = System.currentTimeMillis();
        // The database is 5 ms ahead of this machine: a prompt answer sees that.
        clock.sawDatabaseTime(t + 5 + 1, t);
        assertOffset(6);
        // A statement sent at t+100 whose answer came back 800 ms later: the database read its
        // clock somewhere in between; reckoned from the answer's arrival it would seem 795 ms behind.
        clock.sawDatabaseTime(t + 100 + 5 + 2, t + 100);
        assertOffset(6);
        // One that waited 800 ms inside the database before it read the clock.
        clock.sawDatabaseTime(t + 150 + 800 + 5, t + 150);
        assertOffset(6);
        // A tighter reading wins.
        clock.sawDatabaseTime(t + 200 + 5, t + 200);
        assertOffset(5);
    }

    @Test
    void aLateFirstReadingIsTightenedByThePromptOnesAfterIt() {
        long t = System.currentTimeMillis();
        clock.sawDatabaseTime(t + 700, t);
        assertOffset(700);
        clock.sawDatabaseTime(t + 1_000 + 2, t + 1_000);
        assertOffset(2);
    }

    @Test
    void readingsOlderThanTwoMinutesAreLetGoSoADriftingClockIsFollowed() {
        long t = System.currentTimeMillis() - 3 * MINUTE;
        clock.sawDatabaseTime(t + 2, t);
        clock.sawDatabaseTime(t + MINUTE + 30, t + MINUTE);
        assertOffset(2);
        clock.sawDatabaseTime(t + 2 * MINUTE + 1 + 40, t + 2 * MINUTE + 1);
        assertOffset(30); // the first minute's reading is gone, the second's still holds
        clock.sawDatabaseTime(t + 3 * MINUTE + 2 + 50, t + 3 * MINUTE + 2);
        assertOffset(40);
    }

    @Test
    void thisMachinesClockSetBackDropsTheReadingsTakenBefore() {
        long t = System.currentTimeMillis();
        clock.sawDatabaseTime(t + 3, t);
        // the local clock was set back by ten seconds: the database now seems ten seconds ahead
        clock.sawDatabaseTime(t + 3, t - 10_000);
        assertOffset(10_003);
    }

    /** The clock's lead over this machine's, read while nothing else runs (a few ms of slack). */
    private void assertOffset(long expected) {
        long offset = clock.now() - System.currentTimeMillis();
        assertTrue(offset <= expected && offset >= expected - 20, "offset " + offset + " ms, expected " + expected);
    }
}

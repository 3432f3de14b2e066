package io.github.jimengfetcher.life;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class WorkSlotsTest {

    @Test
    void slotsAreTakenUpToTheLimitAndAWaitingClaimWakesWhenOneIsGivenBack() throws Exception {
        WorkSlots slots = new WorkSlots("download", 3);
        assertEquals(2, slots.take(2, 0));
        assertEquals(1, slots.take(5, 0));
        assertEquals(0, slots.take(5, 10), "none free: gives up after the wait");

        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.take(5, 10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(waiting.isDone());
        slots.giveBack(1);
        assertEquals(1, waiting.get(5, TimeUnit.SECONDS));
        assertEquals(3, slots.inUse());
    }

    @Test
    void aNewLimitAppliesWhileTheAppRuns() throws Exception {
        WorkSlots slots = new WorkSlots("fetch", 4);
        assertEquals(4, slots.take(10, 0));
        slots.setLimit(2);
        slots.giveBack(1);
        assertEquals(0, slots.take(10, 0), "three in use, two allowed: no slot until two more are given back");
        slots.giveBack(2);
        assertEquals(1, slots.take(10, 0));
        slots.setLimit(6);
        assertEquals(4, slots.take(10, 0));
        assertEquals(6, slots.inUse());
    }

    @Test
    void slotsFreedWithinTheWindowAreGatheredIntoTheClaimThatTookTheFirst() throws Exception {
        WorkSlots slots = new WorkSlots("fetch", 4);
        assertEquals(4, slots.take(4, 0));
        slots.giveBack(1);
        int first = slots.take(10, 0);
        assertEquals(1, first);
        CompletableFuture<Integer> gathering = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.gather(first, 4, 10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        slots.giveBack(2);
        assertFalse(gathering.isDone(), "waits on within its window for the last slot");
        slots.giveBack(1);
        assertEquals(3, gathering.get(5, TimeUnit.SECONDS), "all four in one claim, as soon as all were free");
        assertEquals(4, slots.inUse());
        slots.giveBack(3);
        assertEquals(2, slots.gather(2, 4, 0), "no window: what is free now, up to the four asked in all");
    }
}

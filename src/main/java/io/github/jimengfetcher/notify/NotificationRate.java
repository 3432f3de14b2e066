package io.github.jimengfetcher.notify;

/**
 * At most so many notifications a second (jimeng.notify.max-per-second), counted in whole seconds of
 * the clock: a sender gone wild, or one that has the secret and should not, costs the store no more.
 */
final class NotificationRate {

    private final int maxPerSecond;
    private long second = -1;
    private int taken;

    NotificationRate(int maxPerSecond) {
        this.maxPerSecond = maxPerSecond;
    }

    synchronized boolean admit(long now) {
        long current = now / 1000;
        if (current != second) {
            second = current;
            taken = 0;
        }
        if (taken >= maxPerSecond) {
            return false;
        }
        taken++;
        return true;
    }
}

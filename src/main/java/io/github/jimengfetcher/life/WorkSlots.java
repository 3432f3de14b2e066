package io.github.jimengfetcher.life;

/**
 * How many fetches (or downloads) may be in flight at once: a counting limiter whose limit can
 * change while the app runs (seda's concurrentConsumers is fixed at start). A slot is taken when
 * work is claimed and given back when the exchange carrying it ends, whatever the route did,
 * also for a download that ends on another thread long after its route's first steps ran.
 */
public class WorkSlots {

    private final String name;
    private int limit;
    private int inUse;
    /** Slots given back so far, so a claim can wait for the next one (see {@link #awaitGiveBack}). */
    private long givenBack;

    public WorkSlots(String name, int limit) {
        this.name = name;
        this.limit = Math.max(1, limit);
    }

    /** A new limit applies at once; slots in use beyond it are given back as their work ends. */
    public synchronized void setLimit(int limit) {
        this.limit = Math.max(1, limit);
        notifyAll();
    }

    public synchronized int limit() {
        return limit;
    }

    public synchronized int inUse() {
        return inUse;
    }

    /** Takes every free slot up to max, waiting at most waitMillis for one to free up; 0 when none did. */
    public synchronized int take(int max, long waitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (inUse >= limit) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return 0;
            }
            wait(left);
        }
        int taken = Math.min(max, limit - inUse);
        inUse += taken;
        return taken;
    }

    /**
     * Having taken some, takes those that free up within windowMillis too, up to max in all: waits until
     * max are held or the window has passed. Returns how many more it took.
     */
    public synchronized int gather(int taken, int max, long windowMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + windowMillis;
        int more = 0;
        try {
            while (taken + more < max) {
                if (inUse < limit) {
                    int now = Math.min(max - taken - more, limit - inUse);
                    inUse += now;
                    more += now;
                    continue;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                wait(left);
            }
        } catch (InterruptedException e) {
            giveBack(more);
            throw e;
        }
        return more;
    }

    public synchronized void giveBack(int slots) {
        if (slots <= 0) {
            return;
        }
        inUse = Math.max(0, inUse - slots);
        givenBack += slots;
        notifyAll();
    }

    /** Waits, at most waitMillis, for work to end (a slot given back); true when some did. */
    public synchronized boolean awaitGiveBack(long waitMillis) throws InterruptedException {
        long seen = givenBack;
        long deadline = System.currentTimeMillis() + waitMillis;
        while (givenBack == seen) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** Waits, at most waitMillis, until no slot is in use; true when none is. */
    public synchronized boolean awaitNoneInUse(long waitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (inUse > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return name + " slots: " + inUse + " of " + limit + " in use";
    }
}

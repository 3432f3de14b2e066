package io.github.jimengfetcher.life;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * Hands due work to the routes within the slots (bean {@code dueWork}): claims leases from the
 * task store for as many fetches or downloads as there are free slots, keeps every lease this
 * instance holds renewed while its exchange runs, and takes slot and lease back when the
 * exchange ends.
 */
public class DueWork {

    private static final Logger LOG = LoggerFactory.getLogger(DueWork.class);

    private final TaskStore store;
    private final TaskPolicy policy;
    private final FetchGroups groups;
    private final WorkSlots fetchSlots;
    private final WorkSlots downloadSlots;
    private final long claimWait;
    private final Map<TaskId, Lease> held = new ConcurrentHashMap<>();
    /** Every claim not yet given back, with its slot and the thread its exchange began on. */
    private final Map<Lease, Claim> claims = new ConcurrentHashMap<>();
    private Consumer<Lease> onLeaseLost = lease -> { };
    private StoreHealth storeHealth = new StoreHealth();
    private PacedFetchClaims paced;
    /** The app stops: nothing more is claimed. */
    private volatile boolean stopping;

    /** @param groups where fetches asked in groups gather, with the fetch slots (claimWait: how long a claim may wait for a slot, a tick) */
    public DueWork(TaskStore store, TaskPolicy policy, FetchGroups groups, WorkSlots downloadSlots, java.time.Duration claimWait) {
        this.store = store;
        this.policy = policy;
        this.groups = groups;
        this.fetchSlots = groups.fetchSlots();
        this.downloadSlots = downloadSlots;
        this.claimWait = claimWait.toMillis();
    }

    public void setStoreHealth(StoreHealth storeHealth) {
        this.storeHealth = storeHealth;
    }

    /**
     * The fetches keep to the pace learned from each provider's answers: no more of its fetches in
     * flight than its limit allows, no faster than its rate ({@link PacedFetchClaims}).
     */
    public void setFetchPaces(ProviderPaces paces) {
        this.paced = new PacedFetchClaims(store, paces, fetchSlots, provider -> (int) claims.values().stream()
                .filter(claim -> claim.slots == fetchSlots && provider.equals(claim.lease.task().provider)).count());
    }

    /** What stops this instance's work on a task whose lease was lost (a download in flight is cancelled). */
    public void setOnLeaseLost(Consumer<Lease> onLeaseLost) {
        this.onLeaseLost = onLeaseLost;
    }

    /**
     * Leases due fetches, as many as there are free fetch slots. When every slot is taken, waits
     * (at most one scheduler tick) for one to free up, so a backlog drains at the full concurrency
     * rather than one batch per tick. Empty when nothing is due, fetches are paused, or no slot freed up.
     */
    public List<Lease> claimFetches() throws InterruptedException {
        return claim(Task.Phase.FETCH, fetchSlots, paced, policy.claimGap());
    }

    /** Leases due downloads (new ones, retries, and downloads cut off by a stop) like {@link #claimFetches()}. */
    public List<Lease> claimDownloads() throws InterruptedException {
        return claim(Task.Phase.DOWNLOAD, downloadSlots, null, 0);
    }

    /**
     * Within one scheduler tick: waits for a free slot, claims, and when nothing is due yet waits
     * for the next task to come due (a store that can tell wakes the claim the moment one does),
     * so a task is handed out when it is due rather than up to a tick later. With paces (fetches),
     * claims no more than each provider's allows now, waiting (within the tick) for a token or a fetch to end.
     */
    private List<Lease> claim(Task.Phase phase, WorkSlots slots, PacedFetchClaims paced, long gap) throws InterruptedException {
        if (stopping) {
            return List.of();
        }
        long deadline = store.now() + claimWait;
        while (true) {
            int free = slots.take(Integer.MAX_VALUE, Math.max(0, deadline - store.now()));
            if (free == 0) {
                return List.of();
            }
            PacedFetchClaims.Claimed claimed = PacedFetchClaims.Claimed.NONE;
            List<Lease> leases = List.of();
            try {
                // a claim costs the store a round trip: slots freed close together go in one
                free += slots.gather(free, slots.limit(), store.claimGatherMillis());
                claimed = paced == null ? new PacedFetchClaims.Claimed(store.claimDue(phase, free, gap), false)
                        : paced.claim(free, gap, deadline);
                storeHealth.reachable();
                for (Lease lease : claimed.leases()) {
                    held.put(lease.taskId(), lease);
                    claims.put(lease, new Claim(lease, groups.gather(lease, slots)));
                }
                leases = groups.singles(claimed.leases(), slots); // the others hold their group's one slot and token
            } catch (StoreUnavailableException e) {
                storeHealth.unreachable(e); // no new work until it is back
                return List.of();
            } finally {
                slots.giveBack(free - leases.size());
            }
            if (!leases.isEmpty() || claimed.held() || !store.awaitDue(phase, deadline)) {
                return leases;
            }
        }
    }

    /**
     * The fetch exchange of a lease (its body) begins: its slot and lease are given back when it ends,
     * however it ends. Sets the route's variables lease, taskId and provider.
     */
    public void fetchBegins(Exchange exchange) {
        givenBackAtTheEnd(exchange, fetchSlots);
    }

    /**
     * The download exchange of a lease (its body) begins: its slot and lease are given back when it ends,
     * on whatever thread. Sets the route's variables lease, taskId and provider.
     */
    public void downloadBegins(Exchange exchange) {
        givenBackAtTheEnd(exchange, downloadSlots);
    }

    /** The exchange's body is the claim's lease. */
    private void givenBackAtTheEnd(Exchange exchange, WorkSlots slots) {
        Lease lease = exchange.getMessage().getBody(Lease.class);
        if (lease == null) {
            throw new IllegalStateException("a claimed exchange carries no lease");
        }
        // Set here rather than as ${variable.lease.taskId()} in the route: such a method call in a
        // Simple expression cost a third of a fetch thread's time (the bench's flight recordings).
        exchange.setVariable("lease", lease);
        exchange.setVariable("taskId", lease.taskId());
        exchange.setVariable("provider", lease.task().provider);
        Claim claim = claims.computeIfAbsent(lease, claimed -> new Claim(claimed, slots));
        claim.beganOn = Thread.currentThread();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                claim.giveBack();
            }

            /** Copies of the exchange (a hook event on a seda queue) do not carry the claim away. */
            @Override
            public boolean allowHandover() {
                return false;
            }
        });
    }

    /**
     * Renews the leases of work in flight once a third of their time has passed, so a long
     * download (or a fetch waiting for its answer) keeps its task. A lease found lost stops being
     * renewed; the exchange carrying it stops at its next change. The instance's heartbeat goes with it.
     */
    public void renewHeld() {
        for (Lease lease : LeaseRenewals.renewDue(store, storeHealth, held.values())) {
            held.remove(lease.taskId(), lease);
            LOG.warn("{}: the lease was lost before it could be renewed; this instance stops its work on the task", lease);
            onLeaseLost.accept(lease);
        }
    }

    /** The app stops: from now on nothing is claimed (work in flight goes on, its leases renewed). */
    public void stopClaiming() {
        stopping = true;
    }

    /** Waits, at most waitMillis, until every download exchange has ended (its lease given back); true when all have. */
    public boolean awaitDownloadsEnded(long waitMillis) throws InterruptedException {
        return downloadSlots.awaitNoneInUse(waitMillis);
    }

    /**
     * A worker thread died of an Error: the claims it carried would never end, their slots taken and
     * their leases renewed for ever. Each claim whose exchange began on that thread is given back, and
     * so is each one claimed but neither begun nor waiting in a queue, now and still a moment later
     * (the thread died between the claim and the hand-over, or between the queue and the route;
     * a claim on its way to its queue gets there meanwhile). Their tasks are due at once. Returns
     * how many were given back.
     */
    public int giveBackClaimsOf(Thread dead, Supplier<Set<Lease>> queued) throws InterruptedException {
        Set<Lease> waiting = queued.get();
        List<Claim> lost = new ArrayList<>();
        List<Claim> unseen = new ArrayList<>();
        for (Claim claim : claims.values()) {
            if (claim.beganOn == dead) {
                lost.add(claim);
            } else if (claim.beganOn == null && !waiting.contains(claim.lease)) {
                unseen.add(claim);
            }
        }
        if (!unseen.isEmpty()) {
            Thread.sleep(Math.max(500, 2 * claimWait));
            Set<Lease> waitingNow = queued.get();
            unseen.removeIf(claim -> claim.beganOn != null || waitingNow.contains(claim.lease));
            lost.addAll(unseen);
        }
        int given = 0;
        for (Claim claim : lost) {
            if (claim.giveBack()) {
                Lease lease = claim.lease;
                LOG.warn("{}: its worker died; the task is due again", lease);
                try {
                    lease.task().nextAt = store.now();
                    store.release(lease);
                } catch (RuntimeException e) {
                    // the lease runs out by itself, unrenewed, and the task is claimed again then
                    LOG.warn("{}: could not be given back now ({}); due again once its lease runs out", lease, e.toString());
                }
                given++;
            }
        }
        return given;
    }

    /** One claim's slot and lease, given back once whoever notices its end first. */
    private final class Claim {
        private final Lease lease;
        private final WorkSlots slots;
        private final AtomicBoolean givenBack = new AtomicBoolean();
        private volatile Thread beganOn;

        Claim(Lease lease, WorkSlots slots) {
            this.lease = lease;
            this.slots = slots;
        }

        boolean giveBack() {
            if (!givenBack.compareAndSet(false, true)) {
                return false;
            }
            claims.remove(lease, this);
            held.remove(lease.taskId(), lease);
            slots.giveBack(1);
            return true;
        }
    }

    /** Leases held by this instance right now. */
    public int heldCount() {
        return held.size();
    }

    public WorkSlots fetchSlots() {
        return fetchSlots;
    }

    public WorkSlots downloadSlots() {
        return downloadSlots;
    }
}

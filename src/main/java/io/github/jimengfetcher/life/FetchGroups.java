package io.github.jimengfetcher.life;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.Faults;
import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;

/**
 * The fetches of providers with a list query, asked many tasks to a request (bean {@code fetchGroups},
 * routes/poll.yaml's fetch-group). A due task of such a provider, claimed by {@link DueWork}, takes no
 * fetch slot and no token of the pace of its own: it joins its provider's open group. Once a scheduler
 * tick every group gathered goes out ({@link #claimGroups}), each with one fetch slot and one token, at
 * most the provider's limit of tasks each. So no task is asked before it is due, nor (while a slot and a
 * token are free) held back more than a tick; its spacing stays as planned.
 */
public class FetchGroups {

    /** The exchange property that carries a task's item of its group's answer to the fetch (seda:fetch-task). */
    public static final String LISTED_ANSWER = "JimengListedAnswer";

    private static final Logger LOG = LoggerFactory.getLogger(FetchGroups.class);

    private final WorkSlots fetchSlots;
    private final ProviderPaces paces;
    private final Map<ProviderName, Integer> limits;
    private final long tick;
    private final Map<ProviderName, Group> open = new HashMap<>();
    private final Deque<Group> closed = new ArrayDeque<>();

    /**
     * @param fetchSlots the fetch slots ({@link DueWork}'s): one for each group in flight
     * @param paces      each provider's pace of fetches: a token of it for each group; null for none
     * @param limits     the providers asked in groups, with the most tasks one request may name
     * @param tick       the scheduler tick: how long the groups wait for a slot and a token before the next round
     */
    public FetchGroups(WorkSlots fetchSlots, ProviderPaces paces, Map<ProviderName, Integer> limits, java.time.Duration tick) {
        this.fetchSlots = fetchSlots;
        this.paces = paces;
        this.limits = Map.copyOf(limits);
        this.tick = tick.toMillis();
    }

    public WorkSlots fetchSlots() {
        return fetchSlots;
    }

    /**
     * The slots a claimed lease keeps until its exchange ends: a fetch of a provider asked in groups joins
     * the provider's open group and shares its one slot; any other keeps the slots it was claimed with.
     */
    synchronized WorkSlots gather(Lease lease, WorkSlots slots) {
        Integer limit = slots == fetchSlots ? limits.get(lease.task().provider) : null;
        if (limit == null) {
            return slots;
        }
        Group group = open.computeIfAbsent(lease.task().provider, provider -> new Group(provider, new GroupSlot(fetchSlots)));
        group.add(lease);
        if (group.leases.size() >= limit) {
            open.remove(group.provider);
            closed.add(group);
        }
        return group.slot;
    }

    /**
     * The leases fetched alone: all but those {@link #gather} put into groups. The token of its
     * provider's pace the claim took for each of those goes back: the group takes one for all.
     */
    List<Lease> singles(List<Lease> leases, WorkSlots slots) {
        if (slots != fetchSlots || limits.isEmpty()) {
            return leases;
        }
        List<Lease> singles = new ArrayList<>(leases.size());
        for (Lease lease : leases) {
            if (!limits.containsKey(lease.task().provider)) {
                singles.add(lease);
            } else if (paces != null) {
                paces.of(lease.task().provider).giveBackTokens(1);
            }
        }
        return singles;
    }

    /**
     * The groups to ask now (timer claim-due-groups, once a tick): every group gathered so far, each with
     * a fetch slot and a token of the pace, waiting for them within the tick; the rest wait for the next.
     */
    public List<Group> claimGroups() throws InterruptedException {
        List<Group> waiting;
        synchronized (this) {
            closed.addAll(open.values());
            open.clear();
            waiting = new ArrayList<>(closed);
            closed.clear();
        }
        long deadline = System.currentTimeMillis() + tick;
        List<Group> ready = new ArrayList<>();
        // Not under this lock: the claims gathering meanwhile give the fetch slots back.
        while (ready.size() < waiting.size() && slotAndToken(waiting.get(ready.size()).provider, deadline)) {
            Group group = waiting.get(ready.size());
            group.slot.taken();
            ready.add(group);
        }
        synchronized (this) {
            List<Group> left = waiting.subList(ready.size(), waiting.size());
            for (int i = left.size() - 1; i >= 0; i--) {
                closed.addFirst(left.get(i));
            }
        }
        return ready;
    }

    /** A fetch slot and a token of the provider's pace, waiting for them until the deadline; false (neither taken) when they did not come. */
    private boolean slotAndToken(ProviderName provider, long deadline) throws InterruptedException {
        if (fetchSlots.take(1, Math.max(0, deadline - System.currentTimeMillis())) == 0) {
            return false;
        }
        FetchPace pace = paces == null ? null : paces.of(provider);
        while (pace != null && pace.takeTokens(1) == 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                fetchSlots.giveBack(1);
                return false;
            }
            Thread.sleep(Math.max(1, Math.min(left, pace.millisUntilToken())));
        }
        return true;
    }

    /** The group's exchange begins (its body): variables group, provider and taskIds for the steps below. */
    public void groupBegins(Exchange exchange) {
        Group group = exchange.getMessage().getBody(Group.class);
        exchange.setVariable("group", group);
        exchange.setVariable("provider", group.provider);
        exchange.setVariable("taskIds", group.leases.stream().map(lease -> lease.taskId().value()).toList());
    }

    /** Each task of the answered group with its item of the answer; a task missing from it with none, to be asked alone. */
    public List<Member> members(@Variable("group") Group group, @Body Map<String, String> items) {
        List<Member> members = new ArrayList<>();
        for (Lease lease : group.leases) {
            members.add(new Member(lease, items.get(lease.taskId().value())));
        }
        return members;
    }

    /** The group's request failed (an error answer, a timeout, an answer that is no list): each task is asked alone. */
    public List<Member> alone(@Variable("group") Group group, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable fault) {
        LOG.warn("{}: the list query of {} tasks failed ({}); each is fetched alone", group.provider, group.leases.size(),
                fault == null ? "no fault given" : Faults.describe(fault));
        return unasked(group);
    }

    /** Fetches are paused: no request goes out, and each task of the group waits the pause out at the fetch. */
    public List<Member> unasked(@Variable("group") Group group) {
        return group.leases.stream().map(lease -> new Member(lease, null)).toList();
    }

    /**
     * One task of the group on its way to the fetch (seda:fetch-task): its lease as the body, and its item
     * of the answer, where it has one, as the exchange property {@value #LISTED_ANSWER}.
     */
    public void handOut(Exchange exchange) {
        Member member = exchange.getMessage().getBody(Member.class);
        exchange.getMessage().setBody(member.lease());
        // the group's fault, if its request failed, is not this task's
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        if (member.answer() == null) {
            exchange.removeProperty(LISTED_ANSWER);
        } else {
            exchange.setProperty(LISTED_ANSWER, member.answer());
        }
    }

    /** One task of a group: its lease, and its item of the group's answer (JSON text), or null to be asked alone. */
    public record Member(Lease lease, String answer) {
    }

    /** The tasks of one provider asked in one request. */
    public static final class Group {

        private final ProviderName provider;
        private final List<Lease> leases = new ArrayList<>();
        private final GroupSlot slot;

        Group(ProviderName provider, GroupSlot slot) {
            this.provider = provider;
            this.slot = slot;
        }

        private void add(Lease lease) {
            leases.add(lease);
            slot.joined();
        }

        public ProviderName provider() {
            return provider;
        }

        public List<Lease> leases() {
            return List.copyOf(leases);
        }

        @Override
        public String toString() {
            return provider + " group of " + leases.size();
        }
    }

    /**
     * A group's one fetch slot as each of its tasks' claims sees it: taken when the group goes out, and
     * back among the fetch slots once every task's claim is given back (each task's exchange has ended).
     */
    static final class GroupSlot extends WorkSlots {

        private final WorkSlots fetchSlots;
        private int claims;
        private boolean holding;

        GroupSlot(WorkSlots fetchSlots) {
            super("fetch group", 1);
            this.fetchSlots = fetchSlots;
        }

        synchronized void joined() {
            claims++;
        }

        synchronized void taken() {
            holding = true;
            if (claims <= 0) {
                giveBack(0);
            }
        }

        @Override
        public synchronized void giveBack(int slots) {
            claims -= slots;
            if (claims <= 0 && holding) {
                holding = false;
                fetchSlots.giveBack(1);
            }
        }
    }
}

package io.github.jimengfetcher.store.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.store.FinishedRecords;
import io.github.jimengfetcher.store.ProviderChoice;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskRef;
import io.github.jimengfetcher.task.TaskPolicy;
import io.github.jimengfetcher.task.TaskState;

/**
 * The local task store, the embedded default for one instance: pending tasks and finished ids in
 * memory, every change in the journal under jimeng.work.folder ({@link TaskJournal}). Leases live in
 * memory only: after a restart no holder from before is left, so every pending task is free.
 *
 * Registrations are forced to disk before they return; everything else is written to the
 * operating system at once (safe from a killed process) and forced with the next sync. A finish
 * needs no sync of its own: the task's result or failure record, written before it, is what
 * makes a task finished, and a start drops every task that has one.
 */
public class JournalTaskStore implements TaskStore {

    private static final Logger LOG = LoggerFactory.getLogger(JournalTaskStore.class);

    private Path folder;
    private FinishedRecords outputs;
    private TaskPolicy policy;
    private String instanceId = "local";
    private long leaseTime = 30_000;
    private LongSupplier clock = System::currentTimeMillis;

    private final Map<TaskId, Task> tasks = new HashMap<>();
    /** Finished ids and how they ended (null: finished before outcomes were kept; the output folder says). */
    private final Map<TaskId, TaskState> finished = new HashMap<>();
    private final FinishedProviders finishedProviders = new FinishedProviders();
    private final DueTasks due = new DueTasks();

    private final FetchPauses pauses = new FetchPauses();

    private final ActiveClock activeClock = new ActiveClock();
    private final RegistrationFirst registrationFirst = new RegistrationFirst();
    private TaskJournal journal;
    private JournalRegistrations registrations;
    private RecordedListener onRecorded = id -> { };

    public void setFolder(String folder) {
        this.folder = Path.of(folder);
    }

    public void setOutputs(FinishedRecords outputs) {
        this.outputs = outputs;
    }

    /** For the journal's repair at start only: a hand-edited due time is brought within the policy. */
    public void setPolicy(TaskPolicy policy) {
        this.policy = policy;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    /** Told of each task found finished at start (its record written before a stop), before the store forgets it. */
    public void setOnRecorded(RecordedListener onRecorded) {
        this.onRecorded = onRecorded;
    }

    public void setLeaseTime(java.time.Duration leaseTime) {
        this.leaseTime = leaseTime.toMillis();
    }

    /** The store's clock; tests pass one they can move. */
    public void setClock(LongSupplier clock) {
        this.clock = clock;
    }

    // ---- life cycle ----

    public synchronized void start() throws IOException {
        journal = new TaskJournal(folder, activeClock, tasks::values, () -> finished, finishedProviders);
        registrations = new JournalRegistrations(tasks, finished, finishedProviders, due, activeClock, journal, this::waiting, registrationFirst);
        journal.read(tasks, finished);
        long now = now();
        activeClock.start(now);
        List<TaskId> alreadyDone = new JournalRecovery(outputs, policy, activeClock).recover(tasks, finished, finishedProviders, now);
        for (TaskId id : alreadyDone) {
            LOG.info("{} RECORDED before a stop: finished as its output record says", id);
            onRecorded.accept(id);
        }
        tasks.values().forEach(due::index);
        journal.rewrite();
        LOG.info("Task store {}: {} pending tasks, {} finished ids ({} journal entries read, {} quarantined, {} finished before the last stop)",
                folder.toAbsolutePath(), tasks.size(), finished.size(), journal.loaded(), journal.quarantined(), alreadyDone.size());
    }

    public synchronized void stop() throws IOException {
        if (journal != null) {
            journal.close();
        }
    }

    // ---- registration ----

    /** In slices, each under the lock (see {@link JournalRegistrations#registerInSlices}); new fetches wait meanwhile ({@link RegistrationFirst}). */
    @Override
    public Registration register(List<TaskRef> tasks) {
        return registrations.registerInSlices(tasks, outputs, this, this::now);
    }

    @Override
    public synchronized Optional<ProviderName> providerOf(TaskId id) {
        return registrations.providerOf(id);
    }

    @Override
    public synchronized boolean reopen(TaskId id) {
        return registrations.reopen(id, now());
    }

    @Override
    public synchronized Notified notified(TaskId id) {
        return JournalNotices.notified(tasks.get(id), finished.containsKey(id), now(), due, journal, this::waiting);
    }

    // ---- leases ----

    @Override
    public synchronized List<Lease> claimDue(Task.Phase phase, int max, long gapMillis, ProviderChoice providers) {
        journal.maintain();
        long now = now();
        due.expireLeases(now);
        if (max <= 0 || phase == Task.Phase.FETCH && registrationFirst.fetchesHeldUntil(now) > 0) {
            return List.of();
        }
        return JournalLeases.lease(due.claim(phase, now, max, pauses.open(providers, now)), instanceId, now, leaseTime, gapMillis);
    }

    /** Woken the moment a task is registered or given back (see {@link #waiting}). */
    @Override
    public synchronized boolean awaitDue(Task.Phase phase, long deadline) throws InterruptedException {
        while (true) {
            long now = now();
            long held = phase == Task.Phase.FETCH ? registrationFirst.fetchesHeldUntil(now) : 0;
            long first = held > 0 ? held : due.firstDueAt(phase, pauses::until);
            if (held == 0 && first >= 0 && first <= now) {
                return true;
            }
            if (now >= deadline) {
                return false;
            }
            wait(Math.max(1, (first >= 0 ? Math.min(first, deadline) : deadline) - now));
        }
    }

    /** Back among the waiting tasks: a claim waiting for due work may take it. */
    private void waiting(Task task) {
        due.index(task);
        notifyAll();
    }

    @Override
    public synchronized void renew(Lease lease) {
        Task task = held(lease);
        task.leaseUntil = now() + leaseTime;
        lease.renewedUntil(task.leaseUntil);
    }

    /** One lock for the whole batch: a lease given back meanwhile is skipped, not reported lost. */
    @Override
    public synchronized List<Lease> renewAll(java.util.Collection<Lease> leases) {
        return TaskStore.super.renewAll(leases.stream().filter(lease -> !lease.ended()).toList());
    }

    /** The lease's working copy becomes the store's, the store's own lease fields kept. */
    @Override
    public synchronized void update(Lease lease) {
        Task current = held(lease);
        Task stored = JournalLeases.kept(current, lease);
        due.take(current);
        tasks.put(stored.id, stored);
        due.leased(stored);
        journal.put(stored);
        journal.flush();
    }

    @Override
    public void release(Lease lease) {
        // the task as it will be kept, and its journal line, made before the lock: every fetch ends here
        ReleasedTask released = new ReleasedTask(lease);
        synchronized (this) {
            Task current = held(lease);
            Task next = released.over(current, now());
            due.take(current);
            tasks.put(next.id, next);
            lease.end();
            // Back among the waiting first: what happens to the journal never keeps a task from its next turn.
            waiting(next);
            journal.append(released.line());
            journal.flush();
        }
    }

    @Override
    public synchronized void finish(Lease lease, TaskState outcome) {
        Task task = held(lease);
        tasks.remove(task.id);
        due.take(task);
        finished.put(task.id, outcome);
        finishedProviders.put(task.id, task.provider);
        lease.end();
        journal.finished(task.id, outcome, task.provider);
        journal.flush();
    }

    /** The store's task under the lease; throws, changing nothing, when the lease does not hold. */
    private Task held(Lease lease) {
        return JournalLeases.held(tasks.get(lease.taskId()), lease, now());
    }

    // ---- facts ----

    @Override
    public void pauseFetches(ProviderName provider, long until) {
        pauses.pause(provider, until);
    }

    @Override
    public long fetchesPausedUntil(ProviderName provider) {
        return pauses.until(provider);
    }

    @Override
    public Map<ProviderName, Long> fetchPauses() {
        return pauses.inForce(now());
    }

    @Override
    public long now() {
        return clock.getAsLong();
    }

    @Override
    public long leaseTimeMillis() {
        return leaseTime;
    }

    @Override
    public synchronized Optional<Task> find(TaskId id) {
        return Optional.ofNullable(tasks.get(id)).map(Task::copy);
    }

    @Override
    public synchronized boolean isFinished(TaskId id) {
        return finished.containsKey(id);
    }

    @Override
    public synchronized List<Task> pendingTasks() {
        return tasks.values().stream().map(Task::copy).toList();
    }

    @Override
    public synchronized TaskPage page(TaskState state, String idContains, int offset, int limit) {
        return TaskPages.page(tasks.values(), finished, finishedProviders, outputs, state, idContains, offset, limit, now());
    }

    @Override
    public synchronized int pendingCount() {
        return tasks.size();
    }

    @Override
    public long waitedMillis(Task task) {
        return activeClock.reading(now()) - task.activeAt;
    }

    @Override
    public void outageBegan(String cause) {
        activeClock.outageBegan(cause, now());
    }

    @Override
    public void outageEnded(String cause) {
        activeClock.outageEnded(cause, now());
    }
}

package io.github.jimengfetcher;

import java.nio.file.Path;

/** The task store contract, against the local journal. */
class JournalTaskStoreTest extends TaskStoreContract {

    @Override
    protected TaskStore startStore(Path folder, OutputFolders outputs, TaskPolicy policy, int fetchSlots, int downloadSlots)
            throws Exception {
        JournalTaskStore journal = new JournalTaskStore();
        journal.setFolder(folder.toString());
        journal.setOutputs(outputs);
        journal.setPolicy(policy);
        journal.setMaxConcurrentFetches(fetchSlots);
        journal.setMaxConcurrentDownloads(downloadSlots);
        journal.setClaimWait("50ms");
        journal.start();
        return journal;
    }

    @Override
    protected void stopStore(TaskStore store) throws Exception {
        ((JournalTaskStore) store).stop();
    }
}

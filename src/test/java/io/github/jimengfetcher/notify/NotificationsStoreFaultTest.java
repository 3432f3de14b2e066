package io.github.jimengfetcher.notify;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.store.StoreUnavailableException;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.store.journal.JournalTaskStore;
import io.github.jimengfetcher.task.TaskId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A notification the store could not take (answered 503) is acted on when the sender sends it again. */
class NotificationsStoreFaultTest {

    @TempDir
    Path root;

    private JournalTaskStore journal;

    @AfterEach
    void stop() throws Exception {
        if (journal != null) {
            journal.stop();
        }
    }

    @Test
    void theSameNotificationSentAgainAfterTheStoreFailedIsActedOnNotTakenForADuplicate() throws Exception {
        OutputFolders outputs = new OutputFolders();
        outputs.setRoot(root.resolve("output").toString());
        outputs.start();
        journal = new JournalTaskStore();
        journal.setFolder(root.resolve("work").toString());
        journal.setOutputs(outputs);
        journal.setInstanceId("a");
        journal.start();
        // The real journal, but its first registration fails as a store out of reach does.
        AtomicBoolean down = new AtomicBoolean(true);
        TaskStore store = (TaskStore) Proxy.newProxyInstance(TaskStore.class.getClassLoader(), new Class<?>[] {TaskStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("register") && down.getAndSet(false)) {
                        throw new StoreUnavailableException("the store is out of reach", null);
                    }
                    try {
                        return method.invoke(journal, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Notifications notifications = new Notifications(store, true, 200);
        String body = "{\"task_id\":\"cgt-heard-while-down\",\"status\":\"SUCCESS\"}";

        assertThrows(StoreUnavailableException.class, () -> notifications.act("cgt-heard-while-down", "jimeng-gateway", body));
        assertEquals(Notifications.REGISTERED, notifications.act("cgt-heard-while-down", "jimeng-gateway", body));
        assertTrue(journal.find(TaskId.of("cgt-heard-while-down")).isPresent());
        assertEquals(Notifications.DUPLICATE, notifications.act("cgt-heard-while-down", "jimeng-gateway", body), "now it is one");
    }
}

package io.github.jimengfetcher.inbox;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An inbox file that cannot be registered now (a full disk, say) stays in the inbox and is read
 * again on every poll: its fault is logged once, and again only when it changes or every
 * ten minutes while it lasts, not twice a second.
 */
public class InboxFaults {

    private static final Logger LOG = LoggerFactory.getLogger(InboxFaults.class);
    private static final long REPEAT_AFTER = 10 * 60_000;
    private static final int REMEMBERED = 1000;

    private final Map<String, Long> lastLogged = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    };

    public void notRegistered(String fileName, Throwable fault) {
        if (isGone(fileName, fault)) {
            LOG.info("inbox {}: gone before it was read (another instance sharing the inbox took it, or it was removed)", fileName);
            return;
        }
        String message = describe(fault);
        String key = fileName + "\n" + message;
        long now = System.currentTimeMillis();
        synchronized (lastLogged) {
            Long last = lastLogged.get(key);
            if (last != null && now - last < REPEAT_AFTER) {
                return;
            }
            lastLogged.put(key, now);
        }
        LOG.warn("inbox {} not registered yet, it stays in the inbox and is read again: {}", fileName, message);
    }

    /** The inbox file itself was not found: nothing of it is left here to read again. */
    static boolean isGone(String fileName, Throwable fault) {
        for (Throwable cause = fault; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof NoSuchFileException gone && gone.getFile() != null && fileName != null
                    && Path.of(gone.getFile()).getFileName().toString().equals(Path.of(fileName).getFileName().toString())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The fault by its innermost cause: a wrapper's words may name the exchange (Camel wraps an Error
     * as "Exception occurred during execution on the exchange: Exchange[...]"), which differs at every
     * try, so the same fault would be logged at every poll, and without saying what it is.
     */
    static String describe(Throwable fault) {
        Throwable cause = fault;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (message == null) {
            return cause.getClass().getSimpleName();
        }
        return cause instanceof Error ? cause.getClass().getSimpleName() + ": " + message : message;
    }
}

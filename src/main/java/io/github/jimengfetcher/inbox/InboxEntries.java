package io.github.jimengfetcher.inbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * Which entries of the inbox can be read as task-id files: regular files only, never through a
 * link (a named pipe would block the reader, a link would read a file outside the inbox).
 *
 * As the file consumer's filter it keeps the others away from the inbox route; for the
 * inbox-not-taken route it lists those not reported yet, so that each is recorded once, again
 * only when it changes, and once more after a restart (what was reported is kept in memory), under
 * the same name: the entry's own time, so instances sharing the inbox write one record.
 * Hidden names (starting with '.', such as .done/) are the user's or the app's own business.
 */
public class InboxEntries implements GenericFileFilter<File> {

    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;

    /**
     * One entry the inbox does not take; stamp tells whether it changed since it was reported;
     * received, the entry's own time, names its record, so that instances sharing the inbox
     * write one record, not one each.
     */
    public record NotTaken(String name, String reason, String stamp, Instant received) {
        public Submission asSubmission() {
            return Submission.inboxFile(InboxFile.notTaken(name, reason), received);
        }
    }

    private Path inbox;
    private final Map<String, String> reported = new HashMap<>();

    public void setInbox(String inbox) {
        this.inbox = Path.of(inbox);
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        return whyNotTaken(file.getFile().toPath()) == null;
    }

    /** @return null when the entry is a readable regular file, otherwise why the inbox does not take it. */
    public static String whyNotTaken(Path entry) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null; // gone already, or unreadable metadata: the reader reports it as it finds it
        }
        if (attributes.isSymbolicLink()) {
            return "a symbolic link: links are not followed; put the file itself (or a copy) into the inbox";
        }
        if (attributes.isDirectory()) {
            return "a folder: the inbox does not look into folders; put its files into the inbox itself";
        }
        if (attributes.isOther()) {
            return "not a regular file (" + kindOf(entry) + "): only regular files are read";
        }
        // Not readable also when another instance sharing the inbox has just moved it away: gone is not refused.
        if (!Files.isReadable(entry) && Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
            return "the file cannot be read (no read permission for the app)";
        }
        return null;
    }

    private static String kindOf(Path entry) {
        try {
            int type = (Integer) Files.getAttribute(entry, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
            return type == S_IFIFO ? "a named pipe" : type == S_IFSOCK ? "a socket" : "a device";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a pipe, socket or device";
        }
    }

    /** Entries not taken that were not reported yet, or changed since. */
    public synchronized List<NotTaken> unreported() throws IOException {
        List<NotTaken> found = new ArrayList<>();
        Set<String> present = new HashSet<>();
        if (!Files.isDirectory(inbox)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(inbox)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                present.add(name);
                String reason = whyNotTaken(entry);
                if (reason == null && !Files.exists(inbox.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    // The listing keeps the name's bytes, the file reader goes by its text, which names no file.
                    reason = "its name is not valid " + System.getProperty("sun.jnu.encoding", "text")
                            + " (the encoding of file names here), so it cannot be opened by name: rename it";
                }
                if (reason == null) {
                    continue;
                }
                String stamp = stamp(entry, reason);
                if (stamp != null && !stamp.equals(reported.get(name))) {
                    found.add(new NotTaken(name, reason, stamp, modified(entry)));
                }
            }
        }
        reported.keySet().retainAll(present);
        return found;
    }

    /** The entry's record is written; it is not reported again unless it changes. */
    public synchronized void reported(NotTaken entry) {
        reported.put(entry.name(), entry.stamp());
    }

    /** The entry's modification time (the link's own, not its target's). */
    static Instant modified(Path entry) {
        long millis;
        try {
            millis = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toMillis();
        } catch (IOException e) {
            millis = System.currentTimeMillis();
        }
        return Instant.ofEpochMilli(millis);
    }

    private static String stamp(Path entry, String reason) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isDirectory()) {
                return reason + "|" + attributes.fileKey(); // files coming and going inside do not change it
            }
            return reason + "|" + attributes.lastModifiedTime().toMillis() + "|" + attributes.size() + "|" + attributes.fileKey();
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            return reason;
        }
    }
}

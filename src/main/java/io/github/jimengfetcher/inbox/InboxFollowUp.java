package io.github.jimengfetcher.inbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.jimengfetcher.config.InboxSettings;


/**
 * Inbox files read in the last few minutes, and how far: a writer that kept its file open
 * (tee -a, a submit script) may append more ids after the inbox read it, and its open
 * descriptor keeps writing to the file after the move to inbox/.done/. Those appended lines
 * are read from where the first read stopped, so no id is lost and none is read twice.
 *
 * A file is known by its file key (device and inode), so a different file put under the same
 * name is not mistaken for it. What is followed is kept in memory: after a restart, lines
 * appended to files read before it are not read.
 */
public class InboxFollowUp {

    /** One file being followed: where it is, under what name it arrived, and how far it was read. */
    public record Followed(Object fileKey, Path file, String source, long from, long readAt) {
    }

    private final Path inbox;
    private final long window;
    private final InboxFileReader reader;
    private final Map<Object, Followed> followed = new LinkedHashMap<>();

    /** Follows files of this inbox for the settings' follow-up time, reading their appends with the reader. */
    public InboxFollowUp(Path inbox, InboxSettings settings, InboxFileReader reader) {
        this.inbox = inbox;
        this.window = settings.followUpTime().toMillis();
        this.reader = reader;
    }

    /** The file's ids are registered and it moves to inbox/.done/{doneName}: follow it there. */
    public synchronized void track(String inboxFile, Submission submission, String doneName) throws IOException {
        InboxFile content = submission.read();
        if (content.linesEnd() < 0 || window <= 0) {
            return;
        }
        Object key = Files.readAttributes(Path.of(inboxFile), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        if (key != null) {
            followed.put(key, new Followed(key, inbox.resolve(".done").resolve(doneName), content.source(),
                    content.linesEnd(), System.currentTimeMillis()));
        }
    }

    /** Followed files that grew since they were last read; files read longer ago than the window are let go. */
    public synchronized List<Followed> grown() {
        long now = System.currentTimeMillis();
        followed.values().removeIf(f -> now - f.readAt() > window);
        List<Followed> grown = new ArrayList<>();
        for (Followed f : List.copyOf(followed.values())) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(f.file(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException notMovedYetOrRemoved) {
                continue;
            } catch (IOException e) {
                continue;
            }
            if (!attributes.isRegularFile() || !Objects.equals(attributes.fileKey(), f.fileKey())) {
                followed.remove(f.fileKey()); // not the file that was read
            } else if (attributes.size() > f.from()) {
                grown.add(f);
            }
        }
        return grown;
    }

    /** The lines appended since the last read: whole lines, or everything once the file has settled. */
    public Submission readAppended(Followed f) throws IOException {
        return Submission.inboxFile(reader.readAppended(f.file().toFile(), f.source(), f.from()), Instant.now());
    }

    /** The appended ids are registered: the next read starts after them. */
    public synchronized void advance(Followed f, Submission submission) {
        InboxFile appended = submission.read();
        if (appended.linesEnd() < 0) {
            followed.remove(f.fileKey());
        } else if (followed.containsKey(f.fileKey())) {
            followed.put(f.fileKey(), new Followed(f.fileKey(), f.file(), f.source(), appended.linesEnd(), f.readAt()));
        }
    }
}

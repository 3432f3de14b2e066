package io.github.jimengfetcher.inbox;

import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The name a read inbox file is kept under in inbox/.done/: the time it was read, then its own
 * (shortened) name. The file consumer's move deletes whatever is at the target before it renames,
 * so two instances sharing the inbox that read one file in the same millisecond would, under one
 * name, have the second delete the copy the first had just moved there. With a shared store each
 * instance's names carry its instance id, so no instance's move can remove another's copy.
 */
public class DoneNames {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmssSSS");

    private final String instancePart;
    private final Clock clock;

    /** {@code instance}: this instance's id when the inbox may be shared (a shared store), else empty. */
    public DoneNames(String instance, Clock clock) {
        this.instancePart = instance.isEmpty() ? "" : instance + "-";
        this.clock = clock;
    }

    public String of(Submission submission) {
        return TIME.format(clock.instant().atZone(ZoneId.systemDefault())) + "-" + instancePart + submission.storedName();
    }
}

package io.github.jimengfetcher.inbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one submission (an inbox file, a POST body, a Kafka record) rejected: every rejection is
 * counted, the first {@link #KEPT} are kept with their reasons. A file of a million bad lines
 * then costs as much memory as one of a hundred, and its record stays readable.
 */
public final class Rejections {

    public static final int KEPT = 100;

    private final List<InboxFile.Rejection> kept = new ArrayList<>();
    private final Set<String> keptTexts = new HashSet<>();
    private int count;

    public void add(InboxFile.Rejection rejection) {
        count++;
        if (kept.size() < KEPT) {
            kept.add(rejection);
            if (rejection.text() != null) {
                keptTexts.add(rejection.text());
            }
        }
    }

    public void addAll(InboxFile read) {
        read.rejections().forEach(this::add);
        count += read.rejectedCount() - read.rejections().size();
    }

    /** Rejections counted elsewhere, not kept. */
    void countMore(int rejected) {
        count += rejected;
    }

    /**
     * The text turned out to be an id taken from the same submission (the id "5" and the number 5):
     * it is not listed as rejected too.
     */
    void withdraw(String text) {
        if (keptTexts.remove(text)) {
            int before = kept.size();
            kept.removeIf(r -> text.equals(r.text()));
            count -= before - kept.size();
        }
    }

    public int count() {
        return count;
    }

    public List<InboxFile.Rejection> kept() {
        return List.copyOf(kept);
    }
}

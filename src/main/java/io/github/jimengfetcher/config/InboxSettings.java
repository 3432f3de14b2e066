package io.github.jimengfetcher.config;

import java.time.Duration;

/**
 * How inbox files are read: the largest accepted (also a posted list or a Kafka record), how long a
 * file must rest before it is read, and how long appends to it are followed (zero: not at all).
 */
public record InboxSettings(long maxFileSize, Duration settleTime, Duration followUpTime) {

    static final String MAX_FILE_SIZE = "jimeng.inbox.max-file-size";
    static final String SETTLE_TIME = "jimeng.inbox.settle-time";
    static final String FOLLOW_UP_TIME = "jimeng.inbox.follow-up-time";

    public static InboxSettings read(SettingsReader settings) {
        return new InboxSettings(settings.size(MAX_FILE_SIZE), settings.duration(SETTLE_TIME), settings.durationOrZero(FOLLOW_UP_TIME));
    }
}

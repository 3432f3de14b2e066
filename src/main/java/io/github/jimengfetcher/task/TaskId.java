package io.github.jimengfetcher.task;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A task id that has passed {@link TaskIds}' rules: made only by {@link #of}, where an id enters (an
 * inbox file, a posted body, a Kafka record, a URL, the journal, a database row), so code holding
 * one may put it in a path or a URL without checking it again. Written to JSON as the plain string.
 */
public final class TaskId implements Comparable<TaskId> {

    private final String value;

    private TaskId(String value) {
        this.value = value;
    }

    /** @throws IllegalArgumentException saying why, when the text is not a valid task id */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static TaskId of(String value) {
        return new TaskId(TaskIds.require(value));
    }

    @JsonValue
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TaskId id && value.equals(id.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public int compareTo(TaskId other) {
        return value.compareTo(other.value);
    }

    /** The bare id, as the log and the file names show it. */
    @Override
    public String toString() {
        return value;
    }
}

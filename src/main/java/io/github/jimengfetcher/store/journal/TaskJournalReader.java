package io.github.jimengfetcher.store.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskId;
import io.github.jimengfetcher.task.TaskIds;
import io.github.jimengfetcher.task.TaskState;

/**
 * Replays work/tasks.journal at start. A crash can only cut the last line short; a line that
 * cannot be read (cut short, edited by hand, not UTF-8, absurdly long) is reported and copied to
 * work/quarantine/journal-entries.jsonl, never a reason to stop.
 */
final class TaskJournalReader {

    private static final Logger LOG = LoggerFactory.getLogger(TaskJournalReader.class);
    /** Longer than any entry the store writes (answers are at most jimeng.api.max-answer-size). */
    private static final int MAX_LINE = 32 << 20;
    private static final String TOO_LONG = new String("(too long)");

    private final Path folder;
    private final ActiveClock clock;
    private final ObjectMapper json;

    /** How the read went, for the start-up line. */
    int loaded;
    int quarantined;

    TaskJournalReader(Path folder, ActiveClock clock, ObjectMapper json) {
        this.folder = folder;
        this.clock = clock;
        this.json = json;
    }

    /** Puts what the journal's lines leave into tasks and finished (with providers); restores the clock's last reading. */
    void read(Path journal, Map<TaskId, Task> tasks, Map<TaskId, TaskState> finished, FinishedProviders providers) throws IOException {
        if (!Files.exists(journal)) {
            return;
        }
        // Bytes that are not UTF-8 (a hand edit) become U+FFFD, and a line longer than any entry
        // can be is quarantined unread: a damaged journal never stops the start.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(journal), StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = readLine(in)) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (line == TOO_LONG) {
                    quarantined++;
                    quarantine("(not kept)", "journal line " + number + " is longer than " + (MAX_LINE >> 20) + " MB");
                    continue;
                }
                try {
                    replay(line, tasks, finished, providers);
                    loaded++;
                } catch (RuntimeException | IOException e) {
                    quarantined++;
                    quarantine(line, "journal line " + number + ": " + e.getMessage());
                }
            }
        }
    }

    /** A line without its end, TOO_LONG for one past MAX_LINE (skipped to its end), null at the end of the file. */
    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.length() < MAX_LINE) {
                line.append((char) c);
            } else {
                tooLong = true;
            }
        }
        if (c < 0 && line.length() == 0 && !tooLong) {
            return null;
        }
        return tooLong ? TOO_LONG : line.toString().replace("\r", "");
    }

    private void replay(String line, Map<TaskId, Task> tasks, Map<TaskId, TaskState> finished, FinishedProviders providers) throws IOException {
        JsonNode entry = json.readTree(line);
        String op = entry.path("op").asText();
        switch (op) {
            case "put" -> {
                Task task = task(entry.path("task"));
                if (task.id == null) {
                    throw new IllegalArgumentException(TaskIds.problemWith(null));
                }
                if (task.phase == null) {
                    throw new IllegalArgumentException("task has no phase");
                }
                if (task.provider == null) {
                    task.provider = ProviderName.JIMENG_GATEWAY;
                }
                tasks.put(task.id, task);
                finished.remove(task.id); // reopened
                providers.remove(task.id);
            }
            case "clock" -> clock.restore(entry.path("active").asLong());
            // "remove": what earlier versions wrote for a finished task
            case "finished", "remove" -> {
                TaskId id = TaskId.of(entry.path("id").asText());
                tasks.remove(id);
                String outcome = entry.path("outcome").asText("");
                // written before tasks named a provider: jimeng-gateway's
                String provider = entry.path("provider").asText("");
                ProviderName named = provider.isEmpty() ? ProviderName.JIMENG_GATEWAY : new ProviderName(provider);
                finished.put(id, outcome.isEmpty() ? null : TaskState.valueOf(outcome));
                providers.put(id, named);
            }
            default -> throw new IllegalArgumentException("unknown journal entry '" + op + "'");
        }
    }

    /** A task as a put line holds it; an id that breaks the rules is named as TaskIds says, not as Jackson wraps it. */
    private Task task(JsonNode put) throws IOException {
        try {
            return json.treeToValue(put, Task.class);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                throw invalid;
            }
            throw e;
        }
    }

    private void quarantine(String line, String why) throws IOException {
        LOG.warn("Task store: unreadable entry quarantined ({}); copied to {}", why, folder.resolve("quarantine"));
        Path dir = Files.createDirectories(folder.resolve("quarantine"));
        ObjectNode record = json.createObjectNode();
        record.put("quarantined_at", Instant.now().toString());
        record.put("reason", why);
        record.put("entry", line);
        Files.writeString(dir.resolve("journal-entries.jsonl"), json.writeValueAsString(record) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}

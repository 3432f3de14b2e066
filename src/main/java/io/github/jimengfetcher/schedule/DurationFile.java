package io.github.jimengfetcher.schedule;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learned durations of a single instance: one small JSON file under jimeng.work.folder
 * ({@value #FILE_NAME}), rewritten whole after each lesson by a temporary file and a rename, so a
 * kill leaves the old file or the new one, never half of one. A file that is missing starts an empty
 * history; one that cannot be read is set aside with a WARN (it is only advice, never worth a failed start).
 */
public class DurationFile implements DurationKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(DurationFile.class);
    public static final String FILE_NAME = "fetch-durations.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Which layout of the buckets the file holds: a file of another is ignored, not misread. */
    static final String LAYOUT = "log2/" + DurationHistogram.PER_DOUBLING + "/" + DurationHistogram.BUCKETS;
    /** The layout of earlier versions (up to 36 h), still read: its last bucket is dropped at start. */
    static final String EARLIER_LAYOUT = "log2/" + DurationHistogram.PER_DOUBLING + "/" + DurationHistogram.EARLIER_BUCKETS;

    private final Path file;

    public DurationFile(Path folder) {
        this.file = folder.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    @Override
    public Map<String, DurationHistogram> load() {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} cannot be read ({}): the task durations are learned afresh", file, e.getMessage());
            return Map.of();
        }
        String layout = root == null ? "" : root.path("buckets").asText();
        if (root == null || !root.isObject() || !(LAYOUT.equals(layout) || EARLIER_LAYOUT.equals(layout)) || !root.path("kinds").isObject()) {
            LOG.warn("{} is not a file of learned task durations this version reads: they are learned afresh", file);
            return Map.of();
        }
        Map<String, DurationHistogram> kinds = new LinkedHashMap<>();
        root.path("kinds").fields().forEachRemaining(entry -> {
            JsonNode weights = entry.getValue();
            double[] stored = new double[weights.size()];
            for (int i = 0; i < stored.length; i++) {
                stored[i] = weights.get(i).isNumber() ? weights.get(i).asDouble() : -1;
            }
            DurationHistogram histogram = DurationHistogram.of(stored);
            if (histogram.count() > 0) {
                kinds.put(entry.getKey(), histogram);
            } else {
                LOG.warn("{}: the durations of kind {} cannot be read: learned afresh", file, entry.getKey());
            }
        });
        return kinds;
    }

    /** Rewrites the file without what lies past the bound, or in the earlier layout; only when there is any. */
    @Override
    public synchronized double dropBeyondBound() {
        Map<String, DurationHistogram> stored = load();
        double dropped = 0;
        for (DurationHistogram histogram : stored.values()) {
            dropped = Math.max(dropped, histogram.beyondBound());
        }
        boolean earlier;
        try {
            earlier = Files.exists(file) && EARLIER_LAYOUT.equals(JSON.readTree(Files.readString(file)).path("buckets").asText());
        } catch (IOException | RuntimeException e) {
            earlier = false;
        }
        if (dropped > 0 || earlier) {
            Map<String, DurationHistogram> cleaned = new TreeMap<>();
            stored.forEach((kind, histogram) -> {
                DurationHistogram within = histogram.withinBound();
                if (within.count() > 0) {
                    cleaned.put(kind, within);
                }
            });
            write(cleaned);
        }
        return dropped;
    }

    /** One instance learns into this file: what it knows, these lessons included, is written as it is. */
    @Override
    public synchronized Map<String, DurationHistogram> add(Map<String, List<Double>> lessons, Map<String, DurationHistogram> learnedHere) {
        write(new TreeMap<>(learnedHere));
        return learnedHere;
    }

    private void write(Map<String, DurationHistogram> all) {
        ObjectNode root = JSON.createObjectNode();
        root.put("buckets", LAYOUT);
        ObjectNode kinds = root.putObject("kinds");
        all.forEach((kind, histogram) -> {
            ArrayNode weights = kinds.putArray(kind);
            for (double w : histogram.weights()) {
                weights.add((float) w); // a float's seven digits are plenty, and keep the file small
            }
        });
        Path temporary = file.resolveSibling("." + FILE_NAME + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(temporary, JSON.writeValueAsBytes(root));
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

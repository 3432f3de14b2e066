package io.github.jimengfetcher.provider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.task.ProviderName;

/**
 * The provider files read at start: those shipped in the jar (named here, so nothing depends on
 * scanning the class path), then the users' own from {@code jimeng.provider-files}, where a file
 * with a shipped name replaces the shipped one. A missing folder is no users' files.
 */
public final class ProviderFiles {

    /** The shipped files, {@code providers/{name}.yaml} in the jar. */
    public static final List<String> SHIPPED = List.of("jimeng-gateway", "new-api", "openai-videos", "ark");

    private static final Logger LOG = LoggerFactory.getLogger(ProviderFiles.class);

    private ProviderFiles() {
    }

    /** Every provider by name: the shipped ones, replaced or joined by the users' files in {@code folder}. */
    public static Map<ProviderName, Provider> read(Path folder) {
        Map<ProviderName, Provider> providers = new LinkedHashMap<>();
        for (String name : SHIPPED) {
            Provider shipped = ProviderFileReader.read(name + ".yaml", "providers/" + name + ".yaml (shipped)", shipped(name));
            providers.put(shipped.name(), shipped);
        }
        for (Path file : userFiles(folder)) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(file + ": cannot be read (" + e.getMessage() + ")");
            }
            Provider own = ProviderFileReader.read(file.getFileName().toString(), file.toString(), text);
            if (providers.put(own.name(), own) != null && SHIPPED.contains(own.name().value())) {
                LOG.info("Provider {}: {} replaces the shipped file", own.name(), file);
            }
        }
        return providers;
    }

    private static String shipped(String name) {
        try (InputStream in = ProviderFiles.class.getResourceAsStream("/providers/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("providers/" + name + ".yaml is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder's *.yaml files in name order; hidden files (a file being written) are left out. */
    private static List<Path> userFiles(Path folder) {
        if (!Files.exists(folder)) {
            return List.of();
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("jimeng.provider-files=" + folder + " is not a folder (a folder of provider files, "
                    + "environment variable JIMENG_PROVIDER_FILES)");
        }
        try (Stream<Path> listed = Files.list(folder)) {
            return listed.filter(f -> f.getFileName().toString().endsWith(".yaml") && !f.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("jimeng.provider-files=" + folder + " cannot be listed (" + e.getMessage() + ")");
        }
    }
}

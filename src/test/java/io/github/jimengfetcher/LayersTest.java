package io.github.jimengfetcher;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;

/**
 * The packages stand in layers, each using only those beneath it: the wiring (this package) on top;
 * the edges (inbox, api, download, output, web, observe, kafka, notify); {@code life}, what
 * happens to a leased task; the stores; {@code task} and {@code schedule} at the bottom. A class put
 * in the wrong package, or an import reaching up, fails here with the classes and lines that do it.
 */
@AnalyzeClasses(packages = "io.github.jimengfetcher", importOptions = ImportOption.DoNotIncludeTests.class)
class LayersTest {

    private static final String ROOT = "io.github.jimengfetcher";
    private static final List<String> EDGES = List.of("inbox", "download", "output", "web", "observe", "kafka", "notify");

    /**
     * The only uses of one edge by another; each is a value or a folder that the other edge reads.
     * Anything else between edges goes through life, the stores or the wiring.
     */
    private static final Map<String, Set<String>> EDGE_USES = new LinkedHashMap<>();

    static {
        // A Kafka record is read by the inbox's rules; the outbox sends the records written to the output folders.
        EDGE_USES.put("kafka", Set.of("inbox", "output"));
        // The status service shows what the output folders hold (records, videos, their MP4 duration), read as the
        // metrics read a record (FinishedTask), and the reasons of our health check (FetcherHealthCheck.REASONS).
        // A posted task, or one retried, is read by the inbox's own rules (InboxFileReader, InboxFile, Rejections);
        // a retry clears the task's records in the output folders (OutputFolders).
        EDGE_USES.put("web", Set.of("inbox", "output", "download", "observe"));
        // The metrics count the download's bytes (DownloadMetrics); health looks at the output folders.
        EDGE_USES.put("observe", Set.of("output", "download"));
        // The notification listener keeps the status server's connection limits (ConnectionLimits).
        EDGE_USES.put("notify", Set.of("web"));
        // A result record is written from the download's result (DownloadResult).
        EDGE_USES.put("output", Set.of("download"));
    }

    @ArchTest
    static final ArchRule packagesFormNoCircle = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule subpackagesFormNoCircle = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule nothingBelowUsesTheWiring = noClasses().that().resideOutsideOfPackage(ROOT)
            .should().dependOnClassesThat().resideInAPackage(ROOT);

    /** A store keeps tasks: it knows the task and, for the learned durations it shares, the schedule. */
    @ArchTest
    static final ArchRule storesKnowOnlyTasksAndSchedules = onlyUses("store", "task", "schedule");

    /** The api reads the gateway's answers; what they lead to is life's. */
    @ArchTest
    static final ArchRule apiKnowsNoStoreNorLife = noClasses().that().resideInAPackage(ROOT + ".api..")
            .should().dependOnClassesThat().resideInAnyPackage(packages("store", "life", "inbox", "download", "output", "web",
                    "observe", "kafka", "notify"));

    /**
     * Life is used by the edges, never the other way, except for what the edges hand it to decide on:
     * the api's answers (FetchAnswer, FetchPace, ApiFault) and the download's result (DownloadResult), and
     * on a stop the downloads to cut off (VideoDownload).
     */
    @ArchTest
    static final ArchRule lifeUsesNoEdgeButWhatItDecidesOn = noClasses().that().resideInAPackage(ROOT + ".life..")
            .should().dependOnClassesThat().resideInAnyPackage(packages("inbox", "output", "web", "observe", "kafka", "notify"));

    /**
     * The task APIs' files (provider) read what the api reads, into the api's answers, from the settings;
     * only the wiring uses them: the rest knows a provider by its name and task.KnownProviders.
     */
    @ArchTest
    static final ArchRule providerFilesUseOnlyApiTaskAndSettings = onlyUses("provider", "api", "task", "config");

    @ArchTest
    static final ArchRule onlyTheWiringUsesTheProviderFiles = noClasses().that().resideOutsideOfPackage(ROOT)
            .and().resideOutsideOfPackage(ROOT + ".provider..")
            .should().dependOnClassesThat().resideInAPackage(ROOT + ".provider..");

    @ArchTest
    static final ArchRule taskAndScheduleAtTheBottom = CompositeArchRule
            .of(onlyUses("task", "schedule"))
            .and(onlyUses("schedule"));

    @ArchTest
    static final ArchRule edgesUseNoOtherEdgeButTheListed = edgeRules();

    private static ArchRule edgeRules() {
        CompositeArchRule rule = null;
        for (String edge : EDGES) {
            List<String> forbidden = new ArrayList<>(EDGES);
            forbidden.remove(edge);
            forbidden.removeAll(EDGE_USES.getOrDefault(edge, Set.of()));
            ArchRule one = noClasses().that().resideInAPackage(ROOT + "." + edge + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(packages(forbidden.toArray(String[]::new)));
            rule = rule == null ? CompositeArchRule.of(one) : rule.and(one);
        }
        return rule;
    }

    /** The classes of the first package use, of the app's own, only those of the packages named (itself first). */
    private static ArchRule onlyUses(String... names) {
        return classes().that().resideInAPackage(ROOT + "." + names[0] + "..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage(ROOT + "..").or(resideInAnyPackage(packages(names))));
    }

    private static String[] packages(String... names) {
        String[] result = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            result[i] = ROOT + "." + names[i] + "..";
        }
        return result;
    }
}

package io.github.jimengfetcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.MicrometerUtils;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CliConnectorFactory;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.life.ApiHealth;
import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.config.ByteSizes;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.download.VideoDownload;
import io.github.jimengfetcher.kafka.EventOutbox;
import io.github.jimengfetcher.kafka.KafkaHealth;
import io.github.jimengfetcher.observe.FetchOutcomes;
import io.github.jimengfetcher.observe.FetcherHealthCheck;
import io.github.jimengfetcher.observe.WorkerFailures;
import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.observe.FinishedFacts;
import io.github.jimengfetcher.observe.HealthProblems;
import io.github.jimengfetcher.observe.RejectedInputs;
import io.github.jimengfetcher.observe.VideoPoster;
import io.github.jimengfetcher.observe.MaskedPropertiesConsole;
import io.github.jimengfetcher.observe.TaskBoard;
import io.github.jimengfetcher.observe.TaskMetrics;
import io.github.jimengfetcher.observe.VideoStream;
import io.github.jimengfetcher.output.OutputFolders;
import io.github.jimengfetcher.life.OutputHealth;
import io.github.jimengfetcher.store.StoreHealth;
import io.github.jimengfetcher.life.TaskLife;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.schedule.LearnedDurations;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * Adds what the status page, /tasks, /observe/health and /observe/metrics need, once the
 * task pieces of {@link FetcherConfiguration} are in the registry and before any route starts:
 * the task board, video stream and metrics the routes call ({@code ref: taskBoard}, {@code ref: videoStream},
 * {@code ref: taskMetrics}), and the status page's banner, rejected inputs and posters ({@code ref: healthProblems},
 * {@code ref: rejectedInputs}, {@code ref: videoPoster}),
 * the fetch outcome counter and our health check.
 *
 * The HTTP server itself is Camel's (camel.server.* and camel.management.* in application.properties).
 */
public class ObserveConfiguration extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ObserveConfiguration.class);

    private final String startClass;

    /** The class the app starts from, as Camel JBang is told it; given by that class, so nothing here imports it back. */
    public ObserveConfiguration(Class<?> startClass) {
        this.startClass = startClass.getName();
    }

    /**
     * Camel's HTTP server only warns when its port is taken and the app runs on without it;
     * health probes would then reach whatever holds the port. Better not to start at all.
     */
    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        camelCli(main.getCamelContext(), properties, startClass);
        if (!Boolean.parseBoolean(properties.resolveProperty("jimeng.http.enabled").orElse("false").strip())) {
            return;
        }
        String host = properties.resolveProperty("jimeng.http.host").orElse("127.0.0.1").strip();
        int port = Integer.parseInt(properties.resolveProperty("jimeng.http.port").orElse("8080").strip());
        if (port <= 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): another program, "
                    + "or another jimeng-fetcher, uses it. Set jimeng.http.port (env JIMENG_HTTP_PORT) to a free port, "
                    + "or jimeng.http.enabled=false");
        }
    }

    /**
     * Camel's CLI connector starts whenever it is on the class path; here it starts only when
     * jimeng.camel-cli.enabled says so (Camel JBang then finds this process under ~/.camel).
     */
    private static void camelCli(CamelContext context, PropertiesComponent properties, String startClass) {
        DefaultCliConnectorFactory cli = new DefaultCliConnectorFactory();
        cli.setEnabled(Boolean.parseBoolean(properties.resolveProperty("jimeng.camel-cli.enabled").orElse("false").strip()));
        cli.setRuntime("Camel Main");
        cli.setRuntimeStartClass(startClass);
        context.getCamelContextExtension().addContextPlugin(CliConnectorFactory.class, cli);
        if (cli.isEnabled()) {
            // registered before Camel's own, which then stays out: ids are unique
            DevConsoleRegistry consoles = DevConsoleRegistry.get(context);
            MaskedPropertiesConsole masked = new MaskedPropertiesConsole();
            masked.setCamelContext(context);
            if (consoles == null || !consoles.register(masked)) {
                throw new IllegalStateException("jimeng.camel-cli.enabled: Camel's properties console could not be replaced by one that masks secrets");
            }
        }
    }

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Registry registry = context.getRegistry();
        PropertiesComponent properties = context.getPropertiesComponent();

        TaskStore store = require(registry, TaskStore.class);
        VideoDownload download = require(registry, VideoDownload.class);

        String instanceId = require(registry, InstanceScope.class).id();
        MeterRegistry meters = meterRegistry(registry);
        // Every jimeng metric names its instance ("instance" itself is Prometheus's own label, overwritten at scrape).
        meters.config().commonTags("instance_id", instanceId);
        TaskMetrics metrics = new TaskMetrics(meters, store, download.getMetrics());
        registry.bind("taskMetrics", metrics);
        FetchPace pace = registry.lookupByNameAndType("fetchPace", FetchPace.class);
        if (pace != null) {
            metrics.pace(pace);
        }
        context.getManagementStrategy().addEventNotifier(new FetchOutcomes(metrics));
        metrics.watch(require(registry, LearnedDurations.class));
        require(registry, TaskLife.class).setOnGapPlanned(metrics::gapPlanned);

        OutputFolders outputs = require(registry, OutputFolders.class);
        TaskBoard board = new TaskBoard(store, new FinishedFacts(outputs));
        board.setApiHealth(require(registry, ApiHealth.class));
        board.setInstanceId(instanceId);
        board.setPolicy(require(registry, TaskPolicy.class));
        board.setStoreHealth(require(registry, StoreHealth.class));
        VideoPoster posters = new VideoPoster(outputs);
        board.setPosters(posters);
        registry.bind("taskBoard", board);
        registry.bind("videoStream", new VideoStream(outputs));
        registry.bind("videoPoster", posters);
        registry.bind("healthProblems", new HealthProblems(context));
        registry.bind("rejectedInputs", new RejectedInputs(
                java.nio.file.Path.of(properties.resolveProperty("jimeng.output.folder").orElseThrow().strip(), "rejected"),
                Integer.parseInt(properties.resolveProperty("jimeng.http.rejected-shown").orElseThrow().strip())));

        long failingLimit = TimeUtils.toMilliSeconds(properties.resolveProperty("jimeng.health.api-failing-limit").orElseThrow().strip());
        long minFreeSpace = ByteSizes.parse(properties.resolveProperty("jimeng.health.min-free-space").orElseThrow());
        FetcherHealthCheck check = new FetcherHealthCheck(require(registry, ApiHealth.class), require(registry, OutputFolders.class),
                require(registry, OutputHealth.class), java.nio.file.Path.of(properties.resolveProperty("jimeng.work.folder").orElseThrow().strip()),
                failingLimit, minFreeSpace);
        check.setStoreHealth(require(registry, StoreHealth.class));
        check.setCamelContext(context);
        WorkerFailures workers = new WorkerFailures(context, require(registry, DueWork.class));
        check.setWorkerFailures(workers);
        try {
            context.addService(workers);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(check);
            // Kafka's own check (jimeng-kafka), only while Kafka is on (jimeng.kafka.brokers).
            if (require(registry, EventOutbox.class).isEnabled()) {
                health.register(require(registry, KafkaHealth.class));
            }
        }
    }

    /** Camel's endpoint summary prints 0.0.0.0 whatever the host; this line says where to look. */
    @Override
    public void afterStart(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        if (Boolean.parseBoolean(properties.resolveProperty("jimeng.http.enabled").orElse("false").strip())) {
            LOG.info("Status page: http://{}:{}/ (also /tasks, /observe/health, /observe/metrics)",
                    properties.resolveProperty("jimeng.http.host").orElse("").strip(),
                    properties.resolveProperty("jimeng.http.port").orElse("").strip());
        }
    }

    /** Camel's Prometheus registry when camel.metrics.enabled made it already, else one it will pick up by name. */
    private static MeterRegistry meterRegistry(Registry registry) {
        MeterRegistry found = MicrometerUtils.getMeterRegistryFromCamelRegistry(registry, MicrometerConstants.METRICS_REGISTRY_NAME);
        if (found == null) {
            found = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, found);
        }
        return found;
    }

    private static <T> T require(Registry registry, Class<T> type) {
        T bean = registry.findSingleByType(type);
        if (bean == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + " in the registry");
        }
        return bean;
    }
}

package io.github.jimengfetcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.apache.camel.CamelContext;
import org.apache.camel.cli.connector.DefaultCliConnectorFactory;
import org.apache.camel.console.DevConsoleRegistry;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.CliConnectorFactory;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.jimengfetcher.api.ApiEndpoint;
import io.github.jimengfetcher.config.AppSettings;
import io.github.jimengfetcher.config.RenamedSettings;
import io.github.jimengfetcher.config.EnvironmentSettings;
import io.github.jimengfetcher.config.HttpSettings;
import io.github.jimengfetcher.config.InstanceScope;
import io.github.jimengfetcher.config.WorkFolderLock;
import io.github.jimengfetcher.demo.DemoGateway;
import io.github.jimengfetcher.download.ImageDownload;
import io.github.jimengfetcher.download.VideoDownload;
import io.github.jimengfetcher.web.HttpAccessGate;
import io.github.jimengfetcher.kafka.EventOutbox;
import io.github.jimengfetcher.kafka.KafkaHealth;
import io.github.jimengfetcher.life.DueWork;
import io.github.jimengfetcher.life.WorkOnStop;
import io.github.jimengfetcher.log.LogFormat;
import io.github.jimengfetcher.notify.NotificationListener;
import io.github.jimengfetcher.observe.FetchOutcomes;
import io.github.jimengfetcher.observe.FetcherHealthCheck;
import io.github.jimengfetcher.observe.HookEventsOnStop;
import io.github.jimengfetcher.observe.MaskedPropertiesConsole;
import io.github.jimengfetcher.observe.TaskMetrics;
import io.github.jimengfetcher.observe.WorkerFailures;
import io.github.jimengfetcher.output.S3Delivery;
import io.github.jimengfetcher.provider.Providers;
import io.github.jimengfetcher.store.TaskStore;

/**
 * The order of the start and of the stop, in one place. Before anything is made: the settings are
 * read and checked once ({@link AppSettings}, a bad one stops the start) and their groups go into
 * the registry; the work folder is locked; the HTTP port is probed and guarded. The beans themselves
 * are made by the configuration classes ({@code *Configuration}); once configured, the start makes
 * those that must exist before any route runs (API, store, health, metrics). At the stop: nothing
 * more is claimed and the downloads are handed back before Camel stops the routes; the lock and the
 * HTTP server's Vert.x go last.
 */
public class AppLifecycle extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AppLifecycle.class);

    private final String startClass;
    private final WorkFolderLock lock = new WorkFolderLock();
    private final HttpAccessGate httpGate = new HttpAccessGate();
    private AppSettings settings;
    /** Held from the start: after the stop the registry has let go of its beans. */
    private HookEventsOnStop hookEvents;
    private DemoGateway demo;
    private NotificationListener notifications;

    /** The class the app starts from, as Camel JBang is told it; given by that class, so nothing here imports it back. */
    public AppLifecycle(Class<?> startClass) {
        this.startClass = startClass.getName();
    }

    /** As early as settings can be read: an empty environment variable means the settings file's value. */
    @Override
    public void beforeInitialize(BaseMainSupport main) {
        EnvironmentSettings.install(main.getCamelContext().getPropertiesComponent());
    }

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        RouteTypes.install(context);
        RenamedSettings.install(context.getPropertiesComponent());
        settings = AppSettings.read(context.getPropertiesComponent());
        LogFormat.apply(settings.console().logFormat(), context);
        InstanceScope scope = InstanceScope.of(settings.store(), settings.folders());
        Registry registry = context.getRegistry();
        settings.bindTo(registry);
        registry.bind("instanceScope", InstanceScope.class, scope);
        lock.lock(scope);
        httpGate.open(context, settings.http(), settings.inbox().maxFileSize());
        camelCli(context, settings.console().camelCli(), startClass);
        probePort(settings.http());
    }

    /**
     * Camel's HTTP server only warns when its port is taken and the app runs on without it;
     * health probes would then reach whatever holds the port. Better not to start at all.
     */
    private static void probePort(HttpSettings http) {
        if (!http.enabled() || http.port() <= 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(http.host().strip(), http.port()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + http.host().strip() + ":" + http.port() + " (" + e.getMessage()
                    + "): another program, or another jimeng-fetcher, uses it. Set jimeng.http.port (env JIMENG_HTTP_PORT) to a free port, "
                    + "or jimeng.http.enabled=false");
        }
    }

    /**
     * Camel's CLI connector starts whenever it is on the class path; here it starts only when the
     * setting says so (Camel JBang then finds this process under ~/.camel).
     */
    private static void camelCli(CamelContext context, boolean enabled, String startClass) {
        DefaultCliConnectorFactory cli = new DefaultCliConnectorFactory();
        cli.setEnabled(enabled);
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

    /** Made before any route starts: a bad API setting stops the start here, and the store, metrics and health are in place. */
    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Registry registry = context.getRegistry();
        // Every provider file read and checked first: a bad one stops the start naming the file and the field.
        Providers providers = require(registry, Providers.class);
        require(registry, ApiEndpoint.class);
        if (providers.demo()) {
            demo = require(registry, DemoGateway.class);
        }
        require(registry, TaskStore.class);
        // After the store: its pending tasks say which partial images are still wanted.
        require(registry, ImageDownload.class);
        context.getManagementStrategy().addEventNotifier(new FetchOutcomes(require(registry, TaskMetrics.class)));
        hookEvents = require(registry, HookEventsOnStop.class);
        hookEvents.watch(context);
        try {
            context.addService(require(registry, WorkerFailures.class));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(require(registry, FetcherHealthCheck.class));
            // Kafka's own check (jimeng-kafka), only while Kafka is on.
            if (require(registry, EventOutbox.class).isEnabled()) {
                health.register(require(registry, KafkaHealth.class));
            }
        }
        // Its own port, whether or not the status server runs; taken before any route runs, or the start fails.
        if (settings.notifications().enabled()) {
            notifications = NotifyConfiguration.listener(context, settings, providers, require(registry, TaskMetrics.class));
            notifications.start();
        }
    }

    /** Camel's endpoint summary prints 0.0.0.0 whatever the host; this line says where to look. */
    @Override
    public void afterStart(BaseMainSupport main) {
        if (settings.http().enabled()) {
            LOG.info("Status page: http://{}:{}/ (also /tasks, /observe/health, /observe/metrics)", settings.http().host().strip(),
                    settings.http().port());
        }
    }

    @Override
    public void beforeStop(BaseMainSupport main) {
        if (notifications != null) {
            notifications.stop();
        }
        CamelContext context = main.getCamelContext();
        if (context == null) {
            return;
        }
        DueWork dueWork = context.getRegistry().findSingleByType(DueWork.class);
        VideoDownload downloads = context.getRegistry().findSingleByType(VideoDownload.class);
        S3Delivery uploads = context.getRegistry().findSingleByType(S3Delivery.class);
        if (uploads != null) {
            uploads.cutOffAll();
        }
        if (dueWork != null && downloads != null) {
            WorkOnStop.handBack(context, dueWork, downloads);
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        if (hookEvents != null) {
            hookEvents.reportLost();
        }
        if (demo != null) {
            demo.close();
        }
        httpGate.close();
        lock.release();
    }

    private static <T> T require(Registry registry, Class<T> type) {
        T bean = registry.findSingleByType(type);
        if (bean == null) {
            throw new IllegalStateException("no " + type.getSimpleName() + " in the registry");
        }
        return bean;
    }
}

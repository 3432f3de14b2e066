package io.github.jimengfetcher.kafka;

import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the Kafka brokers can be reached (bean {@code kafkaHealth}, a readiness check named
 * {@code jimeng-kafka}): DOWN, with the reason, while the last probe or the last send of an
 * event failed, or while the outbox is full. The probe asks the cluster for its nodes, bounded in
 * time, on its own timer; the task pipeline never waits for Kafka. The first failure of an
 * episode is logged once, the recovery once.
 */
public class KafkaHealth extends AbstractHealthCheck implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaHealth.class);
    private static final int PROBE_TIMEOUT_MS = 3000;

    private final String brokers;
    private final EventOutbox outbox;
    private CamelContext camelContext;
    private Admin admin;
    private volatile long downSince;
    private volatile String probeFault;
    private volatile String sendFault;

    public KafkaHealth(String brokers, EventOutbox outbox) {
        super("jimeng", "jimeng-kafka");
        this.brokers = brokers;
        this.outbox = outbox;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** Asks the cluster for its nodes (at most a few seconds). */
    public void probe() {
        try {
            admin().describeCluster(new DescribeClusterOptions().timeoutMs(PROBE_TIMEOUT_MS)).nodes()
                    .get(PROBE_TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS);
            probeFault = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            probeFault = "the brokers (jimeng.kafka.brokers) cannot be reached: " + message(e);
        }
        changed();
    }

    /** An event could not be sent. */
    public void sendFailed(Throwable fault) {
        sendFault = "finish events cannot be sent: " + message(fault);
        changed();
    }

    /** An event was sent. */
    public void sent() {
        if (sendFault != null) {
            sendFault = null;
            changed();
        }
    }

    /** The reason Kafka is DOWN, or null while it is UP. */
    public synchronized String problem() {
        StringBuilder problem = new StringBuilder();
        if (probeFault != null) {
            problem.append(probeFault);
        } else if (sendFault != null) {
            problem.append(sendFault);
        }
        if (problem.length() > 0) {
            problem.append(" (since ").append(Instant.ofEpochMilli(downSince)).append("); ")
                    .append(outbox.waiting()).append(" finish events wait in the outbox");
        }
        if (outbox.fullSince() > 0) {
            if (problem.length() > 0) {
                problem.append("; ");
            }
            problem.append("the Kafka outbox is full since ").append(Instant.ofEpochMilli(outbox.fullSince()))
                    .append(": ").append(outbox.dropped()).append(" finish events were not kept");
        }
        return problem.length() == 0 ? null : problem.toString();
    }

    private synchronized void changed() {
        boolean down = probeFault != null || sendFault != null;
        if (down && downSince == 0) {
            downSince = System.currentTimeMillis();
            LOG.error("Kafka: {}. Tasks go on from the inbox folder; finish events wait in the outbox and are sent once "
                    + "the brokers are back", probeFault != null ? probeFault : sendFault);
        } else if (!down && downSince != 0) {
            LOG.info("Kafka can be reached again, after {} s; {} finish events wait to be sent",
                    (System.currentTimeMillis() - downSince) / 1000, outbox.waiting());
            downSince = 0;
        }
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String problem = problem();
        if (problem == null) {
            builder.up();
        } else {
            builder.down().message(problem.replace('"', '\''));
        }
    }

    /** The client settings of Camel's kafka component (security included), for an admin client. */
    private synchronized Admin admin() {
        if (admin == null) {
            KafkaConfiguration configuration = camelContext.getComponent("kafka", KafkaComponent.class).getConfiguration().copy();
            configuration.setBrokers(brokers);
            Properties all = configuration.createProducerProperties();
            Properties props = new Properties();
            Set<String> known = AdminClientConfig.configNames();
            all.forEach((key, value) -> {
                if (known.contains(String.valueOf(key))) {
                    props.put(key, value);
                }
            });
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MS);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MS);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "jimeng-fetcher-health");
            admin = Admin.create(props);
        }
        return admin;
    }

    public synchronized void stop() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
            admin = null;
        }
    }

    private static String message(Throwable fault) {
        Throwable cause = fault;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String text = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return text.replaceAll("[\\r\\n]+", " ");
    }
}

package io.github.jimengfetcher;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.api.FetchPace;
import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.support.AppTestSupport;
import io.github.jimengfetcher.support.fake.FakeGateway;
import io.github.jimengfetcher.task.ProviderName;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fetch pace against a real gateway on loopback that admits a fixed number of fetches a second
 * per key (a token bucket; HTTP 429 without Retry-After beyond), far fewer than the tasks want: the
 * app learns the rate and keeps close to it with few 429s, and every task keeps being fetched.
 */
class GatewayPaceTest extends AppTestSupport {

    private static final int ADMITTED_PER_SECOND = 20;
    private static final int TASKS = 60;

    /** One fetch as the gateway saw it. */
    record Fetch(String id, long at, boolean admitted) { }

    private final List<Fetch> fetches = new CopyOnWriteArrayList<>();
    private HttpServer gateway;
    private ExecutorService threads;

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.stop(0);
            threads.shutdownNow();
        }
    }

    @Test
    void keepsToTheGatewaysRateWithFew429sAndFetchesEveryTask() throws Exception {
        startLimitedGateway();
        // 60 tasks on a 1 s interval want 60 fetches a second; the gateway admits 20.
        startApp(Map.of("jimeng.api.base-url", "http://127.0.0.1:" + gateway.getAddress().getPort(),
                "jimeng.fetch.interval", "1s", "jimeng.fetch.task-timeout", "1h"));
        List<String> ids = IntStream.range(0, TASKS).mapToObj(i -> "cgt-pace-" + i).toList();
        app.drop("ids.txt", String.join("\n", ids) + "\n");
        long start = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(60)).until(() -> System.currentTimeMillis() - start > 22_000);

        // Judged after the first 6 s, in which the pace learns the rate.
        long from = start + 6_000;
        long to = System.currentTimeMillis();
        List<Fetch> judged = fetches.stream().filter(f -> f.at() >= from && f.at() < to).toList();
        long admitted = judged.stream().filter(Fetch::admitted).count();
        double perSecond = admitted * 1000.0 / (to - from);
        double limitedShare = 1.0 - (double) admitted / judged.size();
        assertTrue(perSecond >= 0.85 * ADMITTED_PER_SECOND, "admitted fetches a second: " + perSecond + "; each second: " + bySecond(start));
        assertTrue(limitedShare < 0.03, "share answered 429: " + limitedShare + " (" + (judged.size() - admitted) + " of " + judged.size() + ")");

        // Every task keeps being fetched: no task waits more than twice the mean gap between its fetches.
        Map<String, List<Long>> byTask = judged.stream().filter(Fetch::admitted)
                .collect(Collectors.groupingBy(Fetch::id, Collectors.mapping(Fetch::at, Collectors.toList())));
        assertTrue(byTask.keySet().containsAll(ids), "tasks never fetched: " + ids.stream().filter(id -> !byTask.containsKey(id)).toList());
        List<Long> gaps = new ArrayList<>();
        byTask.values().forEach(times -> {
            for (int i = 1; i < times.size(); i++) {
                gaps.add(times.get(i) - times.get(i - 1));
            }
        });
        double meanGap = gaps.stream().mapToLong(Long::longValue).average().orElseThrow();
        long maxGap = gaps.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(maxGap <= 2 * meanGap, "longest gap " + maxGap + " ms against a mean of " + meanGap + " ms");

        // The learned pace, as the metrics show it.
        FetchPace pace = app.context().getRegistry().lookupByNameAndType("fetchPaces", ProviderPaces.class).of(ProviderName.JIMENG_GATEWAY);
        MeterRegistry meters = app.context().getRegistry().findSingleByType(MeterRegistry.class);
        double rate = meters.get("jimeng.fetch.pace.rate").tag("provider", "jimeng-gateway").gauge().value();
        assertTrue(rate > 0.7 * ADMITTED_PER_SECOND && rate < 1.5 * ADMITTED_PER_SECOND, "learned rate " + rate + " (" + pace + ")");
        double limit = meters.get("jimeng.fetch.pace.limit").tag("provider", "jimeng-gateway").gauge().value();
        assertTrue(limit >= 1 && limit <= 24, "learned limit " + limit);
    }

    /** Admitted/429 fetches in each second since the start. */
    private String bySecond(long start) {
        Map<Long, List<Fetch>> seconds = fetches.stream().collect(Collectors.groupingBy(f -> (f.at() - start) / 1000, java.util.TreeMap::new, Collectors.toList()));
        return seconds.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue().stream().filter(Fetch::admitted).count() + "/" + e.getValue().stream().filter(f -> !f.admitted()).count())
                .collect(Collectors.joining(" "));
    }

    /** The gateway: every task running; a token bucket of 20 a second (holding 20) per key; 429 beyond, no Retry-After. */
    private void startLimitedGateway() throws IOException {
        double[] bucket = {ADMITTED_PER_SECOND, System.nanoTime()};
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        threads = Executors.newFixedThreadPool(32);
        gateway.setExecutor(threads);
        gateway.createContext("/jimeng/fetch/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/jimeng/fetch/".length());
            boolean admitted;
            synchronized (bucket) {
                long now = System.nanoTime();
                bucket[0] = Math.min(ADMITTED_PER_SECOND, bucket[0] + (now - bucket[1]) / 1e9 * ADMITTED_PER_SECOND);
                bucket[1] = now;
                admitted = bucket[0] >= 1;
                if (admitted) {
                    bucket[0]--;
                }
            }
            fetches.add(new Fetch(id, System.currentTimeMillis(), admitted));
            if (admitted) {
                answer(exchange, 200, FakeGateway.status(id, "IN_PROGRESS", "10%"));
            } else {
                answer(exchange, 429, "{\"code\":\"rate_limit_exceeded\",\"message\":\"QPS limit exceeded\"}");
            }
        });
        gateway.start();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

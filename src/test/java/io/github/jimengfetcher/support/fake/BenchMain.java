package io.github.jimengfetcher.support.fake;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's fake gateway from the command line (bench/run.sh compiles this folder with javac
 * and runs it; JDK only): {@code java -cp CLASSES io.github.jimengfetcher.support.fake.BenchMain
 * --port-file F [--name value ...]}. Options: key, ready-after, video-size, fetch-delay, rate (bytes/s
 * per download connection), interval, warmup, admit-rate (fetches/s per key), results and plans
 * (folders and app logs, separated by the path separator), durations (fixed, lognormal,
 * lognormal-tail, uniform), time-scale, teach, threads, port, max-life, notify (group=listener URL
 * pairs: {@link BenchNotices}).
 * Its tasks answer at /jimeng/fetch/{id} and in Ark's shape ({@link ArkShape}).
 * GET /stats answers the figures (see {@link BenchStats}); "?probe=1&size=N" under /videos/ is a
 * made-up video of N bytes for curl to time.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        long readyAfter = millis(opts.getOrDefault("ready-after", "30s"));
        long videoSize = bytes(opts.getOrDefault("video-size", "64KB"));
        long fetchDelay = millis(opts.getOrDefault("fetch-delay", "0"));
        long rate = bytes(opts.getOrDefault("rate", "0"));
        long interval = millis(opts.getOrDefault("interval", "10s"));
        FakeGateway gateway = new FakeGateway(Integer.parseInt(opts.getOrDefault("port", "0")),
                Integer.parseInt(opts.getOrDefault("threads", "256")), false, opts.getOrDefault("key", "bench-key"));
        BenchTasks tasks = new BenchTasks(gateway.baseUrl(), readyAfter, fetchDelay, opts.getOrDefault("durations", "fixed"),
                Double.parseDouble(opts.getOrDefault("time-scale", "1")));
        BenchNotices notices = new BenchNotices(opts.get("notify"));
        tasks.notices(notices);
        gateway.api().others(tasks);
        // The same tasks in Ark's shape, for an app whose provider is ark (the "ark" scenario).
        gateway.ark().others(tasks::step);
        gateway.api().admission().rate(Double.parseDouble(opts.getOrDefault("admit-rate", "0")));
        gateway.storage().makeUp(videoSize, rate, tasks::knows);
        BenchGroups groups = new BenchGroups(interval, Integer.parseInt(opts.getOrDefault("teach", "0")), paths(opts.get("plans")), notices.on());
        gateway.route("/stats", new BenchStats(gateway.api(), gateway.ark(), gateway.storage(), tasks, interval,
                millis(opts.getOrDefault("warmup", "10s")), paths(opts.get("results")), groups, notices));
        if (opts.containsKey("port-file")) {
            Path portFile = Path.of(opts.get("port-file"));
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(gateway.port()));
            Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println("fake gateway on " + gateway.baseUrl() + " (ready after " + readyAfter + " ms, video "
                + videoSize + " bytes, fetch delay " + fetchDelay + " ms, rate " + rate + " B/s)");
        // Runs until killed; a hard upper bound keeps a forgotten server from living on.
        Thread.sleep(millis(opts.getOrDefault("max-life", "2h")));
        gateway.close();
        System.exit(0);
    }

    private static List<Path> paths(String list) {
        List<Path> paths = new ArrayList<>();
        if (list != null) {
            for (String path : list.split(File.pathSeparator)) {
                paths.add(Path.of(path));
            }
        }
        return paths;
    }

    /** 80ms, 5s, 2m, 1h, or plain milliseconds. */
    static long millis(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Long.parseLong(t.substring(0, t.length() - 2));
        }
        for (String[] unit : new String[][] {{"s", "1000"}, {"m", "60000"}, {"h", "3600000"}}) {
            if (t.endsWith(unit[0])) {
                return (long) (Double.parseDouble(t.substring(0, t.length() - 1)) * Long.parseLong(unit[1]));
            }
        }
        return Long.parseLong(t);
    }

    /** 64KB, 10MB/s, 1GB, or plain bytes. */
    static long bytes(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace("/S", "");
        long unit = t.endsWith("KB") ? 1L << 10 : t.endsWith("MB") ? 1L << 20 : t.endsWith("GB") ? 1L << 30 : 1;
        if (unit > 1) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B")) {
            t = t.substring(0, t.length() - 1);
        }
        return (long) (Double.parseDouble(t) * unit);
    }
}

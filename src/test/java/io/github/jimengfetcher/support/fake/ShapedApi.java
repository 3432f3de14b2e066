package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * A task API in one provider's shape, on the {@link FakeGateway}'s port: 401 without the key, else
 * each task's scripted answers one fetch after another (the last repeating: {@link Scripts}), given
 * as {@link Step}s said in the shape's words or as raw {@link Answer}s; a task without a script is
 * asked of the {@link Steps} source (the benchmark's) or is unknown. Every request is recorded in the
 * gateway's log and counted by the path it asked for (its template, such as ".../tasks/{id}").
 */
public abstract class ShapedApi implements HttpHandler {

    /** The steps of tasks without a script, as they are now; null for a task unknown. */
    interface Steps {
        Step step(String id, long now);
    }

    private final String key;
    private final List<Request> requests;
    private final Scripts scripts = new Scripts();
    private final Map<String, AtomicLong> counted = new ConcurrentHashMap<>();
    private volatile Steps others;

    ShapedApi(String key, List<Request> requests) {
        this.key = key;
        this.requests = requests;
    }

    /** The path prefixes this shape answers under. */
    abstract List<String> contexts();

    /** The answer to an authorised request: usually {@link #next} of the task the path names. */
    abstract Answer route(Request request, long now);

    /** The task at this step, in the shape's words: 200 and its JSON. */
    abstract String body(String id, Step step);

    /** The answer for a task this API does not know. */
    abstract Answer unknown(String id);

    /** The task answers these steps, one fetch after another; the last one repeats. */
    public void task(String id, Step... steps) {
        scripts.put(id, Arrays.stream(steps).map(step -> Answer.json(body(id, step))).toArray(Answer[]::new));
    }

    /** The task's answer at this step, in the shape's words (200 and its JSON): to mix with raw answers in {@link #answers}. */
    public Answer answerAt(String id, Step step) {
        return Answer.json(body(id, step));
    }

    /** The task gives these raw answers one fetch after another (faults, say); the last one repeats. */
    public void answers(String id, Answer... answers) {
        scripts.put(id, answers);
    }

    /** How many requests asked for this path template so far, e.g. "/api/v3/contents/generations/tasks/{id}". */
    public long requests(String pathTemplate) {
        AtomicLong n = counted.get(pathTemplate);
        return n == null ? 0 : n.get();
    }

    void others(Steps steps) {
        others = steps;
    }

    void count(String pathTemplate) {
        counted.computeIfAbsent(pathTemplate, t -> new AtomicLong()).incrementAndGet();
    }

    /** The task's next answer: its script's, else its step now, else unknown. */
    Answer next(String id, long now) {
        Answer scripted = scripts.next(id);
        if (scripted != null) {
            return scripted;
        }
        Steps steps = others;
        Step step = steps == null ? null : steps.step(id, now);
        return step != null ? Answer.json(body(id, step)) : unknown(id);
    }

    boolean keyed(Request request) {
        return ("Bearer " + key).equals(request.authorization());
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long now = System.currentTimeMillis();
        try (exchange) {
            Request request = Requests.read(exchange, now, false);
            if (!stream(exchange, request)) {
                Answer answer = keyed(request) ? route(request, now) : FakeApi.REFUSED;
                record(request.answered(answer.body()));
                answer.sendTo(exchange);
            }
        } catch (IOException clientWentAwayOrCutOff) {
            // the client gave up, or the answer was a broken one on purpose
        }
    }

    /** True when this request was answered with a stream (recorded by the stream). */
    boolean stream(HttpExchange exchange, Request request) throws IOException {
        return false;
    }

    void record(Request request) {
        if (requests != null) {
            requests.add(request);
        }
    }

    /** The last path segment, decoded. */
    static String lastSegment(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The values of a query parameter, decoded, in order. */
    static List<String> parameter(String rawQuery, String name) {
        List<String> values = new ArrayList<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String n = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                if (n.equals(name)) {
                    values.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /** A JSON string, or null. */
    static String q(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    /** 404 with this JSON body. */
    static Answer notFound(String json) {
        return Answer.status(404).header("Content-Type", "application/json").body(json);
    }
}

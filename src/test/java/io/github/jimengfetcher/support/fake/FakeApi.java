package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

/**
 * GET /jimeng/fetch/{id} as docs/gateway-api.md says gateways answer it: 401 without the key, 429
 * beyond the admitted rate (at once, without Retry-After, as the providers' QPS limit does), else the
 * task's scripted answers one fetch after another (the last repeating), or, for a task without a
 * script, what the {@link Tasks} say (404 when there are none).
 */
final class FakeApi implements HttpHandler {

    static final String PATH = "/jimeng/fetch/";

    static final Answer REFUSED = Answer.status(401).header("Content-Type", "application/json")
            .body("{\"error\":{\"message\":\"invalid token\",\"type\":\"new_api_error\"}}");
    private static final Answer LIMITED = Answer.status(429).header("Content-Type", "application/json")
            .body("{\"error\":{\"message\":\"Request rate limit exceeded (QPS)\",\"type\":\"rate_limit_error\"}}");

    /** Answers the fetches of tasks without a script. */
    interface Tasks {
        Answer fetched(String id, long now);
    }

    private final String key;
    private final List<Request> requests;
    private final Scripts scripts = new Scripts();
    private final Admission admission = new Admission();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private volatile Tasks others;

    /** Records every request into the list (null: none). */
    FakeApi(String key, List<Request> requests) {
        this.key = key;
        this.requests = requests;
    }

    void script(String id, Answer... answers) {
        scripts.put(id, answers);
    }

    void others(Tasks tasks) {
        others = tasks;
    }

    Admission admission() {
        return admission;
    }

    int mostInFlight() {
        return mostInFlight.get();
    }

    long refused() {
        return refused.get();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long now = System.currentTimeMillis();
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try (exchange) {
            respond(Requests.read(exchange, now, false), now).sendTo(exchange);
        } catch (IOException clientWentAwayOrCutOff) {
            // the client gave up, or the answer was a broken one on purpose
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The answer to this request, which is recorded with it. */
    Answer respond(Request request, long now) {
        Answer answer = answer(request, now);
        if (requests != null) {
            requests.add(request.answered(answer.body()));
        }
        return answer;
    }

    private Answer answer(Request request, long now) {
        if (!("Bearer " + key).equals(request.authorization())) {
            refused.incrementAndGet();
            return REFUSED;
        }
        if (!admission.admit(now)) {
            return LIMITED;
        }
        String id = request.path().substring(PATH.length());
        Answer scripted = scripts.next(id);
        if (scripted != null) {
            return scripted;
        }
        Tasks tasks = others;
        return tasks != null ? tasks.fetched(id, now) : Answer.status(404).header("Content-Type", "text/plain").body("no task " + id);
    }
}

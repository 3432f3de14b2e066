package io.github.jimengfetcher.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import io.github.jimengfetcher.observe.FetcherHealthCheck;

/**
 * What the status page's banner says (GET /problems): every check of /observe/health that is DOWN,
 * each reason on its own, as JSON; an empty list while everything is UP. The same checks as
 * /observe/health, asked anew on every call, so the banner goes once the cause is gone.
 *
 * A check may list its reasons in the detail {@link FetcherHealthCheck#REASONS}; any other DOWN check gives its
 * message, or its error, or just that it is down.
 */
public class HealthProblems {

    private final CamelContext context;

    public HealthProblems(CamelContext context) {
        this.context = context;
    }

    public Map<String, Object> current() {
        List<Map<String, Object>> problems = new ArrayList<>();
        for (HealthCheck.Result result : HealthCheckHelper.invoke(context)) {
            if (result.getState() != HealthCheck.State.DOWN) {
                continue;
            }
            for (String reason : reasons(result)) {
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("check", result.getCheck().getId());
                problem.put("reason", reason);
                problems.add(problem);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", problems.isEmpty() ? "UP" : "DOWN");
        answer.put("problems", problems);
        return answer;
    }

    private static List<String> reasons(HealthCheck.Result result) {
        if (result.getDetails().get(FetcherHealthCheck.REASONS) instanceof List<?> listed && !listed.isEmpty()) {
            return listed.stream().map(String::valueOf).toList();
        }
        if (result.getMessage().isPresent() && !result.getMessage().get().isBlank()) {
            return List.of(result.getMessage().get());
        }
        if (result.getError().isPresent()) {
            return List.of(String.valueOf(result.getError().get().getMessage()));
        }
        return List.of("is down");
    }
}

package io.github.jimengfetcher.provider;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Body;
import org.apache.camel.Variable;

import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskId;

/**
 * The task a notification names (bean {@code notifiedIds}, routes/notify.yaml), read as the provider
 * reads its answers: jimeng-gateway's reader finds the id where its fetch answer has it ({@code task_id}
 * at the top, or in {@code data}, as a notify_hook sends it), a provider file's by its {@code answer.id}
 * pointer (Ark's callback is its task object, {@code /id}), or by {@code notify.id} where the file says
 * its notifications are shaped otherwise. Only the id is read: whatever status or URL
 * the body claims is never acted on, the task's own fetch says.
 */
public final class NotifiedIds {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Providers providers;

    public NotifiedIds(Providers providers) {
        this.providers = providers;
    }

    /**
     * @param provider the provider the notification came for
     * @return the id, checked by the rules of every task id
     * @throws IllegalArgumentException saying why the body names no usable id (answered 400)
     */
    public String read(@Variable("provider") String provider, @Body String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body is not a JSON object");
        }
        Provider file = providers.get(new ProviderName(provider));
        String pointer = !file.notifyId().isEmpty() ? file.notifyId() : file.answer().id().isEmpty() ? "/id" : file.answer().id();
        boolean gateway = file.readsLikeTheGateway() && file.notifyId().isEmpty();
        String named = gateway ? gatewayId(root) : text(root.at(pointer));
        if (named.isEmpty()) {
            throw new IllegalArgumentException("the body names no task id (" + (gateway ? "task_id or data.task_id"
                    : "provider " + provider + " reads it at " + pointer) + ")");
        }
        try {
            return TaskId.of(named).value();
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException("the task id is invalid: " + invalid.getMessage(), invalid);
        }
    }

    /** Where jimeng-gateway's answers name their task, outermost first. */
    private static String gatewayId(JsonNode root) {
        JsonNode data = root.path("data");
        for (JsonNode named : List.of(root.path("task_id"), data.path("task_id"), data.path("data").path("task_id"),
                data.path("data").path("data").path("task_id"))) {
            String id = text(named);
            if (!id.isEmpty()) {
                return id;
            }
        }
        return "";
    }

    private static String text(JsonNode value) {
        return value.isValueNode() && !value.isNull() ? value.asText().strip() : "";
    }
}

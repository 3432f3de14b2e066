package io.github.jimengfetcher.support.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Volcengine Ark's content generation tasks (Seedance): GET /api/v3/contents/generations/tasks/{id},
 * 404 ResourceNotFound for a task it does not know, and the list query of many tasks at once
 * (GET .../tasks?filter.task_ids=a&filter.task_ids=b&page_num=1&page_size=N: {items, total}), where
 * each task listed counts as a fetch of it and an unknown one (or one whose next answer is not a plain
 * 200) is left out. The next list queries may be given other answers ({@link #listAnswers}).
 */
public final class ArkShape extends ShapedApi {

    public static final String LIST = "/api/v3/contents/generations/tasks";
    public static final String TASK = LIST + "/{id}";
    /** The most ids one list query may name. */
    static final int LIST_LIMIT = 500;

    private final Queue<Answer> listAnswers = new ConcurrentLinkedQueue<>();

    ArkShape(String key, List<Request> requests) {
        super(key, requests);
    }

    /** The next list queries get these answers, one each (a 500, say), and then the list as usual. */
    public void listAnswers(Answer... answers) {
        listAnswers.addAll(List.of(answers));
    }

    @Override
    List<String> contexts() {
        return List.of(LIST);
    }

    @Override
    Answer route(Request request, long now) {
        if (request.path().equals(LIST) || request.path().equals(LIST + "/")) {
            count(LIST);
            return list(request, now);
        }
        count(TASK);
        return next(lastSegment(request.path()), now);
    }

    private Answer list(Request request, long now) {
        Answer given = listAnswers.poll();
        if (given != null) {
            return given;
        }
        List<String> ids = parameter(request.rawQuery(), "filter.task_ids");
        if (ids.size() > LIST_LIMIT) {
            return Answer.status(400).header("Content-Type", "application/json").body("{\"error\":{\"code\":\"InvalidParameter\","
                    + "\"message\":\"filter.task_ids: at most " + LIST_LIMIT + " ids\",\"param\":\"filter.task_ids\",\"type\":\"BadRequest\"}}");
        }
        int pageNum = Math.max(1, number(parameter(request.rawQuery(), "page_num"), 1));
        int pageSize = Math.max(1, number(parameter(request.rawQuery(), "page_size"), 10));
        List<String> items = new ArrayList<>();
        for (String id : ids) {
            Answer answer = next(id, now);
            if (answer.status() == 200 && answer.fault() == Answer.Fault.NONE) {
                items.add(answer.body().strip());
            }
        }
        int from = Math.min(items.size(), (pageNum - 1) * pageSize);
        List<String> page = items.subList(from, Math.min(items.size(), from + pageSize));
        return Answer.json("{\"items\":[" + String.join(",", page) + "],\"total\":" + items.size() + "}");
    }

    private static int number(List<String> values, int otherwise) {
        try {
            return values.isEmpty() ? otherwise : Integer.parseInt(values.get(0));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    @Override
    String body(String id, Step step) {
        String word = step.wordOr(switch (step.kind()) {
            case QUEUED -> "queued";
            case RUNNING -> "running";
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case EXPIRED -> "expired";
            case CANCELLED -> "cancelled";
        });
        long created = step.submittedSeconds();
        StringBuilder json = new StringBuilder("{\"id\":").append(q(id)).append(",\"model\":\"doubao-seedance-1-0-pro-250528\",\"status\":")
                .append(q(word));
        if (step.succeeded()) {
            json.append(",\"content\":{\"video_url\":").append(q(step.videoUrl()))
                    .append(",\"last_frame_url\":").append(q(step.videoUrl().replaceFirst("\\.mp4", StorageHost.LAST_FRAME_SUFFIX))).append('}');
        }
        json.append(",\"seed\":10,\"resolution\":\"720p\",\"ratio\":\"16:9\",\"duration\":5,\"framespersecond\":24");
        if (step.succeeded()) {
            json.append(",\"usage\":{\"completion_tokens\":108900,\"total_tokens\":108900}");
        }
        json.append(",\"created_at\":").append(created).append(",\"updated_at\":").append(Math.max(created, System.currentTimeMillis() / 1000));
        if (step.failed()) {
            json.append(",\"error\":{\"code\":").append(q(step.errorCode())).append(",\"message\":").append(q(step.errorMessage())).append('}');
        }
        return json.append('}').toString();
    }

    @Override
    Answer unknown(String id) {
        return notFound("{\"error\":{\"code\":\"ResourceNotFound\",\"message\":" + q("The specified task " + id + " is not found")
                + ",\"param\":\"\",\"type\":\"NotFound\"}}");
    }
}

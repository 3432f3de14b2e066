package io.github.jimengfetcher.support.fake;

import java.util.List;

/**
 * Kling's video tasks: GET /v1/videos/text2video/{id} and /v1/videos/image2video/{id}, each answer
 * {code: 0, message, data{task_id, task_status, task_status_msg, task_result{videos}}}.
 */
public final class KlingShape extends ShapedApi {

    public static final String TEXT2VIDEO = "/v1/videos/text2video/{id}";
    public static final String IMAGE2VIDEO = "/v1/videos/image2video/{id}";

    KlingShape(String key, List<Request> requests) {
        super(key, requests);
    }

    @Override
    List<String> contexts() {
        return List.of("/v1/videos/text2video/", "/v1/videos/image2video/");
    }

    @Override
    Answer route(Request request, long now) {
        count(request.path().startsWith("/v1/videos/text2video/") ? TEXT2VIDEO : IMAGE2VIDEO);
        return next(lastSegment(request.path()), now);
    }

    @Override
    String body(String id, Step step) {
        String word = step.wordOr(switch (step.kind()) {
            case QUEUED -> "submitted";
            case RUNNING -> "processing";
            case SUCCEEDED -> "succeed";
            case FAILED, EXPIRED, CANCELLED -> "failed";
        });
        long created = step.submittedSeconds() * 1000;
        long updated = Math.max(created, System.currentTimeMillis());
        String videos = step.succeeded()
                ? "{\"videos\":[{\"id\":" + q(id + "-v0") + ",\"url\":" + q(step.videoUrl()) + ",\"duration\":\"5.1\"}]}"
                : "null";
        return "{\"code\":0,\"message\":\"SUCCEED\",\"request_id\":" + q("req-" + id) + ",\"data\":{\"task_id\":" + q(id)
                + ",\"task_status\":" + q(word) + ",\"task_status_msg\":" + q(step.failed() ? step.errorMessage() : "")
                + ",\"created_at\":" + created + ",\"updated_at\":" + updated + ",\"task_result\":" + videos + "}}";
    }

    @Override
    Answer unknown(String id) {
        return notFound("{\"code\":1203,\"message\":" + q("task not found: " + id) + ",\"request_id\":" + q("req-" + id) + ",\"data\":null}");
    }
}

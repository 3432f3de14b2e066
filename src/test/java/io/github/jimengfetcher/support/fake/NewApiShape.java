package io.github.jimengfetcher.support.fake;

import java.util.List;

/** new-api's task format: GET /v1/video/generations/{task_id}. */
public final class NewApiShape extends ShapedApi {

    public static final String TASK = "/v1/video/generations/{id}";
    private static final String PREFIX = "/v1/video/generations/";

    NewApiShape(String key, List<Request> requests) {
        super(key, requests);
    }

    @Override
    List<String> contexts() {
        return List.of(PREFIX);
    }

    @Override
    Answer route(Request request, long now) {
        count(TASK);
        return next(lastSegment(request.path()), now);
    }

    @Override
    String body(String id, Step step) {
        String word = step.wordOr(switch (step.kind()) {
            case QUEUED -> "queued";
            case RUNNING -> "in_progress";
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed";
            case EXPIRED -> "expired";
            case CANCELLED -> "cancelled";
        });
        return "{\"task_id\":" + q(id) + ",\"status\":" + q(word) + ",\"format\":\"mp4\",\"url\":" + q(step.videoUrl())
                + ",\"metadata\":" + (step.succeeded() ? "{\"duration\":5.0,\"fps\":24,\"width\":1280,\"height\":720,\"seed\":20231234}" : "null")
                + ",\"error\":" + (step.failed() ? "{\"code\":" + q(step.errorCode()) + ",\"message\":" + q(step.errorMessage()) + "}" : "null")
                + "}";
    }

    @Override
    Answer unknown(String id) {
        return notFound("{\"error\":{\"code\":\"task_not_exist\",\"message\":\"task_not_exist\"}}");
    }
}

package io.github.jimengfetcher.support.fake;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;

/**
 * OpenAI-style video tasks: GET /v1/videos/{id}, and GET /v1/videos/{id}/content, which streams the
 * MP4 (the bytes published on the storage host under the succeeded step's URL, read without asking
 * it) only to a request with the key: 401 otherwise.
 */
public final class OpenAiShape extends ShapedApi {

    public static final String TASK = "/v1/videos/{id}";
    public static final String CONTENT = "/v1/videos/{id}/content";
    private static final String PREFIX = "/v1/videos/";

    private final StorageHost storage;
    /** The storage host's name of each succeeded task's video. */
    private final Map<String, String> videos = new ConcurrentHashMap<>();
    private volatile boolean videoUrlInAnswers;

    OpenAiShape(String key, List<Request> requests, StorageHost storage) {
        super(key, requests);
        this.storage = storage;
    }

    /** Completed answers also carry "video_url" (the storage host's URL), as some gateways add; for tasks scripted after. */
    public void videoUrlInAnswers(boolean on) {
        videoUrlInAnswers = on;
    }

    @Override
    public void task(String id, Step... steps) {
        for (Step step : steps) {
            if (step.succeeded()) {
                videos.put(id, ShapedApi.lastSegment(URI.create(step.videoUrl()).getPath()));
            }
        }
        super.task(id, steps);
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
    boolean stream(HttpExchange exchange, Request request) throws IOException {
        if (!request.path().endsWith("/content")) {
            return false;
        }
        count(CONTENT);
        record(request);
        String id = lastSegment(request.path().substring(0, request.path().length() - "/content".length()));
        String name = videos.get(id);
        StorageHost.Video video = name == null ? null : storage.video(name);
        if (!keyed(request)) {
            FakeApi.REFUSED.sendTo(exchange);
        } else if (video == null) {
            unknown(id).sendTo(exchange);
        } else {
            Transfers.serve(exchange, video.content(), request.range(), true, n -> { }, 0, 0);
        }
        return true;
    }

    @Override
    String body(String id, Step step) {
        String word = step.wordOr(switch (step.kind()) {
            case QUEUED -> "queued";
            case RUNNING -> "in_progress";
            case SUCCEEDED -> "completed";
            case FAILED -> "failed";
            case EXPIRED -> "expired";
            case CANCELLED -> "cancelled";
        });
        long created = step.submittedSeconds();
        long now = Math.max(created, System.currentTimeMillis() / 1000);
        return "{\"id\":" + q(id) + ",\"object\":\"video\",\"model\":\"sora-2\",\"status\":" + q(word) + ",\"progress\":" + step.progress()
                + ",\"created_at\":" + created + ",\"completed_at\":" + (step.ended() ? now : "null")
                + ",\"expires_at\":" + (step.succeeded() ? now + 3600 : "null") + ",\"size\":\"1280x720\",\"seconds\":\"8\""
                + (videoUrlInAnswers && step.succeeded() ? ",\"video_url\":" + q(step.videoUrl()) : "")
                + ",\"error\":" + (step.failed() ? "{\"code\":" + q(step.errorCode()) + ",\"message\":" + q(step.errorMessage()) + "}" : "null")
                + "}";
    }

    @Override
    Answer unknown(String id) {
        return notFound("{\"error\":{\"message\":" + q("Video with id '" + id + "' not found.")
                + ",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
    }
}

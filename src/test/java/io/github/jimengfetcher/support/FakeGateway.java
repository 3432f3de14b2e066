package io.github.jimengfetcher.support;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A real HTTP server on loopback playing the API gateway and the storage host,
 * answering the way docs/gateway-api.md says real gateways answer.
 */
public final class FakeGateway implements AutoCloseable {

    public static final String KEY = "sk-test-7f3a9c1e5b2d4f60";

    private final WireMockServer server;

    public FakeGateway() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().jettyStopTimeout(100L));
        server.start();
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public WireMockServer server() {
        return server;
    }

    /** The task answers these statuses one fetch after another; the last one repeats. */
    public void statuses(String id, String... statuses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < statuses.length; i++) {
            String next = i == statuses.length - 1 ? state : id + "-" + (i + 1);
            server.stubFor(get(urlPathEqualTo("/jimeng/fetch/" + id))
                    .withHeader("Authorization", equalTo("Bearer " + KEY))
                    .inScenario(id).whenScenarioStateIs(state)
                    .willReturn(okJson(statuses[i]))
                    .willSetStateTo(next));
            state = next;
        }
    }

    /** Every fetch of the task gets this response. */
    public void answer(String id, ResponseDefinitionBuilder response) {
        server.stubFor(get(urlPathEqualTo("/jimeng/fetch/" + id)).willReturn(response));
    }

    /** Serves a video under /videos/{name}. */
    public String video(String name, byte[] bytes) {
        server.stubFor(get(urlPathEqualTo("/videos/" + name))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "video/mp4").withBody(bytes)));
        return baseUrl() + "/videos/" + name + "?X-Tos-Expires=86400&X-Tos-Signature=abc";
    }

    public List<LoggedRequest> fetchesOf(String id) {
        return server.findAll(getRequestedFor(urlPathEqualTo("/jimeng/fetch/" + id)));
    }

    public List<LoggedRequest> requestsTo(String path) {
        return server.findAll(getRequestedFor(urlPathEqualTo(path)));
    }

    @Override
    public void close() {
        server.stop();
    }

    // ---- answers in the shapes met in the wild ----

    /** The provider's own example: the URL at data.data.data.data.video. */
    public static String success(String id, String videoUrl) {
        return """
                {"code":"success","message":"","data":{"task_id":"%1$s","action":"jimeng-videos","status":"SUCCESS",
                 "fail_reason":"","submit_time":1756457484,"start_time":0,"finish_time":1756457496,"progress":"100%%",
                 "data":{"code":"success","data":{"data":{"video":"%2$s","status":"SUCCESS","created_at":"2025-08-29T16:52:26.472319"},
                 "action":"jimeng-videos","status":"SUCCESS","task_id":"%1$s","platform":"jimeng","progress":"100%%",
                 "start_time":1756457496,"fail_reason":"","finish_time":1756457546,"search_item":"","submit_time":1756457484},"message":""}}}
                """.formatted(id, videoUrl);
    }

    public static String status(String id, String status, String progress) {
        return """
                {"code":"success","message":"","data":{"task_id":"%s","action":"jimeng-videos","status":"%s",
                 "fail_reason":"","submit_time":1756457484,"start_time":0,"finish_time":0,"progress":"%s","data":null}}
                """.formatted(id, status, progress);
    }

    public static String failure(String id, String reason) {
        return """
                {"code":"success","message":"","data":{"task_id":"%s","action":"jimeng-videos","status":"FAILURE",
                 "fail_reason":"%s","progress":"100%%","data":null}}
                """.formatted(id, reason);
    }

    public static final String TASK_NOT_EXIST = "{\"code\":\"task_not_exist\",\"message\":\"task_not_exist\",\"data\":null}";
}

package io.github.jimengfetcher.api;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.util.Timeout;

import io.github.jimengfetcher.task.ProviderName;

/**
 * The limits of every request to the API, put into camel-http's client
 * ({@code httpClientConfigurer=#apiRequestLimits} on the fetch endpoint):
 * connect and read timeouts; an overall deadline per request, headers and body included,
 * since a read timeout restarts with every byte and an answer trickling in one byte at a
 * time would hold a fetch thread for ever; and a largest answer, read no further, so a huge
 * answer cannot fill the heap. Both faults are passing ones: the task retries later.
 * It also carries the key ({@link ApiAuthorization}), which the route never sees.
 */
public final class ApiRequestLimits implements HttpClientConfigurer, ExecChainHandler, AutoCloseable {

    private final long connectTimeout;
    private final long readTimeout;
    private final long requestTimeout;
    private final long maxAnswerSize;
    private final int connections;
    private final ScheduledThreadPoolExecutor watchdog;
    private final ApiAuthorization authorization;
    private ProviderPaces paces;

    public ApiRequestLimits(long connectTimeoutMillis, long readTimeoutMillis, long requestTimeoutMillis, long maxAnswerBytes, int connections,
            ApiAuthorization authorization) {
        this.authorization = authorization;
        this.connectTimeout = connectTimeoutMillis;
        this.readTimeout = readTimeoutMillis;
        this.requestTimeout = requestTimeoutMillis;
        this.maxAnswerSize = maxAnswerBytes;
        this.connections = connections;
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "api-request-deadline");
            thread.setDaemon(true);
            return thread;
        });
        watchdog.setRemoveOnCancelPolicy(true);
    }

    /**
     * Told of every request and how it was answered, and how fast (see {@link FetchPace}): in the pace of
     * the provider whose host and path it goes to (whose key it carries).
     */
    public void setPaces(ProviderPaces paces) {
        this.paces = paces;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofMilliseconds(connectTimeout))
                        .setSocketTimeout(Timeout.ofMilliseconds(readTimeout))
                        .build())
                .setMaxConnTotal(connections)
                .setMaxConnPerRoute(connections)
                .build());
        // Ours alone: closed with the client.
        builder.setConnectionManagerShared(false);
        builder.setDefaultRequestConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(readTimeout))
                .setResponseTimeout(Timeout.ofMilliseconds(readTimeout))
                .build());
        // Retries are the routes' business (with backoff, honouring Retry-After).
        builder.disableAutomaticRetries();
        builder.addExecInterceptorFirst("jimeng-api-request-limits", this);
        // The key goes on here, out of the tracer's sight (see ApiAuthorization).
        builder.addRequestInterceptorLast(authorization);
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain) throws IOException, HttpException {
        RequestDeadline deadline = new RequestDeadline(scope, watchdog, requestTimeout);
        ClassicHttpResponse response;
        long sentAt = System.nanoTime();
        FetchPace pace = paceOf(request, scope);
        if (pace != null) {
            pace.sent();
        }
        try {
            response = chain.proceed(request, scope);
        } catch (IOException e) {
            deadline.disarm();
            unanswered(pace);
            throw deadline.passed() ? deadline.fault(e) : e;
        } catch (HttpException | RuntimeException e) {
            deadline.disarm();
            unanswered(pace);
            throw e;
        }
        if (pace != null) {
            // The time to the answer's headers: the API's own time and its queue, not the body's transfer.
            pace.answered(response.getCode(), (System.nanoTime() - sentAt) / 1_000_000);
        }
        HttpEntity entity = response.getEntity();
        if (entity == null) {
            deadline.disarm();
            return response;
        }
        if (entity.getContentLength() > maxAnswerSize) {
            deadline.disarm();
            deadline.refuseTooLarge();
            try {
                response.close();
            } catch (IOException aborted) {
                // the connection was cut on purpose: what counts is why
            }
            throw tooLarge();
        }
        response.setEntity(new LimitedAnswer(entity, deadline, maxAnswerSize, this::tooLarge));
        return response;
    }

    private FetchPace paceOf(ClassicHttpRequest request, ExecChain.Scope scope) {
        if (paces == null) {
            return null;
        }
        ProviderName provider = authorization.providerOf(request, scope.clientContext);
        return provider == null ? null : paces.of(provider);
    }

    private static void unanswered(FetchPace pace) {
        if (pace != null) {
            pace.failed();
        }
    }

    AnswerTooLargeException tooLarge() {
        return new AnswerTooLargeException("the API's answer is larger than jimeng.api.max-answer-size ("
                + maxAnswerSize + " bytes); refused without reading further");
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** No complete answer by the deadline: a timeout like any other, so the task retries. */
    public static final class RequestDeadlineException extends SocketTimeoutException {
        RequestDeadlineException(String message) {
            super(message);
        }
    }

    /** An answer larger than any real one: refused unread, the task retries. */
    public static final class AnswerTooLargeException extends IOException {
        AnswerTooLargeException(String message) {
            super(message);
        }
    }
}

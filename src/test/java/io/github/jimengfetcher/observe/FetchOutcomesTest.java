package io.github.jimengfetcher.observe;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.junit.jupiter.api.Test;

import io.github.jimengfetcher.support.fake.FakeGateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How one API fetch is counted in jimeng_fetches_total. */
class FetchOutcomesTest {

    private final CamelContext context = new DefaultCamelContext();

    private String outcomeOf(Throwable fault) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setException(fault);
        return FetchOutcomes.outcomeOf(exchange);
    }

    private static HttpOperationFailedException http(int status, String body) {
        return new HttpOperationFailedException("http://api/jimeng/fetch/x", status, "", null, Map.of(), body);
    }

    @Test
    void eachFaultHasItsOutcome() {
        assertEquals("answered", outcomeOf(null));
        assertEquals("key_refused", outcomeOf(http(401, "{}")));
        assertEquals("forbidden", outcomeOf(http(403, "{}")));
        assertEquals("rate_limited", outcomeOf(http(429, "")));
        assertEquals("not_found", outcomeOf(http(400, FakeGateway.TASK_NOT_EXIST)));
        assertEquals("http_error", outcomeOf(http(400, "{\"code\":\"bad_request\"}")));
        assertEquals("http_error", outcomeOf(http(502, "bad gateway")));
        assertEquals("timeout", outcomeOf(new SocketTimeoutException("Read timed out")));
        assertEquals("timeout", outcomeOf(new ConnectTimeoutException("Connect timed out")));
        assertEquals("timeout", outcomeOf(new IllegalStateException("wrapped", new SocketTimeoutException())));
        assertEquals("network_error", outcomeOf(new ConnectException("Connection refused")));
        assertEquals("other_error", outcomeOf(new IllegalArgumentException("odd")));
        assertTrue(FetchOutcomes.OUTCOMES.containsAll(java.util.List.of("answered", "not_found", "key_refused",
                "forbidden", "rate_limited", "http_error", "timeout", "network_error", "other_error")));
    }

    @Test
    void onlyTheFetchEndpointIsCounted() {
        assertTrue(FetchOutcomes.isFetch(context.getEndpoint("http://127.0.0.1:8081/jimeng/fetch?httpMethod=GET")));
        assertTrue(FetchOutcomes.isFetch(context.getEndpoint("https://api.example.com/jimeng/fetch")));
        assertFalse(FetchOutcomes.isFetch(context.getEndpoint("http://hooks.example.com/jimeng")));
        assertFalse(FetchOutcomes.isFetch(context.getEndpoint("seda:fetch-task")));
    }
}

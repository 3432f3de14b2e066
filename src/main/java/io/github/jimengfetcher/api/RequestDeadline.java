package io.github.jimengfetcher.api;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.util.TimeUtils;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.concurrent.Cancellable;

/** The deadline of one request: at it, the connection is cut, which ends any read in progress. */
final class RequestDeadline implements Runnable {
    private final ExecChain.Scope scope;
    private final long requestTimeout;
    private final AtomicBoolean passed = new AtomicBoolean();
    private final ScheduledFuture<?> alarm;
    private volatile boolean tooLarge;

    RequestDeadline(ExecChain.Scope scope, ScheduledExecutorService watchdog, long requestTimeout) {
        this.scope = scope;
        this.requestTimeout = requestTimeout;
        this.alarm = watchdog.schedule(this, requestTimeout, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        passed.set(true);
        abort();
    }

    /**
     * The answer is larger than allowed: the connection is cut, and whatever fails on it after this
     * (a read, a close: "Socket closed") is reported as what it is, an answer too large.
     */
    void refuseTooLarge() {
        tooLarge = true;
        abort();
    }

    boolean refusedTooLarge() {
        return tooLarge;
    }

    void abort() {
        // Cancelling the request ends a wait for a pooled connection too; discarding closes the socket.
        if (scope.originalRequest instanceof Cancellable request) {
            request.cancel();
        }
        scope.execRuntime.discardEndpoint();
    }

    boolean passed() {
        return passed.get();
    }

    void disarm() {
        alarm.cancel(false);
    }

    ApiRequestLimits.RequestDeadlineException fault(IOException cause) {
        ApiRequestLimits.RequestDeadlineException fault = new ApiRequestLimits.RequestDeadlineException("no complete answer from the API within jimeng.api.request-timeout ("
                + TimeUtils.printDuration(requestTimeout, requestTimeout < 1000) + "); the request was cut off");
        fault.initCause(cause);
        return fault;
    }
}

package io.github.jimengfetcher.life;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.util.ObjectHelper;

import io.github.jimengfetcher.api.ApiFault;
import io.github.jimengfetcher.api.Faults;
import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.api.ProviderPaces;
import io.github.jimengfetcher.api.NotFoundAnswerException;
import io.github.jimengfetcher.life.FaultDecision.Fate;
import io.github.jimengfetcher.life.FaultDecision.Tally;
import io.github.jimengfetcher.store.TaskStore;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.Task;
import io.github.jimengfetcher.task.TaskFailure;
import io.github.jimengfetcher.task.TaskPolicy;

/**
 * What a fault means for a leased task: the one place its fate is decided, from the kind of
 * fault ({@link ApiFault}), the task's own count of refusals, how the API answers others
 * ({@link ApiHealth}) and the task timeout. Reads, changes nothing: {@link FaultActions} applies it.
 * No fault writes a task off except the API's own word (task_not_exist, a refusal of this one
 * task while others are answered), a task timeout, or a bug met three times.
 */
public class AfterFault {

    private TaskStore store;
    private TaskLife tasks;
    private TaskPolicy policy;
    private ApiHealth health;
    private LocalFaults localFaults;
    private ProviderPaces paces;
    private long keyRefusedPause;
    private long rateLimitPause;
    private long rateLimitMaxPause;

    public void setStore(TaskStore store) {
        this.store = store;
    }

    public void setTasks(TaskLife tasks) {
        this.tasks = tasks;
    }

    public void setPolicy(TaskPolicy policy) {
        this.policy = policy;
    }

    public void setHealth(ApiHealth health) {
        this.health = health;
    }

    public void setLocalFaults(LocalFaults localFaults) {
        this.localFaults = localFaults;
    }

    /** The paces (one per provider) that a 429 without Retry-After slows down instead of pausing the provider's fetches. */
    public void setPaces(ProviderPaces paces) {
        this.paces = paces;
    }

    /** The pauses after a refused key and a rate limit (at least, and at most whatever Retry-After asks). */
    public void setPauses(Duration keyRefused, Duration rateLimit, Duration rateLimitMax) {
        this.keyRefusedPause = keyRefused.toMillis();
        this.rateLimitPause = rateLimit.toMillis();
        this.rateLimitMaxPause = rateLimitMax.toMillis();
    }

    public FaultDecision decide(Lease lease, Throwable fault) {
        HttpOperationFailedException http = ObjectHelper.getException(HttpOperationFailedException.class, fault);
        return switch (ApiFault.classify(fault)) {
            case KEY_REFUSED -> keyRefused(http);
            case FORBIDDEN -> forbidden(lease, fault, http);
            case RATE_LIMITED -> rateLimited(lease, http);
            case NOT_FOUND -> notFound(lease, http);
            case OTHER -> localFaults.decide(lease, fault);
            case UNUSABLE_ANSWER, HTTP_ERROR, TOO_LARGE, TIMEOUT, NETWORK, UNKNOWN_HOST, TLS -> passing(lease, fault);
        };
    }

    /** HTTP 401: a configuration problem, never the task's. */
    private FaultDecision keyRefused(HttpOperationFailedException http) {
        return FaultDecision.of(Fate.KEY_REFUSED, Tally.NONE, null, "API refused the key (HTTP " + http.getStatusCode() + ")", keyRefusedPause);
    }

    /**
     * HTTP 403. The key is refused only when every task of the provider gets 403: none of its tasks was
     * answered since the 403s began, and they came for several tasks (or for the only one pending). When
     * its API answers other tasks between two 403s of this task, the refusal is this task's own, and the
     * third in a row fails it. Anything less certain is a passing fault.
     */
    private FaultDecision forbidden(Lease lease, Throwable fault, HttpOperationFailedException http) {
        String refusedFor = FetchAnswerReader.refusalReason(http.getResponseBody());
        Task task = lease.task();
        // Each refusal is timed: an answer of its provider since this task's last one means the key works.
        if (task.refusedAnswers > 0 && health.answeredSince(task.provider, task.lastFetchAt)) {
            if (task.refusedAnswers + 1 >= TaskPolicy.REFUSALS_TO_FAIL) {
                return FaultDecision.fail(Tally.REFUSED_ANSWER, refusedFor, new TaskFailure(FailureClass.FORBIDDEN, refusedFor
                        + " (" + TaskPolicy.REFUSALS_TO_FAIL + " times in a row, while the API answered other tasks)", http.getResponseBody()));
            }
        } else if (health.tasksForbiddenSinceAnswer(task.provider) >= Math.min(3, store.pendingCount())) {
            return FaultDecision.of(Fate.KEY_REFUSED, Tally.REFUSED_ANSWER, refusedFor, "API refused the key (HTTP " + http.getStatusCode() + ")",
                    keyRefusedPause);
        }
        return FaultDecision.retryLater(Tally.REFUSED_ANSWER, refusedFor, refusedFor, Faults.episode(fault));
    }

    /**
     * HTTP 429 with Retry-After: no fetch of the provider's tasks before it has elapsed, or
     * jimeng.fetch.rate-limit-max-pause if that comes first. Without Retry-After the provider's fetch pace
     * has slowed down already (FetchPace, told by the HTTP client): this task is fetched again at its turn,
     * nobody pauses and no fault episode begins, unless that pace is at its slowest already: then the
     * provider's fetches wait jimeng.fetch.rate-limit-pause. Other providers' fetches go on.
     */
    private FaultDecision rateLimited(Lease lease, HttpOperationFailedException http) {
        String retryAfter = retryAfter(http.getResponseHeaders());
        if ((retryAfter == null || retryAfter.isBlank()) && paces != null && !paces.of(lease.task().provider).atSlowestRate()) {
            return FaultDecision.of(Fate.FETCH_AGAIN_SOON, Tally.NONE, null, "rate limited by the API (HTTP 429); fetches slowed down", 0);
        }
        return FaultDecision.of(Fate.PAUSE_FETCHES, Tally.NONE, null, "rate limited by the API (HTTP 429)", retryAfterMillis(retryAfter));
    }

    /** task_not_exist (or a provider's own answer for it): believed when a second fetch, one interval later, says it again. */
    private FaultDecision notFound(Lease lease, HttpOperationFailedException http) {
        if (policy.isNotFoundConfirmed(lease.task().notFoundAnswers + 1)) {
            String answered = http instanceof NotFoundAnswerException provider ? provider.answered() : "task_not_exist";
            return FaultDecision.fail(Tally.NOT_FOUND_ANSWER, null,
                    new TaskFailure(FailureClass.NOT_FOUND, "task not found (the API answered " + answered + ")", http.getResponseBody()));
        }
        return FaultDecision.of(Fate.FETCH_AGAIN, Tally.NOT_FOUND_ANSWER, null, null, 0);
    }

    /**
     * 5xx and other HTTP errors, network faults, timeouts, answers this task cannot use: retried with
     * backoff. An error answer naming no status counts as a refusal: the third in a row fails the task
     * as api_failure, in the gateway's words. A fault of this task alone does not stop its clock: past
     * its deadline it ends as timed out, whatever its fetches return.
     */
    private FaultDecision passing(Lease lease, Throwable fault) {
        FetchAnswerReader.ErrorAnswerException error = ObjectHelper.getException(FetchAnswerReader.ErrorAnswerException.class, fault);
        if (error != null) {
            String described = Faults.describe(error);
            if (lease.task().refusedAnswers + 1 >= TaskPolicy.REFUSALS_TO_FAIL) {
                return FaultDecision.fail(Tally.REFUSED_ANSWER, described, new TaskFailure(FailureClass.API_FAILURE,
                        error.describe() + " (" + TaskPolicy.REFUSALS_TO_FAIL + " answers in a row)", error.getRaw()));
            }
            return FaultDecision.retryLater(Tally.REFUSED_ANSWER, described, described, Faults.episode(error));
        }
        if (tasks.isPastDeadline(lease)) {
            return FaultDecision.fail(Tally.NONE, null,
                    new TaskFailure(FailureClass.TIMED_OUT, AfterAnswer.timedOutReason(lease.task(), tasks.waitedMillis(lease)), null));
        }
        return FaultDecision.retryLater(Tally.NONE, null, Faults.describe(fault), Faults.episode(fault));
    }

    private static String retryAfter(Map<String, String> headers) {
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(h -> "Retry-After".equalsIgnoreCase(h.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** Retry-After (seconds or a date), at least jimeng.fetch.rate-limit-pause, at most jimeng.fetch.rate-limit-max-pause. */
    long retryAfterMillis(String retryAfter) {
        long asked = rateLimitPause;
        if (retryAfter != null && !retryAfter.isBlank()) {
            String value = retryAfter.strip();
            try {
                asked = Math.max(rateLimitPause, Math.multiplyExact(Long.parseLong(value), 1000L));
            } catch (ArithmeticException tooLong) {
                asked = Long.MAX_VALUE;
            } catch (NumberFormatException notSeconds) {
                try {
                    long until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                    asked = Math.max(rateLimitPause, until - System.currentTimeMillis());
                } catch (RuntimeException notADate) {
                    // the default pause
                }
            }
        }
        return Math.min(asked, rateLimitMaxPause);
    }
}

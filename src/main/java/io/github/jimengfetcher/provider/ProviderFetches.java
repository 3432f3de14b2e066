package io.github.jimengfetcher.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Variable;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.util.ObjectHelper;

import io.github.jimengfetcher.api.FetchAnswer;
import io.github.jimengfetcher.api.FetchAnswerReader;
import io.github.jimengfetcher.api.NotFoundAnswerException;
import io.github.jimengfetcher.api.TaskLabels;
import io.github.jimengfetcher.api.VideoUrlCandidates;
import io.github.jimengfetcher.task.FailureClass;
import io.github.jimengfetcher.task.Lease;
import io.github.jimengfetcher.task.ProviderName;
import io.github.jimengfetcher.task.TaskFailure;

/**
 * One fetch as the task's provider wants it (bean {@code providerFetches}, routes/poll.yaml): the
 * camel-http headers of its request (root, path with the id, method, query; never the key, which
 * the API's HTTP client adds), its answer read by its reader, and its own "no such task" answer;
 * and a group's list query (routes/poll.yaml's fetch-group), its answer cut into the tasks' answers.
 * The provider is the exchange's variable {@code provider} (a {@link ProviderName} or its text);
 * without one, the default provider.
 */
public final class ProviderFetches {

    private final Providers providers;
    private final FetchAnswerReader gatewayReader;
    private final Map<ProviderName, PointerAnswerReader> readers = new LinkedHashMap<>();

    /**
     * @param gatewayReader jimeng-gateway's reader ({@code reader: gateway})
     * @param videoUrls     the video URLs that may be followed (jimeng.download.allowed-hosts)
     */
    public ProviderFetches(Providers providers, FetchAnswerReader gatewayReader, VideoUrlCandidates videoUrls) {
        this.providers = providers;
        this.gatewayReader = gatewayReader;
        for (ProviderName name : providers.names()) {
            Provider provider = providers.get(name);
            if (!provider.readsLikeTheGateway() && providers.isConfigured(name)) {
                readers.put(name, new PointerAnswerReader(provider, providers.endpoint(name).baseUrl(), videoUrls));
            }
        }
    }

    /**
     * Why the task's provider cannot be asked from here (no base URL, or a key missing where the
     * provider needs one): the failure the task ends with; null when it can be asked.
     */
    public TaskFailure notConfigured(@Variable("provider") Object provider) {
        ProviderName name = nameOf(provider);
        if (providers.isConfigured(name)) {
            return null;
        }
        return new TaskFailure(FailureClass.PROVIDER_NOT_CONFIGURED, "provider " + name + " is not configured on this instance: set "
                + ProviderAccess.baseUrlSetting(name) + " and its key " + ProviderAccess.apiKeySetting(name), null);
    }

    /** CamelHttpUri: the provider's root. */
    public String root(@Variable("provider") Object provider) {
        return providers.endpoint(nameOf(provider)).baseUrl();
    }

    /** CamelHttpPath: the task's path under the root, its id encoded. */
    public String path(@Variable("taskId") String taskId, @Variable("provider") Object provider) {
        return providers.get(nameOf(provider)).request().pathOf(taskId);
    }

    /**
     * CamelHttpMethod: GET, or POST (without a body). As the HTTP component's own enum: given as text,
     * the component converted it on every request, a fifth of a fetch thread's time (the bench's flight recordings).
     */
    public HttpMethods method(@Variable("provider") Object provider) {
        return HttpMethods.valueOf(providers.get(nameOf(provider)).request().method());
    }

    /** CamelHttpQuery: the provider's extra parameters, or null for none. */
    public String query(@Variable("taskId") String taskId, @Variable("provider") Object provider) {
        return providers.get(nameOf(provider)).request().queryOf(taskId);
    }

    /** CamelHttpPath of a group's list query. */
    public String listPath(@Variable("provider") Object provider) {
        return providers.get(nameOf(provider)).list().pathUnderRoot();
    }

    /** CamelHttpQuery of a group's list query: each of its task ids, and the list's further parameters. */
    public String listQuery(@Variable("taskIds") List<String> taskIds, @Variable("provider") Object provider) {
        return providers.get(nameOf(provider)).list().queryOf(taskIds);
    }

    /**
     * A list query's answer: each task's item (JSON text) by its id. A task missing is asked alone; it
     * throws for an answer that is no list, and then every task of the group is.
     */
    public Map<String, String> listed(@Variable("provider") Object provider, @Body String raw) {
        return ListAnswer.items(providers.get(nameOf(provider)), raw);
    }

    /** The answer, by the provider's reader; it throws for an answer the task cannot act on, as the gateway's reader does. */
    public FetchAnswer read(@Variable("taskId") String taskId, @Variable("provider") Object provider, @Body String raw) {
        PointerAnswerReader reader = readers.get(nameOf(provider));
        return reader != null ? reader.read(taskId, raw) : gatewayReader.read(taskId, raw);
    }

    /**
     * The kind and model the task's success answer names, read again from the answer kept with it (its
     * download runs on an exchange of its own, maybe after a restart): for the video's name. None when
     * the task keeps no answer or it cannot be read again.
     */
    public TaskLabels labels(@Variable("lease") Lease lease, @Variable("provider") Object provider) {
        String raw = lease.task().answer;
        if (raw == null) {
            return TaskLabels.NONE;
        }
        try {
            return read(lease.taskId().value(), provider, raw).labels();
        } catch (RuntimeException unreadable) {
            return TaskLabels.NONE;
        }
    }

    /**
     * The images the task's success answer names (its provider file's answer.images), name to URL, from
     * the answer kept with it; null when it names none (a provider without images, a task without an answer).
     */
    public Map<String, String> images(@Variable("lease") Lease lease, @Variable("provider") Object provider) {
        Map<String, String> images = AnswerImages.read(providers.get(nameOf(provider)).answer().images(), lease.task().answer);
        return images.isEmpty() ? null : images;
    }

    /**
     * The images a fresh answer of the task names (for those whose URL lapsed), once the answer is read
     * as the task's own: it throws for another task's answer or one that cannot be read, as a fetch's would.
     */
    public Map<String, String> freshImages(@Variable("taskId") String taskId, @Variable("provider") Object provider, @Body String raw) {
        read(taskId, provider, raw);
        return AnswerImages.read(providers.get(nameOf(provider)).answer().images(), raw);
    }

    /**
     * The fault as the fault route decides on it: an HTTP error answer matching the provider's
     * not-found rule becomes the API's word that there is no such task; any other fault stays as it is.
     */
    public Throwable fault(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable fault, @Variable("provider") Object provider) {
        HttpOperationFailedException http = ObjectHelper.getException(HttpOperationFailedException.class, fault);
        if (http == null || http instanceof NotFoundAnswerException) {
            return fault;
        }
        Provider file = providers.get(nameOf(provider));
        NotFoundRule rule = file.notFound();
        if (rule == null || !rule.matches(http.getStatusCode(), http.getResponseBody(), file.answer().failureCode())) {
            return fault;
        }
        return new NotFoundAnswerException(http, rule.describe());
    }

    private ProviderName nameOf(Object provider) {
        if (provider == null || provider.toString().isBlank()) {
            return providers.defaultProvider();
        }
        return provider instanceof ProviderName name ? name : new ProviderName(provider.toString().strip());
    }
}

package io.github.jimengfetcher.provider;

import io.github.jimengfetcher.task.ProviderName;

/**
 * One task API as its provider file declares it (docs/providers.md): how a task is asked for, where
 * its answer says what, the provider's status words, and its optional rules.
 *
 * @param name        the file's name without {@code .yaml}
 * @param source      where it was read from, for the messages about it ({@code providers/ark.yaml})
 * @param description what it is, for people
 * @param baseUrl     the file's own default root, empty when it names none
 * @param notFound    the HTTP error answer that means "no such task", or null
 * @param list        the many-tasks query, or null
 * @param notifyId    where a notification's body names its task (notify.id), empty: where the answers do (answer.id)
 */
public record Provider(ProviderName name, String source, String description, String baseUrl, ProviderRequest request,
        AnswerPointers answer, StatusWords status, NotFoundRule notFound, ProviderDownload download, ListQuery list, String notifyId) {

    /** today's reader of /jimeng/fetch answers, with its URL search order and variants */
    public boolean readsLikeTheGateway() {
        return answer.reader() == AnswerPointers.Reader.GATEWAY;
    }
}
